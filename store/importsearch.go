package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// A large import into a register whose search index is empty (a desk's
// first import) builds the index of its new assets aside, as the demo
// does: each batch of rows the import writes, the writer reads their
// documents (ftsDoc, in its own transaction) and hands them to a goroutine
// that indexes them in a database of its own, on a connection and a core
// of its own; at the end the import copies the index's shadow tables into
// its transaction. The writer's core is spared the trigram index, a fifth
// of a 100k-row import. The copy runs on a writer connection opened for
// the import (writeFresh): FTS5 caches an index's structure per
// connection, and one cached before the copy would be trusted after it.

// importAside is the goroutine building an import's index at path.
type importAside struct {
	path   string
	docs   chan []any // id, doc, id, doc...
	done   chan error
	cancel context.CancelFunc
	sent   int // documents handed over
	closed bool
	ended  bool
	err    error
}

// startImportAside starts building the index of an import's new assets.
func startImportAside(ctx context.Context, w *wtx) (*importAside, error) {
	var def string
	if err := w.queryRow(`SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil {
		return nil, fmt.Errorf("import search: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	a := &importAside{path: w.db.path + "-import-search", docs: make(chan []any, 4), done: make(chan error, 1), cancel: cancel}
	go func() {
		a.done <- func() error {
			b, err := newSearchBuilder(ctx, a.path, def)
			if err != nil {
				return err
			}
			defer b.close()
			for docs := range a.docs {
				if err := b.add(docs); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return b.build()
		}()
	}()
	return a, nil
}

// indexRows reads the documents of the assets with ids first to
// first+n-1, just inserted by w, and hands them to the builder.
func (a *importAside) indexRows(w *wtx, first int64, n int) error {
	st, err := w.prepared(`SELECT a.id, ` + ftsDoc + ftsFrom + ` WHERE a.id BETWEEN ? AND ? ORDER BY a.id`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(w.ctx, first, first+int64(n)-1)
	if err != nil {
		return fmt.Errorf("import search: %w", err)
	}
	docs := make([]any, 0, 2*n)
	for rows.Next() {
		var id int64
		var doc string
		if err := rows.Scan(&id, &doc); err != nil {
			rows.Close()
			return fmt.Errorf("import search: %w", err)
		}
		docs = append(docs, id, doc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("import search: %w", err)
	}
	if len(docs) != 2*n {
		return Errorf(EINTERNAL, "import search: %d documents for %d new assets", len(docs)/2, n)
	}
	select {
	case a.docs <- docs:
		a.sent += n
		return nil
	case err := <-a.done: // it stopped: failed or cancelled
		a.ended, a.err = true, err
		if err == nil {
			err = Errorf(EINTERNAL, "the builder stopped early")
		}
		return fmt.Errorf("import search: %w", err)
	}
}

// sentAll tells the builder no more documents come: it starts indexing
// them while the writer goes on.
func (a *importAside) sentAll() {
	if !a.closed {
		close(a.docs)
		a.closed = true
	}
}

// finish waits for the index to be built.
func (a *importAside) finish() error {
	a.sentAll()
	if !a.ended {
		a.ended, a.err = true, <-a.done
	}
	if a.err != nil {
		return fmt.Errorf("import search: %w", a.err)
	}
	return nil
}

// stop abandons the build if it is still running, waits for the goroutine
// and removes the database it built in.
func (a *importAside) stop() {
	a.cancel()
	a.sentAll()
	if !a.ended {
		a.ended, a.err = true, <-a.done
	}
	removeDB(a.path)
}

// adopt replaces w's (empty) search index with the one built aside: its
// shadow tables are read by a connection of their own and written by w.
func (a *importAside) adopt(w *wtx) error {
	if err := a.finish(); err != nil {
		return err
	}
	aux, err := sql.Open("sqlite", asideDSN(a.path))
	if err != nil {
		return fmt.Errorf("import search: %w", err)
	}
	defer aux.Close()
	aux.SetMaxOpenConns(1)
	for _, t := range searchShadows {
		if _, err := w.exec(`DELETE FROM ` + t); err != nil {
			return fmt.Errorf("import search: clear %s: %w", t, err)
		}
		if err := copyRows(w, aux, t); err != nil {
			return fmt.Errorf("import search: copy %s: %w", t, err)
		}
	}
	var docs int
	if err := w.queryRow(`SELECT count(*) FROM asset_fts_docsize`).Scan(&docs); err != nil {
		return fmt.Errorf("import search: %w", err)
	}
	if docs != a.sent {
		return Errorf(EINTERNAL, "import search: the index built aside holds %d documents, %d were sent", docs, a.sent)
	}
	return nil
}

// copyRows copies every row of table from src into the same table of w.
func copyRows(w *wtx, src *sql.DB, table string) error {
	rows, err := src.QueryContext(w.ctx, `SELECT * FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var args []any
	flush := func() error {
		err := chunkRows(`INSERT INTO `+table+` VALUES `, len(cols), args, func(q string, _ int, rows []any) error {
			// The shadow tables hold no NULLs, but the driver reads an
			// empty blob (a segment's first term) as a nil slice and
			// binds an empty one as NULL: every value is put back as a
			// blob if it arrives NULL.
			_, err := w.exec(strings.ReplaceAll(q, "?", "ifnull(?, x'')"), rows...)
			return err
		})
		args = args[:0]
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		args = append(args, vals...)
		if len(args) >= 16*logChunk*len(cols) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}
