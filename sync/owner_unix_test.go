//go:build unix

package sync

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A revocation record that root makes (a token revoked with sudo) belongs
// to the database's owner, so that the server, run as that user, can add
// to it, and one an older build left root's is given back.
func TestRevocationRecordTakesDatabaseOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file away")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "server.db")
	if err := os.WriteFile(db, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(db, 4242, 4343); err != nil {
		t.Fatal(err)
	}
	rec := RevokedPath(db)
	r := store.Revocation{Hash: "ab", Name: "desk-1", At: "2026-11-29T05:00:00Z"}
	if err := appendRevocations(rec, []store.Revocation{r}, db); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(rec)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 4242 || st.Gid != 4343 || fi.Mode().Perm() != 0o640 {
		t.Fatalf("record owned by %d:%d mode %v, want 4242:4343 0640", st.Uid, st.Gid, fi.Mode().Perm())
	}
	// One an older build left root's is given back when root adds to it.
	if err := os.Chown(rec, 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := appendRevocations(rec, []store.Revocation{r}, db); err != nil {
		t.Fatal(err)
	}
	fi, _ = os.Stat(rec)
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 4242 || st.Gid != 4343 {
		t.Fatalf("root's record left %d:%d, want 4242:4343", st.Uid, st.Gid)
	}
	// A new record has the database's mode whatever the umask.
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	os.Remove(rec)
	if err := os.Chmod(db, 0o660); err != nil {
		t.Fatal(err)
	}
	if err := appendRevocations(rec, []store.Revocation{r}, db); err != nil {
		t.Fatal(err)
	}
	if fi, _ = os.Stat(rec); fi.Mode().Perm() != 0o660 {
		t.Fatalf("record mode %v under umask 077, want the database's 0660", fi.Mode().Perm())
	}
}
