package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// From a server review: a server database restored from a backup taken
// before a token was revoked let that token in again (a lost laptop's
// desk syncing as before). Each revocation is recorded beside the
// database (its .revoked file, which the README's restore steps leave in
// place, as the marker), and a database opened behind it revokes the
// token again, at its first time, and says which.
func TestRestoreKeepsRevocations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	b, _, err := OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lost, kept, old := store.NewToken(), store.NewToken(), store.NewToken()
	for name, tok := range map[string]string{"lost-laptop": lost, "desk-1": kept, "old-desk": old} {
		if err := b.AddToken(ctx, name, tok); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	backup := readAll(t, path)
	// A token revoked by a build that kept no record: recorded at the
	// next open.
	plain, err := OpenSQLite(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.RevokeToken(ctx, "old-desk"); err != nil {
		t.Fatal(err)
	}
	plain.Close()
	if b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeToken(ctx, "lost-laptop"); err != nil {
		t.Fatal(err)
	}
	toks, err := b.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	revokedAt := toks[slices.IndexFunc(toks, func(ti store.TokenInfo) bool { return ti.Name == "lost-laptop" })].RevokedAt
	b.Close()

	// Restored from the backup.
	b = restoreServerDB(t, path, backup)
	defer b.Close()
	if _, err := b.Authenticate(ctx, lost); !errors.Is(err, store.ErrUnauthorized) {
		t.Errorf("the token revoked after the backup: %v, want refused", err)
	}
	if _, err := b.Authenticate(ctx, old); !errors.Is(err, store.ErrUnauthorized) {
		t.Errorf("the token revoked before the record: %v, want refused", err)
	}
	if _, err := b.Authenticate(ctx, kept); err != nil {
		t.Errorf("the token never revoked: %v", err)
	}
	if !slices.Equal(b.RevokedAgain, []string{"lost-laptop", "old-desk"}) {
		t.Errorf("revoked again: %v, want lost-laptop and old-desk", b.RevokedAgain)
	}
	toks, err = b.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := toks[slices.IndexFunc(toks, func(ti store.TokenInfo) bool { return ti.Name == "lost-laptop" })].RevokedAt; got != revokedAt {
		t.Errorf("revoked at %q again, want %q (when it was)", got, revokedAt)
	}
	// Opened again: nothing more to revoke.
	b.Close()
	if b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(b.RevokedAgain) != 0 {
		t.Errorf("revoked again at the next open: %v", b.RevokedAgain)
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// From a review: the record's lines of token names an older build allowed
// (spaces) were passed over, so such a token came back after a restore and
// its line was added again at every open; a line past 64 KiB, or a record
// the server cannot read, stopped the server from starting. Now the name
// is what lies between hash and time, any line is read, and an unreadable
// record is said (RecordProblem), not fatal.
func TestRevocationRecordTolerant(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	b, _, err := OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tok := store.NewToken()
	if err := b.AddToken(ctx, "buro-2", tok); err != nil {
		t.Fatal(err)
	}
	b.Close()
	backup := readAll(t, path)
	// (An older build's name, and junk longer than a scanner's line.)
	if err := os.WriteFile(RevokedPath(path), []byte("x"+strings.Repeat("y", 70000)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, err := OpenSQLite(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.DB.ServerRevoke(ctx, "buro-2"); err != nil {
		t.Fatal(err)
	}
	plain.Close()
	for range 3 {
		b, _, err := OpenSQLiteChecked(ctx, path, SQLiteOptions{})
		if err != nil {
			t.Fatalf("open with a long junk line: %v", err)
		}
		if b.RecordProblem != "" {
			t.Errorf("record problem: %s", b.RecordProblem)
		}
		b.Close()
	}
	if recs, err := readRevocations(RevokedPath(path)); err != nil || len(recs) != 1 {
		t.Fatalf("recorded %d times, %v; want once", len(recs), err)
	}
	// A name with a space, as an older build wrote it.
	raw := readAll(t, RevokedPath(path))
	recs, _ := readRevocations(RevokedPath(path))
	line := recs[0].Hash + " Büro 2 " + recs[0].At + "\n"
	if err := os.WriteFile(RevokedPath(path), append(raw, line...), 0o600); err != nil {
		t.Fatal(err)
	}
	if recs, _ := readRevocations(RevokedPath(path)); len(recs) != 2 || recs[1].Name != "Büro 2" {
		t.Fatalf("older name: %+v", recs)
	}
	b = restoreServerDB(t, path, backup)
	if _, err := b.Authenticate(ctx, tok); !errors.Is(err, store.ErrUnauthorized) {
		t.Errorf("restored: %v, want refused", err)
	}
	b.Close()
	// A record that cannot be read: said, and the server opens.
	os.Remove(RevokedPath(path))
	if err := os.Mkdir(RevokedPath(path), 0o700); err != nil {
		t.Fatal(err)
	}
	b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil || b.RecordProblem == "" {
		t.Fatalf("unreadable record: %v, problem %q", err, b.RecordProblem)
	}
	defer b.Close()
	var nr *NotRecordedError
	if err := b.AddToken(ctx, "desk-9", store.NewToken()); err != nil {
		t.Fatal(err)
	}
	if err := b.RevokeToken(ctx, "desk-9"); !errors.As(err, &nr) {
		t.Errorf("revoke with an unwritable record: %v", err)
	}
	if toks, _ := b.Tokens(ctx); !slices.ContainsFunc(toks, func(ti store.TokenInfo) bool { return ti.Name == "desk-9" && ti.RevokedAt != "" }) {
		t.Errorf("desk-9 not revoked: %+v", toks)
	}
}

// restoreServerDB puts backup back as the SQLite server database at path
// (its WAL gone with it, the marker and record left) and opens it.
func restoreServerDB(t *testing.T, path string, backup []byte) *SQLiteBackend {
	t.Helper()
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if err := os.WriteFile(path, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	b, _, err := OpenSQLiteChecked(context.Background(), path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
