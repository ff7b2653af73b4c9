package store

import (
	"context"
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
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "t.db")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	logCopy(t, real)
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
