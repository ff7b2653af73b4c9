package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// holdWriter starts a mutation that keeps the writer until release is
// closed, so that the next ones queue up behind it.
func holdWriter(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := db.write(context.Background(), func(w *wtx) error {
			close(started)
			<-hold
			return nil
		})
		done <- err
	}()
	<-started
	return func() {
		close(hold)
		if err := <-done; err != nil {
			t.Errorf("holding write: %v", err)
		}
	}
}

// waitQueued waits until n mutations wait for the writer (the one running
// is not among them).
func waitQueued(t *testing.T, db *DB, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		db.gmu.Lock()
		k := len(db.wq.waiting)
		db.gmu.Unlock()
		if k >= n {
			return
		}
	}
	t.Fatalf("fewer than %d mutations queued", n)
}

// verifyOK fails the test unless db's chains are whole and its state
// equals the replay of its events.
func verifyOK(t *testing.T, db *DB) {
	t.Helper()
	rep, err := db.Verify(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("verify: %v", rep.Problems)
	}
}

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), Options{Operator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A mutation that panics inside a group fails its group (every caller is
// told, nothing is saved) and the writer goes on serving.
func TestGroupPanicDoesNotWedgeTheWriter(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release := holdWriter(t, db)
	errs := make(chan error, 3)
	go func() { _, err := db.AddLocation(ctx, "A", "Room A", ""); errs <- err }()
	waitQueued(t, db, 1)
	go func() {
		_, err := db.write(ctx, func(w *wtx) error { panic("boom") })
		errs <- err
	}()
	waitQueued(t, db, 2)
	go func() { _, err := db.AddLocation(ctx, "B", "Room B", ""); errs <- err }()
	waitQueued(t, db, 3)
	release()
	for i := 0; i < 3; i++ {
		select {
		case err := <-errs:
			if ErrorCode(err) != EINTERNAL {
				t.Errorf("a change grouped with a panicking one: %v, want an internal error", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a grouped caller never got its answer")
		}
	}
	done := make(chan error, 1)
	go func() { _, err := db.AddLocation(ctx, "C", "Room C", ""); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write after the panic: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer is stuck after a panic")
	}
	for _, code := range []string{"A", "B"} {
		if _, err := db.Location(ctx, code); ErrorCode(err) != ENOTFOUND {
			t.Errorf("location %s after its group failed: %v, want not found", code, err)
		}
	}
}

// A caller whose context ends while it waits for the writer gets its error
// at once, and its change is never made.
func TestGroupCancelWhileWaiting(t *testing.T) {
	db := openTemp(t)
	release := holdWriter(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := db.AddLocation(ctx, "X", "Room X", ""); errc <- err }()
	waitQueued(t, db, 1)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("canceled while waiting: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a canceled caller kept waiting for the writer")
	}
	release()
	if _, err := db.AddLocation(context.Background(), "Y", "Room Y", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Location(context.Background(), "X"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("the canceled change was made: %v", err)
	}
}

// Sync batches that arrive together commit in small groups of their own;
// one that fails is rolled back alone, and the desk's small changes queued
// among them are not held up by them.
func TestGroupSyncBatches(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release := holdWriter(t, db)
	type result struct {
		code string
		err  error
	}
	results := make(chan result, 10)
	add := func(code string, batch, fail bool) {
		write := db.write
		if batch {
			write = func(ctx context.Context, fn func(w *wtx) error) ([]Event, error) { return db.writeBatch(ctx, nil, fn) }
		}
		_, err := write(ctx, func(w *wtx) error {
			uid := db.newUID()
			if err := w.emit(EvLocationCreated, uid, LocationPayload{UID: uid, Code: code, Name: "Room " + code}); err != nil {
				return err
			}
			if fail {
				return invalid("batch %s refused", code)
			}
			return nil
		})
		results <- result{code, err}
	}
	queued := 0
	for i, c := range []struct {
		code        string
		batch, fail bool
	}{{"B1", true, false}, {"B2", true, false}, {"S1", false, false}, {"B3", true, true}, {"B4", true, false}, {"B5", true, false}, {"B6", true, false}, {"S2", false, false}} {
		go add(c.code, c.batch, c.fail)
		queued = i + 1
		waitQueued(t, db, queued)
	}
	release()
	for i := 0; i < queued; i++ {
		r := <-results
		if (r.err != nil) != (r.code == "B3") {
			t.Errorf("%s: %v", r.code, r.err)
		}
	}
	for _, code := range []string{"B1", "B2", "S1", "B4", "B5", "B6", "S2"} {
		if _, err := db.Location(ctx, code); err != nil {
			t.Errorf("location %s: %v", code, err)
		}
	}
	if _, err := db.Location(ctx, "B3"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("the refused batch's change was kept: %v", err)
	}
	verifyOK(t, db)
}

// A relaxed write (a pulled page) commits with synchronous=NORMAL; every
// other write, before and after it, with FULL.
func TestWriteRelaxed_OnlyThatTransaction(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	level := func(w *wtx) int {
		var n int
		if err := w.tx.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var in, after int
	if _, err := db.writeRelaxed(ctx, func(w *wtx) error { in = level(w); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write(ctx, func(w *wtx) error { after = level(w); return nil }); err != nil {
		t.Fatal(err)
	}
	if in != 1 || after != 2 {
		t.Fatalf("synchronous in the relaxed write = %d (want 1, NORMAL), after it = %d (want 2, FULL)", in, after)
	}
	// A failing relaxed write puts the level back too.
	if _, err := db.writeRelaxed(ctx, func(w *wtx) error { return invalid("no") }); err == nil {
		t.Fatal("want the error")
	}
	if _, err := db.write(ctx, func(w *wtx) error { after = level(w); return nil }); err != nil || after != 2 {
		t.Fatalf("after a failed relaxed write: synchronous = %d, %v", after, err)
	}
}

// A group takes every waiting mutation of its leader's class, in order,
// skipping the others, which keep their order and lead the next group.
func TestGroupTakesItsClassPastOthers(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release := holdWriter(t, db)
	done := make(chan error, 10)
	codes := []string{"B1", "S1", "B2", "S2", "B3"}
	for i, code := range codes {
		go func() {
			fn := func(w *wtx) error {
				uid := db.newUID()
				return w.emit(EvLocationCreated, uid, LocationPayload{UID: uid, Code: code, Name: "Room " + code})
			}
			var err error
			if code[0] == 'B' {
				_, err = db.writeBatch(ctx, nil, fn)
			} else {
				_, err = db.write(ctx, fn)
			}
			done <- err
		}()
		waitQueued(t, db, i+1)
	}
	release()
	for range codes {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.w.QueryContext(ctx, `SELECT code FROM locations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		got = append(got, c)
	}
	if want := []string{"B1", "B2", "B3", "S1", "S2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("commit order %v, want %v (the batches in one group, then the small ones)", got, want)
	}
}

// Mutations that hold their events back (deferEvents, as an import does)
// inside a group: each one's events are stored with its own savepoint, one
// that fails leaves nothing, and the log, the outbox and the chain stay in
// order.
func TestGroupDeferredEvents(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	release := holdWriter(t, db)
	done := make(chan error, 10)
	codes := []string{"D1", "D2", "BAD", "D3"}
	for i, code := range codes {
		go func() {
			_, err := db.write(ctx, func(w *wtx) error {
				w.deferEvents = true
				for k := range 2 {
					uid := db.newUID()
					c := fmt.Sprintf("%s-%d", code, k)
					if err := w.emit(EvLocationCreated, uid, LocationPayload{UID: uid, Code: c, Name: "Room " + c}); err != nil {
						return err
					}
				}
				if code == "BAD" {
					return invalid("refused after its events were held back")
				}
				return nil
			})
			done <- err
		}()
		waitQueued(t, db, i+1)
	}
	release()
	failed := 0
	for range codes {
		if err := <-done; err != nil {
			failed++
		}
	}
	if failed != 1 {
		t.Fatalf("%d mutations failed, want the one refused", failed)
	}
	var n, outbox int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE type = ?`, string(EvLocationCreated)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE e.type = ?`, string(EvLocationCreated)).Scan(&outbox); err != nil {
		t.Fatal(err)
	}
	if n != 6 || outbox != 6 {
		t.Fatalf("%d events, %d in the outbox: want the 6 of the three that committed", n, outbox)
	}
	verifyOK(t, db)
}

// The state assetByTag read is taken by the apply that follows, but never
// after a write: a mutation that changed the asset in between reads it
// again.
func TestPeekedAssetForgottenAfterAWrite(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if _, err := db.AddLocation(ctx, "DUB", "Dublin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	a, err := db.Receive(ctx, Receipt{Serial: "S-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.write(ctx, func(w *wtx) error {
		uid, st, err := w.assetByTag(a.Tag)
		if err != nil {
			return err
		}
		if st.status != StatusInStock {
			t.Errorf("read %s, want in stock", st.status)
		}
		if _, err := w.exec(`UPDATE assets SET status = 'in_repair' WHERE uid = ?`, uid); err != nil {
			return err
		}
		again, err := w.asset(uid)
		if err != nil {
			return err
		}
		if again.status != StatusInRepair {
			t.Errorf("after a write the asset reads %s, want in repair (the peeked state was reused)", again.status)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
}

// TestWALRestartsUnderSteadyCommits: commits that never pause still let
// the log start again from its beginning (the checkpointer finishes a long
// log with the writer held off), so the WAL stays bounded instead of
// growing with every commit.
func TestWALRestartsUnderSteadyCommits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "steady.db")
	const catchUp = 200
	db, err := Open(ctx, path, Options{Operator: "test", catchUp: catchUp})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The WAL header's checkpoint sequence number counts the restarts.
	restarts := func() uint32 {
		f, err := os.Open(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var hdr [16]byte
		if _, err := io.ReadFull(f, hdr[:]); err != nil {
			return 0 // no header written yet
		}
		return binary.BigEndian.Uint32(hdr[12:])
	}
	first := restarts()
	// Back-to-back mutations for several checkpointer ticks.
	n := 0
	for start := time.Now(); time.Since(start) < 5*checkpointEvery; n++ {
		if _, err := db.AddLocation(ctx, fmt.Sprintf("S%05d", n), fmt.Sprintf("Shelf %d", n), ""); err != nil {
			t.Fatal(err)
		}
	}
	if got := restarts() - first; got < 2 {
		t.Errorf("the log started again %d times in %d back-to-back mutations over %v", got, n, 5*checkpointEvery)
	}
	verifyOK(t, db)
}

// Two tagdesks opening a new database at once both find it unmigrated; the
// second waits for the first's migration instead of failing on a table it
// made ("table print_jobs already exists").
func TestOpenNewDatabaseTwiceAtOnce(t *testing.T) {
	for i := 0; i < 8; i++ {
		path := filepath.Join(t.TempDir(), "new.db")
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				db, err := Open(context.Background(), path, Options{Operator: "tester"})
				if err == nil {
					err = db.Close()
				}
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
	}
}
