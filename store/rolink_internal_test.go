package store

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// From a review: a read command on a read-only database reached through a
// symbolic link showed old data: openReadOnly looked for the log beside the
// link, found none, and opened the file immutable. A read-only open through
// a link reads the log beside the file the link leads to (where SQLite
// keeps it): changes not yet checkpointed are there.
func TestReadOnlyThroughLinkReadsLog(t *testing.T) {
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
	// A copy of the file and its log, as a crash leaves them.
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "t.db")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "-wal"} {
		in, err := os.Open(src + s)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(real + s)
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
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{real, link} {
		ro, err := Open(ctx, p, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = ro.Location(ctx, "S1")
		ro.Close()
		if err != nil {
			t.Errorf("read-only open of %s: S1, committed in the log: %v", p, err)
		}
	}
}
