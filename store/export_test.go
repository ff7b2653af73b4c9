package store

import (
	"context"
	"fmt"
)

// ExecForTest runs raw SQL on the writer connection: for tests that tamper
// with the database behind the store's back.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	if _, err := db.w.ExecContext(ctx, query); err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	return nil
}
