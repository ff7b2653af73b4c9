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

// ReadOnlyQueryForTest returns the first column of every row of query, as
// text, read on a reader connection.
func (db *DB) ReadOnlyQueryForTest(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// EmitForTest records an event of type typ about subject with payload, in
// a transaction of its own, as a desk's own change: for tests of what an
// older build wrote (a name with a run of spaces, say).
func (db *DB) EmitForTest(ctx context.Context, typ EventType, subject string, payload any) error {
	_, err := db.write(ctx, func(w *wtx) error { return w.emit(typ, subject, payload) })
	return err
}
