package store

import (
	"context"
	"database/sql"
	"errors"
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

// maxGroup bounds a group of small mutations, and so the wait of the first
// caller in it; maxBatchGroup bounds a group of sync push batches (a few
// hundred events each).
const (
	maxGroup      = 64
	maxBatchGroup = 4
)

// writeReq is one caller's mutation waiting for, or in, a group.
type writeReq struct {
	ctx      context.Context
	fn       func(*wtx) error
	class    writeClass
	relaxed  bool   // commit without waiting for the disk (writeRelaxed)
	queued   func() // called once the request is in the queue (writeBatch)
	held     func() // instead of fn: run with the writer held off (withWriterHeld)
	handed   bool   // given the lead (guarded by DB.gmu)
	events   []Event
	err      error
	finished bool
	done     chan struct{} // closed when the request is finished
	lead     chan struct{} // closed when its caller is handed the lead
}

// writeClass says which mutations may share a transaction: only those of
// the same class, at most groupLimit of them.
type writeClass int

const (
	classSmall writeClass = iota // the desk's own changes (write)
	classBatch                   // sync push batches at a server (writeBatch)
	classAlone                   // never grouped (writeAlone)
)

func (c writeClass) groupLimit() int {
	switch c {
	case classSmall:
		return maxGroup
	case classBatch:
		return maxBatchGroup
	}
	return 1
}

// writeQueue holds the mutations waiting for the writer.
type writeQueue struct {
	leading bool // a caller is running a group
	waiting []*writeReq
}

// write runs fn as one all-or-nothing mutation: its state changes and the
// events it emits commit together, or not at all.
func (db *DB) write(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn, class: classSmall})
}

// writeAlone is write for a large or special mutation (a pulled page, an
// import, the demo builder, a stocktake's start or finish, a rebuild): it
// always commits in a transaction of its own, under its caller's context.
// Grouping it would make every mutation in its group wait for all of it
// (one fsync is nothing beside its work), and some change the transaction
// itself (Rebuild defers foreign keys; the demo builds the search index
// wholesale).
func (db *DB) writeAlone(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn, class: classAlone})
}

// writeRelaxed is writeAlone for a page of changes pulled from the server:
// its commit does not wait for the disk (synchronous=NORMAL for this one
// transaction). A power cut can lose the page, but never half of it and
// never without its cursor, which commits with it: the next sync pulls it
// again. Any later durable commit (the desk's own work) makes it durable
// too, since the WAL is written in order. The desk's own mutations, and a
// server's pushes, always wait for the disk.
func (db *DB) writeRelaxed(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn, class: classAlone, relaxed: true})
}

// writeBatch is write for a sync batch arriving at the server: batches
// from several devices at once commit in small groups of their own (one
// fsync for a few batches), never with the desk's small mutations.
// queued, if not nil, is called once the batch is in the queue: requests
// queued later run after it.
func (db *DB) writeBatch(ctx context.Context, queued func(), fn func(w *wtx) error) ([]Event, error) {
	return db.enqueue(&writeReq{ctx: ctx, fn: fn, class: classBatch, queued: queued})
}

// withWriterHeld runs fn while no mutation runs: it waits its turn in the
// queue like one, alone, but outside any transaction (the background
// checkpointer's catch-up, which must not have frames appended under it).
func (db *DB) withWriterHeld(ctx context.Context, fn func()) {
	db.enqueue(&writeReq{ctx: ctx, held: fn, class: classAlone})
}

func (db *DB) enqueue(r *writeReq) (events []Event, err error) {
	// A read-only database or a full disk, whatever statement met it, in
	// the desk's words.
	defer func() { err = db.storageErr(err) }()
	if db.readOnly {
		return nil, invalid("cannot write to the database: it is open read-only (a copy where nothing may be written); nothing changed")
	}
	r.done, r.lead = make(chan struct{}), make(chan struct{})
	db.gmu.Lock()
	db.wq.waiting = append(db.wq.waiting, r)
	lead := !db.wq.leading
	db.wq.leading = true
	db.gmu.Unlock()
	if r.queued != nil {
		r.queued()
	}
	if !lead {
		select {
		case <-r.done:
			return r.events, r.err
		case <-r.lead:
			// Handed the lead: r is first in the queue.
		case <-r.ctx.Done():
			if db.withdraw(r) {
				if errors.Is(r.ctx.Err(), context.DeadlineExceeded) {
					return nil, beginErr(r.ctx.Err()) // waited its time behind another writer
				}
				return nil, r.ctx.Err()
			}
			// Already in a group, or handed the lead: see it through.
			select {
			case <-r.done:
				return r.events, r.err
			case <-r.lead:
			}
		}
	}
	// However the group ends (a panic in a mutation included), the lead
	// passes on: a writer left without a leader would wait forever.
	defer db.handOff()
	db.gmu.Lock()
	// The group: the first waiting mutation, and those waiting behind it
	// of the same class, in their order, up to the class's limit. Others
	// keep their order and their place (a server's leases between push
	// batches do not split the batches into groups of one, and wait for
	// one group at most: the first waiting always leads the next).
	first := db.wq.waiting[0]
	group := []*writeReq{first}
	rest := db.wq.waiting[:0:0]
	for _, x := range db.wq.waiting[1:] {
		if x.class == first.class && len(group) < first.class.groupLimit() {
			group = append(group, x)
		} else {
			rest = append(rest, x)
		}
	}
	db.wq.waiting = rest
	db.gmu.Unlock()

	db.runGroup(group)
	return r.events, r.err
}

// withdraw takes r out of the queue if no group has taken it and it has not
// been handed the lead; it reports whether it did.
func (db *DB) withdraw(r *writeReq) bool {
	db.gmu.Lock()
	defer db.gmu.Unlock()
	if r.handed {
		return false
	}
	for i, x := range db.wq.waiting {
		if x == r {
			db.wq.waiting = append(db.wq.waiting[:i], db.wq.waiting[i+1:]...)
			return true
		}
	}
	return false
}

// handOff gives the lead to the first waiting mutation, or gives it up.
func (db *DB) handOff() {
	db.gmu.Lock()
	var next *writeReq
	if len(db.wq.waiting) > 0 {
		next = db.wq.waiting[0]
		next.handed = true
	} else {
		db.wq.leading = false
	}
	db.gmu.Unlock()
	if next != nil {
		close(next.lead) // next leads; leading stays true
	}
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
		if r.held != nil {
			r.held()
			r.finish(nil, nil)
			return
		}
		r.finish(db.writeOneWith(r.ctx, r.relaxed && db.syncMode == "FULL", r.fn))
		return
	}
	// The transaction outlives any one caller's context.
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
		failAll(group, beginErr(err))
		return
	}
	stmts := map[string]*sql.Stmt{}
	var unprepared []string
	defer func() {
		// A panic in one caller's mutation must not reach another caller's
		// goroutine (the leader's): the whole group fails with it instead,
		// every caller told, nothing committed.
		p := recover()
		tx.Rollback() // a no-op after Commit
		if p != nil {
			failAll(group, Errorf(EINTERNAL, "a change committed together with this one failed (%v): nothing was saved", p))
		}
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
		// Its statements ignore a cancel that comes once it has started: an
		// interrupted write statement rolls back the whole transaction,
		// the other callers' work with it.
		w := db.newWtx(context.WithoutCancel(r.ctx), tx, stmts, maps.Clone(heads))
		ferr := r.fn(w)
		if ferr == nil {
			ferr = w.flushDeferred() // inside its savepoint, with its events
		}
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
		last.heads = heads
		if err := db.finishTx(last); err != nil {
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
