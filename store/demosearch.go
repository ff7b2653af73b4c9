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

// searchBuilder builds an index like asset_fts (def, its CREATE
// statement) in a database of its own at path, from documents added in
// order of their ids. The documents go into a plain table first, then into
// the index in one statement: FTS5 writes out its pending terms at the end
// of every statement that changes it, so inserting them a few at a time
// would make a segment per statement and spend the time merging them.
type searchBuilder struct {
	ctx   context.Context
	aux   *sql.DB
	tx    *sql.Tx
	stmts map[string]*sql.Stmt // the two shapes chunkRows uses, prepared once
}

func newSearchBuilder(ctx context.Context, path, def string) (*searchBuilder, error) {
	removeDB(path)
	aux, err := sql.Open("sqlite", asideDSN(path))
	if err != nil {
		return nil, err
	}
	aux.SetMaxOpenConns(1)
	b := &searchBuilder{ctx: ctx, aux: aux, stmts: map[string]*sql.Stmt{}}
	if b.tx, err = aux.BeginTx(ctx, nil); err != nil {
		aux.Close()
		return nil, err
	}
	for _, q := range []string{def, `CREATE TABLE docs(id INTEGER PRIMARY KEY, doc TEXT NOT NULL)`} {
		if _, err := b.tx.ExecContext(ctx, q); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

// add stores documents: id, doc, id, doc...
func (b *searchBuilder) add(args []any) error {
	return chunkRows(`INSERT INTO docs(id, doc) VALUES `, 2, args, func(q string, _ int, rows []any) error {
		st := b.stmts[q]
		if st == nil {
			var err error
			if st, err = b.tx.PrepareContext(b.ctx, q); err != nil {
				return err
			}
			b.stmts[q] = st
		}
		_, err := st.ExecContext(b.ctx, rows...)
		return err
	})
}

// build indexes the documents, as one segment, and commits.
func (b *searchBuilder) build() error {
	if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO asset_fts(rowid, doc) SELECT id, doc FROM docs ORDER BY id`); err != nil {
		return err
	}
	// One segment: left alone, FTS5's automerge would do that work a little
	// at a time in the desk's first thousands of transactions (a check-out
	// taking a second), and every search would read every segment meanwhile.
	if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO asset_fts(asset_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return b.tx.Commit()
}

func (b *searchBuilder) close() {
	for _, st := range b.stmts {
		st.Close()
	}
	b.tx.Rollback() // a no-op after build
	b.aux.Close()
}

// buildSearchAside indexes db's assets in a new database at path. The
// documents are read a range of assets at a time, each a short read: a
// reader that stayed open would keep the demo writer's log from restarting.
func buildSearchAside(ctx context.Context, db *DB, path string) error {
	var def string
	if err := db.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	b, err := newSearchBuilder(ctx, path, def)
	if err != nil {
		return fmt.Errorf("demo search: %w", err)
	}
	defer b.close()
	const docRange = 65536
	args := make([]any, 0, docRange*2)
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
		if err := b.add(args); err != nil {
			return fmt.Errorf("demo search: %w", err)
		}
		if len(args)/2 < docRange {
			break
		}
	}
	if err := b.build(); err != nil {
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
