package sync

import (
	"context"
	gosync "sync"
	"time"
)

// pushOrder keeps each device's pushes in sequence order at the server.
// A client may have more than one push batch on the wire (it sends the next
// while the server works on the current one), and the requests can reach
// the handler in either order. A push waits here until the device has no
// other push in progress and its first event follows the device's high
// water; then it goes to the store as usual.
//
// The order only ever delays a push, never answers one: the store still
// decides (duplicate, gap, applied, refused). A push whose predecessor never
// comes (lost on the wire, client gone) waits at most maxWait, then the store
// answers it with a gap as it would without the wait. A high water the line
// does not know, or one another server process has moved on (PostgreSQL),
// is read from the backend before waiting on it.
type pushOrder struct {
	mu      gosync.Mutex
	lines   map[string]*pushLine
	maxWait time.Duration
}

type pushLine struct {
	busy  bool          // a push of this device is in the store
	known bool          // high has been read from the backend
	high  int64         // the device's high water as last seen
	wake  chan struct{} // closed (and replaced) when a push finishes
}

func newPushOrder(maxWait time.Duration) *pushOrder {
	return &pushOrder{lines: map[string]*pushLine{}, maxWait: maxWait}
}

// admit waits for the device's turn for a push starting at seq first and
// returns the function that ends the turn, with the device's high water
// after the push (ok false: the push failed, the high water is unknown).
// highWater reads the device's high water from the backend.
func (o *pushOrder) admit(ctx context.Context, device string, first int64, highWater func(context.Context) (int64, error)) (func(high int64, ok bool), error) {
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
		if !l.busy && (waitedOut || (l.known && first <= l.high+1)) {
			l.busy = true
			o.mu.Unlock()
			return func(high int64, ok bool) { o.finish(l, high, ok) }, nil
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
			l.known, l.high = true, max(l.high, h)
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

func (o *pushOrder) finish(l *pushLine, high int64, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l.busy = false
	if ok {
		l.known, l.high = true, high
	}
	close(l.wake)
	l.wake = make(chan struct{})
}
