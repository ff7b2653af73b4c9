package tui

import (
	"testing"
	"time"
)

// rev21: the desk asks who is at it; the clerk scans their badge and then
// an asset. The asset's scan, arrived while the badge was looked up, was
// looked up as an operator too (refused, its answer dropped once Home
// opened): Home showed, the asset never opened, nothing said it was lost.
func TestRev21_ScanRightAfterTheOperatorsBadgeIsLost(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{}, 80, 24)
	if h.title() != "Who is at the desk?" {
		t.Fatalf("screen %q, want the operator screen", h.title())
	}
	h.scanHeld("B1001", "TD-000001") // the badge's lookup not yet answered
	h.release()
	h.advance(500 * time.Millisecond)
	if db.Operator() != "alice" {
		t.Fatalf("operator %q", db.Operator())
	}
	if h.title() != "Asset TD-000001" {
		t.Fatalf("the scan after the badge: screen %q, want Asset TD-000001 (%d bells)\n%s", h.title(), h.bells, h.view())
	}
}

// Scans after the badge act in turn, each on the screen the one before it
// opened (0.7 s apart: the second asset's scan reaches the first's screen, which opens it); one after a
// refused badge is the next try at signing in.
func TestOperator_ScansAfterTheBadgeActInTurn(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{}, 80, 24)
	h.hold = true
	h.scan("B9999") // no one's badge
	h.scan("B1001")
	h.clk.now = h.clk.now.Add(700 * time.Millisecond)
	h.scan("TD-000001")
	h.clk.now = h.clk.now.Add(700 * time.Millisecond)
	h.scan("TD-000002")
	bells := h.bells
	h.release()
	if h.bells != bells+1 {
		t.Fatalf("after a refused badge: %d bells\n%s", h.bells-bells, h.view())
	}
	if db.Operator() != "alice" {
		t.Fatalf("the badge after a refused one did not sign in: operator %q\n%s", db.Operator(), h.view())
	}
	if h.title() != "Asset TD-000001" {
		t.Fatalf("first scan after the badge: screen %q\n%s", h.title(), h.view())
	}
	h.advance(time.Second)
	if h.title() != "Asset TD-000002" {
		t.Fatalf("second scan after the badge: screen %q\n%s", h.title(), h.view())
	}
}
