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
	h.typeSlow("/")
	h.scanPaused("TD-00", "0002", 70*time.Millisecond)
	if h.title() != "Asset TD-000002" {
		t.Fatalf("a paused scan on Find opened %q:\n%s", h.title(), h.view())
	}
	h.press("esc")
	h.press("esc")
	h.typeSlow("p")
	h.scanPaused("B10", "01", 70*time.Millisecond)
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
	h.scanPaused("HQ-", "B2", 70*time.Millisecond)
	if got := h.asset("TD-000001").LocationCode; got != "HQ-B2" {
		t.Fatalf("a paused scan of HQ-B2 in the move prompt moved the asset to %q:\n%s", got, h.view())
	}
}
