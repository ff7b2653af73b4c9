package sync

import (
	"context"
	gosync "sync"
	"time"
)

// pushOrder keeps each device's pushes in sequence order at the server.
// A client may have more than one push batch on the wire (it sends the next
// ones while the server works on the current one), and the requests can
// reach the handler in any order. A push waits here for its turn: no other
// push of the device between admission and the store's queue, and its
// first event following the device's high water, counting the batches
// already queued (the store runs queued batches in order, so a batch
// queued after another commits after it, perhaps in the same group
// commit). A backend that cannot say when a batch is queued lets the next
// one in when the push is done.
//
// The order only ever delays a push, never answers one: the store still
// decides (duplicate, gap, applied, refused). A push whose predecessor never
// comes (lost on the wire, client gone), or that waits behind a push that
// does not move, waits at most maxWait, then the store answers it as it
// would without the wait (a gap). A high water the line does not know, or
// one another server process has moved on (PostgreSQL), is read from the
// backend before waiting on it.
type pushOrder struct {
	mu      gosync.Mutex
	lines   map[string]*pushLine
	maxWait time.Duration
}

type pushLine struct {
	busy  bool          // a push of this device is admitted, not yet queued or done
	known bool          // high is worth trusting (read from the backend, or moved by pushes since)
	high  int64         // the device's high water, counting queued batches
	wake  chan struct{} // closed (and replaced) when the line moves
}

func newPushOrder(maxWait time.Duration) *pushOrder {
	return &pushOrder{lines: map[string]*pushLine{}, maxWait: maxWait}
}

// turn is an admitted push. queued(last) says the batch ending at seq last
// waits in the store's queue; done ends the turn, with the device's high
// water after the push (ok false: the push failed).
type turn struct {
	o        *pushOrder
	l        *pushLine
	held     bool // this turn still holds the line (guarded by o.mu)
	finished bool // done was called (guarded by o.mu)
}

// admit waits for the device's turn for a push starting at seq first.
// highWater reads the device's high water from the backend.
func (o *pushOrder) admit(ctx context.Context, device string, first int64, highWater func(context.Context) (int64, error)) (*turn, error) {
	timer := time.NewTimer(o.maxWait)
	defer timer.Stop()
	waitedOut, refreshed := false, false
	for {
		o.mu.Lock()
		l := o.lines[device]
		if l == nil {
			l = &pushLine{wake: make(chan struct{})}
			o.lines[device] = l
		}
		// Waited out: go on even past a push still in progress (its turn
		// should have moved long ago); the store answers either way.
		if waitedOut || (!l.busy && l.known && first <= l.high+1) {
			l.busy = true
			o.mu.Unlock()
			return &turn{o: o, l: l, held: true}, nil
		}
		wake := l.wake
		stale := !l.busy && !refreshed
		o.mu.Unlock()
		if stale {
			// Nothing in progress here, yet the push does not follow what
			// this process knows: read the backend once before waiting.
			refreshed = true
			h, err := highWater(ctx)
			if err != nil {
				return nil, err
			}
			o.mu.Lock()
			l.learn(h)
			o.mu.Unlock()
			continue
		}
		select {
		case <-wake:
		case <-timer.C:
			waitedOut = true
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// queued lets the device's next batch in: this one, ending at seq last, is
// in the store's queue ahead of it. Called again (a batch retried inside
// the store), or after done, it changes nothing.
func (t *turn) queued(last int64) {
	t.o.mu.Lock()
	defer t.o.mu.Unlock()
	if !t.held {
		return
	}
	t.held, t.l.busy = false, false
	t.l.high = max(t.l.high, last)
	t.l.wakeAll()
}

// done ends the turn; only its first call counts.
func (t *turn) done(high int64, ok bool) {
	t.o.mu.Lock()
	defer t.o.mu.Unlock()
	if t.finished {
		return
	}
	t.finished = true
	if t.held {
		t.held, t.l.busy = false, false
	}
	if ok {
		t.l.learn(high)
	} else {
		// The batch (and what the line counted on) may not be in: the next
		// push reads the backend.
		t.l.known = false
	}
	t.l.wakeAll()
}

// learn takes a high water read from the backend or answered by a push:
// it only moves the line on, unless the line's own count is in doubt.
func (l *pushLine) learn(high int64) {
	if l.known {
		l.high = max(l.high, high)
	} else {
		l.known, l.high = true, high
	}
}

func (l *pushLine) wakeAll() {
	close(l.wake)
	l.wake = make(chan struct{})
}
