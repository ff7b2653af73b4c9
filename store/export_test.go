package store

import (
	"context"
	"fmt"
	"testing"
)

// ExecForTest runs raw SQL on the writer connection: for tests that tamper
// with the database behind the store's back.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	if _, err := db.w.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	return nil
}

// CheckSearchIndexForTest checks the search index against the documents the
// rows make (checkSearchIndex).
func CheckSearchIndexForTest(t testing.TB, db *DB, sameBlocks bool, extra ...string) {
	t.Helper()
	checkSearchIndex(t, db, sameBlocks, extra...)
}
