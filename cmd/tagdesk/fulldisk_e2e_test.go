//go:build linux

package main

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// smallDisk mounts a filesystem of size bytes (tmpfs) for the test, and
// skips where that cannot be done (not root, or no right to mount).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a small disk here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk fills the disk holding dir, leaving about spare bytes free.
func fillDisk(t *testing.T, dir string, spare int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	free := int64(st.Bavail)*int64(st.Bsize) - spare
	buf := make([]byte, 64<<10)
	for free > 0 {
		n := min(free, int64(len(buf)))
		if _, err := f.Write(buf[:n]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatal(err)
		}
		free -= n
	}
}

// From a review: on a disk already full when the desk opened, every
// command, reads too, said "open database X: disk I/O error (4874)"
// (SQLite could not size the shared memory, -shm, it makes at open). Reads
// are served (read-only, as on a read-only copy); a change says the disk is
// full, in the line a change that meets a full disk says.
func TestE2EFullDiskAtOpen(t *testing.T) {
	dir := smallDisk(t, "8m")
	db := filepath.Join(dir, "desk.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--tag", "TD-1", "SN-1")
	fillDisk(t, dir, 0)
	want := "tagdesk: the disk holding the database " + db + " is full: nothing was saved; free some space and try again"
	for range 2 { // (the second after what the first left beside it)
		if _, errs, code := cli(t, db, "location", "add", "CORK", "Cork"); code != 1 || strings.TrimSpace(errs) != want {
			t.Errorf("a change on a full disk: exit %d, stderr %q, want %q", code, errs, want)
		}
		for _, args := range [][]string{{"asset", "list"}, {"asset", "show", "TD-1"}, {"location", "list"}} {
			if out, errs, code := cli(t, db, args...); code != 0 || !strings.Contains(out, "DUB") {
				t.Errorf("%v on a full disk: exit %d, %q", args, code, errs)
			}
		}
	}
	// Space again: changes work.
	if err := os.Remove(filepath.Join(dir, "fill")); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "location", "add", "CORK", "Cork")
	if out := mustCLI(t, db, "location", "list"); !strings.Contains(out, "CORK") {
		t.Errorf("after space was freed: %s", out)
	}
}

// From a review: stocktake scan A B C … on a disk that filled part way
// printed the scans recorded, then only "the disk … is full: nothing was
// saved", which said neither where it stopped nor that the scans before
// were saved (they were). The line names the scan and says so.
func TestE2EFullDiskStocktakeScanSaysWhere(t *testing.T) {
	dir := smallDisk(t, "8m")
	db := filepath.Join(dir, "desk.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "stocktake", "start", "DUB")
	codes := make([]string, 400)
	for i := range codes {
		codes[i] = fmt.Sprintf("UNKNOWN-%03d", i)
	}
	fillDisk(t, dir, 1<<20)
	out, errs, code := cli(t, db, append([]string{"stocktake", "scan"}, codes...)...)
	saved := strings.Count(out, "unknown ")
	if code != 1 || saved == 0 || saved == len(codes) {
		t.Fatalf("stocktake scan on a disk that fills: exit %d, %d scans saved, stderr %q", code, saved, errs)
	}
	want := fmt.Sprintf("tagdesk: scan %q: the disk holding the database %s is full: this scan was not saved (the %d before it were); free some space and try again", codes[saved], db, saved)
	if strings.TrimSpace(errs) != want {
		t.Errorf("stderr %q, want %q", errs, want)
	}
	if err := os.Remove(filepath.Join(dir, "fill")); err != nil {
		t.Fatal(err)
	}
	rep := mustCLI(t, db, "stocktake", "report", "--json")
	in := 0
	for _, c := range codes {
		if strings.Contains(rep, `"`+c+`"`) {
			in++
		}
	}
	if in != saved {
		t.Errorf("the report has %d of the scans, want the %d saved", in, saved)
	}
}

// A read that a full disk stops (its log holds changes, whose shared
// memory there is no room to make) says it cannot be read, not that
// "nothing was saved" (a read saves nothing).
func TestE2EFullDiskReadThatCannotBeServed(t *testing.T) {
	dir := smallDisk(t, "8m")
	db := filepath.Join(dir, "desk.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	// A reader holding a snapshot keeps the next change in the log.
	hold, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	tx, err := hold.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM locations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "location", "add", "CORK", "Cork")
	// A copy of the file and its log, without the shared memory: what a
	// desk leaves after a reboot.
	cp := filepath.Join(dir, "copy.db")
	for _, side := range []string{"", "-wal"} {
		raw, err := os.ReadFile(db + side)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 && side == "-wal" {
			t.Skip("the log was checkpointed: nothing to read from it")
		}
		if err := os.WriteFile(cp+side, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tx.Rollback()
	fillDisk(t, dir, 0)
	_, errs, code := cli(t, cp, "location", "list")
	if want := "tagdesk: the disk holding the database " + cp + " is full: it cannot be read (its journal needs room); free some space and try again"; code != 1 || strings.TrimSpace(errs) != want {
		t.Errorf("a read on a full disk that needs its log: exit %d, stderr %q, want %q", code, errs, want)
	}
}

// From a review: a command creating a new database on a full disk said
// "the disk holding the database /d/.desk.db.new-4242-… is full", naming
// the file the desk makes aside before it puts the database in place, not
// the database the user named. The line is the one any change on a full
// disk says, naming --db; nothing is left behind. (With no room at all the
// open fails; with a little, a migration or the change does.)
func TestE2EFullDiskNewDatabaseNamesIt(t *testing.T) {
	dir := smallDisk(t, "8m")
	db := filepath.Join(dir, "desk.db")
	want := "tagdesk: the disk holding the database " + db + " is full: nothing was saved; free some space and try again"
	for _, spare := range []int64{0, 64 << 10, 256 << 10} {
		os.Remove(filepath.Join(dir, "fill"))
		fillDisk(t, dir, spare)
		if _, errs, code := cli(t, db, "location", "add", "DUB", "Dublin"); code != 1 || strings.TrimSpace(errs) != want {
			t.Errorf("a new database on a disk with %d bytes free: exit %d, stderr %q, want %q", spare, code, errs, want)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() != "fill" {
				t.Errorf("left behind on a full disk (%d bytes free): %s", spare, e.Name())
			}
		}
	}
}
