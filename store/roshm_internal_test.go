package store

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// logCopy makes at dst a copy of the database at src with its log (-wal)
// holding a change not yet in the file, and no -shm: what a killed desk
// leaves once its shared memory is gone (a reboot), or a copy of it.
func logCopy(t *testing.T, dst string) {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "src.db")
	db, err := Open(ctx, src, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A reader holding a snapshot from before the change: no checkpoint
	// moves the change into the file.
	hold, err := sql.Open("sqlite", "file:"+src)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	conn, err := hold.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM locations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "S1", "Shelf", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "-wal"} {
		in, err := os.Open(src + s)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(dst+s, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// From a review: the -shm a read-only open makes for the owner of a
// read-only database (when a -wal is beside it) was said to be writable by
// its owner, but SQLite gave it the database's read-only mode all the same
// (it sets an empty -shm's mode to the file's), and left it so. It is
// writable by its owner after the read; the log is read.
func TestReadOnlyOpenShmStaysWritable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	logCopy(t, path)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Location(ctx, "S1"); err != nil {
		t.Errorf("S1, committed in the log: %v", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + "-shm")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("the -shm the read made: mode %v, want -rw-r--r-- (the file's, writable by its owner)", fi.Mode().Perm())
	}
}
