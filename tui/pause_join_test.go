package tui

import (
	"context"
	"testing"
	"time"
)

// A scanner that pauses mid-code makes one scan on Find and People too
// (README: "a scanner that pauses mid-code (up to about 100 ms ...) still
// makes one scan"), as it does on Home, check-out and check-in.
func TestScan_PauseMidScanFindPeople(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	paused := func(first, rest string) {
		t.Helper()
		for _, r := range first {
			h.send(keyFor(r))
			h.clk.now = h.clk.now.Add(2 * time.Millisecond)
		}
		h.advance(70 * time.Millisecond)
		h.scan(rest)
	}
	h.typeSlow("/")
	paused("TD-00", "0002")
	if h.title() != "Asset TD-000002" {
		t.Fatalf("a paused scan on Find opened %q:\n%s", h.title(), h.view())
	}
	h.press("esc")
	h.press("esc")
	h.typeSlow("p")
	paused("B10", "01")
	if h.title() != "Person Alice Smith" {
		t.Fatalf("a paused badge scan on People opened %q:\n%s", h.title(), h.view())
	}
	// An asset's move prompt: a location label HQ-B2 scanned with a pause
	// after "HQ-" moves the asset to HQ-B2, not to B2.
	ctx := context.Background()
	if _, err := db.AddLocation(ctx, "B2", "Building 2", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "HQ-B2", "HQ building 2", ""); err != nil {
		t.Fatal(err)
	}
	h.press("esc")
	h.press("esc")
	h.scan("TD-000001")
	h.typeSlow("m")
	paused("HQ-", "B2")
	if got := h.asset("TD-000001").LocationCode; got != "HQ-B2" {
		t.Fatalf("a paused scan of HQ-B2 in the move prompt moved the asset to %q:\n%s", got, h.view())
	}
}
