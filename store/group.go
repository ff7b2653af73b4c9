package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
)

// Group commit. Every mutation goes through write. When mutations arrive
// while another one is committing (the scans of a burst, each its own
// command; several sync pushes), they wait, and the next of them to lead
// commits all that are waiting in one transaction: each in a savepoint of
// its own, so one that fails is rolled back alone and the others commit.
// A mutation that arrives alone runs exactly as it would without grouping.
// Either way each caller returns only once its work is durable (or refused),
// and one fsync then covers the whole group.

// maxGroup bounds a group, and so the wait of the first caller in it.
const maxGroup = 64

// writeReq is one caller's mutation waiting for, or in, a group.
type writeReq struct {
	ctx      context.Context
	fn       func(*wtx) error
	alone    bool // never grouped (writeAlone)
	events   []Event
	err      error
	finished bool
	done     chan struct{} // closed when the request is finished
	lead     chan struct{} // closed when its caller is handed the lead
}

// writeQueue holds the mutations waiting for the writer.
type writeQueue struct {
	leading bool // a caller is running a group
	waiting []*writeReq
}

// write runs fn as one all-or-nothing mutation: its state changes and the
// events it emits commit together, or not at all.
func (db *DB) write(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn})
}

// writeAlone is write for a large mutation (a sync batch of hundreds of
// events): it always commits in a transaction of its own. Grouping it would
// make every mutation in its group wait for all of it, and one fsync is
// nothing beside its work.
func (db *DB) writeAlone(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn, alone: true})
}

func (db *DB) enqueue(r *writeReq) ([]Event, error) {
	r.done, r.lead = make(chan struct{}), make(chan struct{})
	db.gmu.Lock()
	db.wq.waiting = append(db.wq.waiting, r)
	lead := !db.wq.leading
	db.wq.leading = true
	db.gmu.Unlock()
	if !lead {
		select {
		case <-r.done:
			return r.events, r.err
		case <-r.lead:
			// Handed the lead: r is first in the queue.
		}
	}
	db.gmu.Lock()
	// The group: the first waiting mutation, and those after it up to the
	// first that must commit alone.
	n := 1
	if !db.wq.waiting[0].alone {
		for n < len(db.wq.waiting) && n < maxGroup && !db.wq.waiting[n].alone {
			n++
		}
	}
	group := append([]*writeReq(nil), db.wq.waiting[:n]...)
	db.wq.waiting = db.wq.waiting[n:]
	db.gmu.Unlock()

	db.runGroup(group)

	db.gmu.Lock()
	var next *writeReq
	if len(db.wq.waiting) > 0 {
		next = db.wq.waiting[0]
	} else {
		db.wq.leading = false
	}
	db.gmu.Unlock()
	if next != nil {
		close(next.lead) // next leads; leading stays true
	}
	return r.events, r.err
}

func (r *writeReq) finish(events []Event, err error) {
	r.events, r.err, r.finished = events, err, true
	close(r.done)
}

// runGroup runs the group's mutations in one transaction and finishes
// every request in it.
func (db *DB) runGroup(group []*writeReq) {
	if len(group) == 1 {
		r := group[0]
		r.finish(db.writeOne(r.ctx, r.fn))
		return
	}
	// The transaction outlives any one caller's context; each mutation's
	// statements run under its own.
	ctx := context.Background()
	failAll := func(rs []*writeReq, err error) {
		for _, r := range rs {
			if !r.finished {
				r.finish(nil, err)
			}
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		failAll(group, fmt.Errorf("begin: %w", err))
		return
	}
	stmts := map[string]*sql.Stmt{}
	var unprepared []string
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
		db.prepare(ctx, unprepared)
	}()
	abort := func(err error) {
		tx.Rollback()
		failAll(group, err)
	}
	heads := map[string]chainHead{}
	var dirty map[int64]bool
	var done []*writeReq
	var last *wtx
	for _, r := range group {
		if err := r.ctx.Err(); err != nil {
			r.finish(nil, err)
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT grouped`); err != nil {
			abort(fmt.Errorf("savepoint: %w", err))
			return
		}
		w := db.newWtx(r.ctx, tx, stmts, maps.Clone(heads))
		ferr := r.fn(w)
		unprepared = append(unprepared, w.unprepared...)
		if ferr != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO grouped`); err != nil {
				// The transaction is gone (SQLite rolls back the whole of
				// it on some errors): nothing in the group committed.
				r.finish(nil, ferr)
				abort(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE grouped`); err != nil {
			if ferr != nil {
				r.finish(nil, ferr)
			}
			abort(fmt.Errorf("release savepoint: %w", err))
			return
		}
		if ferr != nil {
			r.finish(nil, ferr)
			continue
		}
		heads = w.heads
		r.events = w.emitted
		done = append(done, r)
		// The group's search documents are rebuilt together at the end:
		// one index segment for the group, not one per mutation.
		for id, fresh := range w.dirty {
			if dirty == nil {
				dirty = map[int64]bool{}
			}
			dirty[id] = dirty[id] || fresh
		}
		last = w
	}
	if last != nil {
		last.ctx, last.dirty = ctx, dirty
		if err := last.flushIndex(); err != nil {
			abort(err)
			return
		}
		if err := writeHeads(last, heads); err != nil {
			abort(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		failAll(group, fmt.Errorf("commit: %w", err))
		return
	}
	for _, r := range done {
		r.finish(r.events, nil)
	}
}
