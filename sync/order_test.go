package sync

import (
	"context"
	"errors"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Batches of one device reaching the server out of order go to the store in
// sequence order.
func TestPushOrder_AdmitsInSequence(t *testing.T) {
	ctx := context.Background()
	o := newPushOrder(5 * time.Second)
	high := func(context.Context) (int64, error) { return 0, nil }
	var mu gosync.Mutex
	var order []int64
	var wg gosync.WaitGroup
	// Batches start at 1, 201, 401, 601; they arrive last first.
	for i, first := range []int64{601, 401, 201, 1} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 20 * time.Millisecond)
			done, err := o.admit(ctx, "D1", first, high)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, first)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond) // the store at work
			done.done(first+199, true)
		}()
	}
	wg.Wait()
	want := []int64{1, 201, 401, 601}
	for i := range want {
		if i >= len(order) || order[i] != want[i] {
			t.Fatalf("admitted %v, want %v", order, want)
		}
	}
}

// A push whose predecessor never comes waits a bounded time, then goes on
// (the store answers it with a gap); other devices never wait for it.
func TestPushOrder_MissingPredecessorBounded(t *testing.T) {
	ctx := context.Background()
	o := newPushOrder(100 * time.Millisecond)
	reads := 0
	high := func(context.Context) (int64, error) { reads++; return 0, nil }
	t0 := time.Now()
	done, err := o.admit(ctx, "D1", 201, high)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 100*time.Millisecond || d > 2*time.Second {
		t.Fatalf("waited %v, want about 100ms", d)
	}
	if reads != 1 {
		t.Fatalf("high water read %d times, want once", reads)
	}
	t0 = time.Now()
	done2, err := o.admit(ctx, "D2", 1, high)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 50*time.Millisecond {
		t.Fatalf("another device waited %v", d)
	}
	done2.done(1, true)
	done.done(0, false)
	// A retry from the start after the failure goes straight in.
	t0 = time.Now()
	done, err = o.admit(ctx, "D1", 1, high)
	if err != nil {
		t.Fatal(err)
	}
	done.done(200, true)
	if d := time.Since(t0); d > 50*time.Millisecond {
		t.Fatalf("retry waited %v", d)
	}
	// A cancelled request stops waiting.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := o.admit(cctx, "D1", 999, high); err == nil {
		t.Fatal("cancelled admit: want an error")
	}
}

// Another server process moved the device on (PostgreSQL): the line reads
// the backend instead of waiting.
func TestPushOrder_StaleHighWaterRefreshed(t *testing.T) {
	ctx := context.Background()
	o := newPushOrder(5 * time.Second)
	backend := int64(0)
	high := func(context.Context) (int64, error) { return backend, nil }
	done, err := o.admit(ctx, "D1", 1, high)
	if err != nil {
		t.Fatal(err)
	}
	done.done(200, true)
	backend = 600 // pushed through another process meanwhile
	t0 := time.Now()
	done, err = o.admit(ctx, "D1", 601, high)
	if err != nil {
		t.Fatal(err)
	}
	done.done(800, true)
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("waited %v for a high water another process had moved", d)
	}
}

// A batch in the store's queue lets the next one in before it commits;
// the one after waits for its own predecessor, whatever the first does.
func TestPushOrder_QueuedLetsNextIn(t *testing.T) {
	ctx := context.Background()
	o := newPushOrder(5 * time.Second)
	high := func(context.Context) (int64, error) { return 0, nil }
	k, err := o.admit(ctx, "D1", 1, high)
	if err != nil {
		t.Fatal(err)
	}
	k.queued(200)
	k1, err := o.admit(ctx, "D1", 201, high) // k not done yet
	if err != nil {
		t.Fatal(err)
	}
	admitted := make(chan *turn)
	go func() {
		k2, err := o.admit(ctx, "D1", 401, high)
		if err != nil {
			t.Error(err)
		}
		admitted <- k2
	}()
	k.done(200, true) // must not let 401 in: 201 is not queued yet
	select {
	case <-admitted:
		t.Fatal("401 admitted before 201 was queued")
	case <-time.After(100 * time.Millisecond):
	}
	k1.queued(400)
	k1.queued(400) // again (a retry inside the store): no effect
	select {
	case k2 := <-admitted:
		k1.done(400, true)
		k2.done(600, true)
	case <-time.After(2 * time.Second):
		t.Fatal("401 not admitted after 201 was queued")
	}
}

// A batch that meets a refusal runs again with savepoints in its own place
// in the writer's queue: the device's next batch, let in once the first was
// queued (as pushOrder does), commits after it and gets no gap.
func TestPush_RefusalRetryKeepsQueueOrder(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	// Another device takes badge B1 first (people with the same badge are
	// a conflict; a catalogue entry made twice would merge).
	d2, err := store.Open(ctx, filepath.Join(t.TempDir(), "d2.db"), store.Options{Operator: "t2"})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	if _, err := d2.AddPerson(ctx, store.PersonInput{Name: "Other", Badge: "B1"}); err != nil {
		t.Fatal(err)
	}
	ev2, _ := d2.OutboxBatch(ctx, 10)
	if _, err := e.srv.DB.ServerPush(ctx, d2.DeviceID(), ev2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddPerson(ctx, store.PersonInput{Name: "Head", Badge: "B1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddLocation(ctx, "LAB", "Lab", ""); err != nil {
		t.Fatal(err)
	}
	evs, _ := e.dev.OutboxBatch(ctx, 10)
	dev := e.dev.DeviceID()
	res2 := make(chan error, 1)
	queued2 := make(chan struct{})
	started := false
	r1, err1 := e.srv.DB.ServerPushWith(ctx, dev, evs[:1], store.PushHooks{Queued: func() {
		if started {
			return
		}
		started = true
		go func() {
			_, err := e.srv.DB.ServerPushWith(ctx, dev, evs[1:], store.PushHooks{Queued: func() { close(queued2) }})
			res2 <- err
		}()
		<-queued2
	}})
	err2 := <-res2
	var gap *store.GapError
	if errors.As(err2, &gap) {
		t.Fatalf("batch 2 got a gap (expected %d) although batch 1 was queued before it", gap.Expected)
	}
	if err1 != nil || err2 != nil {
		t.Fatalf("batch 1: %v, batch 2: %v", err1, err2)
	}
	if len(r1.Results) != 1 || r1.Results[0].Status != store.PushRefused {
		t.Fatalf("batch 1 answers = %+v, want the person refused (badge taken)", r1.Results)
	}
	hw, err := e.srv.DB.ServerHighWater(ctx, dev)
	if err != nil || hw != evs[len(evs)-1].Seq {
		t.Fatalf("high water = %d, %v; want %d (both batches in)", hw, err, evs[len(evs)-1].Seq)
	}
}
