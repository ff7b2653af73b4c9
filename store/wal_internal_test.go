package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"modernc.org/sqlite"
)

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func copyTo(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// A session's WAL is grown with zeros ahead of its commits; the commits,
// another handle's among them, overwrite it, and a desk that loses power
// mid-session recovers every commit from it.
func TestSessionPreparesWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "session.db")
	db, err := Open(ctx, path, Options{Operator: "desk", Session: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	prepared := walSize(t, path)
	if prepared < 16<<20 {
		t.Fatalf("the session's WAL is %d bytes, want at least 16 MB", prepared)
	}
	// A command run beside the session (another handle, as another process
	// would be) commits into the same log.
	cmd, err := Open(ctx, path, Options{Operator: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		h := db
		if i%2 == 1 {
			h = cmd
		}
		if _, err := h.AddLocation(ctx, fmt.Sprintf("S%03d", i), fmt.Sprintf("Shelf %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if got := walSize(t, path); got != prepared {
		t.Errorf("the WAL went from %d to %d bytes: the commits grew it", prepared, got)
	}
	// The power goes: the database and its log as they are on disk.
	crashed := filepath.Join(t.TempDir(), "crashed.db")
	copyTo(t, path, crashed)
	copyTo(t, path+"-wal", crashed+"-wal")
	after, err := Open(ctx, crashed, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer after.Close()
	locs, err := after.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 40 {
		t.Errorf("after the power cut the desk has %d of 40 locations", len(locs))
	}
	verifyOK(t, after)
	verifyOK(t, db)
}

// The prepared length is bounded by the log's catch-up length, and a
// command that is not a session leaves the log to grow by itself.
func TestPreparedWALBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "small.db")
	db, err := Open(ctx, path, Options{Operator: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if got := walSize(t, path); got >= 16<<20 {
		t.Errorf("a command's WAL is %d bytes before any commit", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path, Options{Operator: "desk", Session: true, catchUp: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ceiling := int64(32 + 100*(4096+24) + 16<<20)
	if got := walSize(t, path); got < 16<<20 || got > ceiling {
		t.Errorf("the WAL is %d bytes, want 16 MB to %d", got, ceiling)
	}
	if _, err := db.AddLocation(ctx, "S1", "Shelf", ""); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, db)
}

// A session opened while another process holds the write lock (a long
// import) opens at once, without preparing the log.
func TestSessionOpensBesideAWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := Open(ctx, path, Options{Operator: "import"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	release := holdWriter(t, db)
	start := time.Now()
	s, err := Open(ctx, path, Options{Operator: "desk", Session: true})
	took := time.Since(start)
	release()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if took > 3*time.Second {
		t.Errorf("the session took %v to open beside a writer", took)
	}
	if got := walSize(t, path); got >= 16<<20 {
		t.Errorf("the WAL was prepared (%d bytes) under another writer's lock", got)
	}
	if _, err := s.AddLocation(ctx, "S1", "Shelf", ""); err != nil {
		t.Fatal(err)
	}
	verifyOK(t, s)
}

// A change that cannot start because another writer keeps the desk (an
// import in another tagdesk, or a long change in this one) says so, with
// its own code, rather than SQLite's words.
func TestBusyDeskSaysSo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	imp, err := Open(ctx, path, Options{Operator: "import"})
	if err != nil {
		t.Fatal(err)
	}
	defer imp.Close()
	desk, err := Open(ctx, path, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	release := holdWriter(t, imp)
	defer release()
	check := func(what string, err error) {
		t.Helper()
		if ErrorCode(err) != EBUSY || ErrorMessage(err) != busyMessage {
			t.Errorf("%s: %q (%s), want the desk is busy", what, err, ErrorCode(err))
		}
	}
	// SQLite gives up waiting for the lock (busy_timeout, 0 here).
	if _, err := desk.w.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		t.Fatal(err)
	}
	_, err = desk.AddLocation(ctx, "S1", "Shelf", "")
	check("SQLite busy", err)
	_, err = desk.NextTag(ctx)
	check("next tag", err)
	if _, err := desk.w.ExecContext(ctx, `PRAGMA busy_timeout = 10000`); err != nil {
		t.Fatal(err)
	}
	// The caller gives up first (the terminal UI waits 10 s).
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = desk.AddLocation(short, "S1", "Shelf", "")
	cancel()
	check("caller's deadline", err)
	// Queued behind a change of the same handle.
	short, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = imp.AddLocation(short, "S2", "Shelf", "")
	cancel()
	check("queued", err)
}

// A desk whose file cannot be written says so in words, not SQLite's.
func TestReadOnlyDeskSaysSo(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes read-only files")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(ctx, path, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path, Options{Operator: "desk"})
	if err == nil {
		_, err = db.AddLocation(ctx, "S1", "Shelf", "")
		db.Close()
	}
	if want := "the database " + path + " is read-only (check its permissions): nothing was changed"; ErrorCode(err) != EINVALID || ErrorMessage(err) != want || !errors.Is(err, ErrReadOnly) {
		t.Errorf("a read-only desk: %v", err)
	}
}

// A writable Open has SQLite sync its commits with fdatasync where the
// system has it (it writes no timestamps, the tail of a durable commit).
func TestOpenSyncsWithFdatasync(t *testing.T) {
	if _, err := sqlite.Fdatasync(sqlite.FdatasyncEnabled()); errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		t.Skip("no fdatasync on " + runtime.GOOS)
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sync.db"), Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !sqlite.FdatasyncEnabled() {
		t.Fatal("commits sync with fsync after Open, want fdatasync")
	}
	if _, err := db.AddLocation(context.Background(), "DUB", "Dublin", ""); err != nil {
		t.Fatalf("a commit with fdatasync: %v", err)
	}
}
