package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if err := os.WriteFile(path, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil {
		t.Fatal(err)
	}
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
