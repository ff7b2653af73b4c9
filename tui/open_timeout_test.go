package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// The store's long opening (the search index rebuilt after an upgrade:
// "about 12 s of CPU at 200k, a minute at 1M", which the new OpeningMsg
// tells the user to wait for) runs inside Options.Open, called from the
// boot command under the UI's per-call timeout (10 s by default). The
// rebuild's statements take that ctx, so a desk past ~170k assets is cut
// off at 10 s: the TUI never opens, and every start rolls the rebuild back.
func TestOpenIsNotCutAtTheCallTimeout(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	clk := &fakeClock{now: epoch}
	var left time.Duration
	var has bool
	m := New(context.Background(), nil, Options{Operator: "clerk", Clock: clk, Open: func(ctx context.Context) (Store, error) {
		var d time.Time
		d, has = ctx.Deadline()
		left = time.Until(d)
		return db, nil
	}})
	h := &harness{t: t, clk: clk, db: db, m: m}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(m.Init())
	if has && left < 2*time.Minute {
		t.Fatalf("Options.Open runs under a %v deadline: a search rebuild of 1M assets (a minute) is cancelled", left.Round(time.Second))
	}
}
