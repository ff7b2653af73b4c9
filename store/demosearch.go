package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// The demo's search index is built aside: in a database file of its own,
// on a connection of its own, from the assets' rows, while the demo's
// writer stores the events; then copied into the demo's (still empty)
// index tables. FTS5 keeps an index in ordinary tables (the shadow
// tables asset_fts_data, _idx, _docsize and _config), so an index built
// by the same table definition elsewhere is the same index.

// asideDSN opens path for building: nothing journaled or synced (the file
// is thrown away if anything fails).
func asideDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(OFF)", "synchronous(OFF)", "temp_store(MEMORY)", "cache_size(-65536)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?" + q.Encode()
}

// buildSearchAside indexes db's assets in a new database at path.
func buildSearchAside(ctx context.Context, db *DB, path string) error {
	var def string
	if err := db.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	removeDB(path)
	aux, err := sql.Open("sqlite", asideDSN(path))
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer aux.Close()
	aux.SetMaxOpenConns(1)
	tx, err := aux.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, def); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	// The documents go into a plain table first, then into the index in
	// one statement: FTS5 writes out its pending terms at the end of every
	// statement that changes it, so inserting them a few at a time would
	// make a segment per statement and spend the time merging them. They
	// are read a range of assets at a time, each a short read: a reader
	// that stayed open would keep the demo writer's log from restarting.
	if _, err := tx.ExecContext(ctx, `CREATE TABLE docs(id INTEGER PRIMARY KEY, doc TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	const cols, docRange = 2, 65536
	stmts := map[string]*sql.Stmt{} // the two shapes chunkRows uses, prepared once
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	insertDocs := func(q string, _ int, rows []any) error {
		st := stmts[q]
		if st == nil {
			var err error
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[q] = st
		}
		_, err := st.ExecContext(ctx, rows...)
		return err
	}
	args := make([]any, 0, docRange*cols)
	for last := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		args = args[:0]
		rows, err := db.r.QueryContext(ctx, `SELECT a.id, `+ftsDoc+ftsFrom+` WHERE a.id > ? ORDER BY a.id LIMIT ?`, last, docRange)
		if err != nil {
			return fmt.Errorf("demo search: %w", err)
		}
		for rows.Next() {
			var doc string
			if err := rows.Scan(&last, &doc); err != nil {
				rows.Close()
				return fmt.Errorf("demo search: %w", err)
			}
			args = append(args, last, doc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("demo search: %w", err)
		}
		if err := chunkRows(`INSERT INTO docs(id, doc) VALUES `, cols, args, insertDocs); err != nil {
			return fmt.Errorf("demo search: %w", err)
		}
		if len(args)/cols < docRange {
			break
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO asset_fts(rowid, doc) SELECT id, doc FROM docs ORDER BY id`); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	// One segment: left alone, FTS5's automerge would do that work a little
	// at a time in the desk's first thousands of transactions (a check-out
	// taking a second), and every search would read every segment meanwhile.
	if _, err := tx.ExecContext(ctx, `INSERT INTO asset_fts(asset_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("demo search: optimize: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	return nil
}

// searchShadows are the tables an FTS5 index lives in (asset_fts has no
// content table: content = ”).
var searchShadows = []string{"asset_fts_data", "asset_fts_idx", "asset_fts_docsize", "asset_fts_config"}

// adoptSearch replaces db's search index with the one built at path. The
// copy is made by the aside database's connection, not db's writer: the
// writer's FTS5 then sees another connection's commit and reads the new
// index, instead of trusting a structure it may have cached.
func adoptSearch(ctx context.Context, db *DB, path string) error {
	aux, err := sql.Open("sqlite", asideDSN(path))
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer aux.Close()
	aux.SetMaxOpenConns(1)
	conn, err := aux.Conn(ctx)
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS demo`, db.path); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE demo`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer tx.Rollback()
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM demo.asset_fts_docsize`).Scan(&n); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	if n > 0 {
		return Errorf(EINTERNAL, "demo search: the demo's index already has %d documents", n)
	}
	for _, t := range searchShadows {
		if _, err := tx.ExecContext(ctx, `DELETE FROM demo.`+t); err != nil {
			return fmt.Errorf("demo search: clear %s: %w", t, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO demo.`+t+` SELECT * FROM main.`+t); err != nil {
			return fmt.Errorf("demo search: copy %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	return nil
}

// removeDB removes a throwaway database file and whatever SQLite keeps
// beside it, as far as it can (a file left behind is only clutter).
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}
