package tui

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// ctrl+n on the check-out screen installs nothing in a parent that is
// missing: the refusal says what to do, and the part stays in stock.
func TestCheckOut_IntoMissingParentRefused(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	if _, err := db.SetStatus(context.Background(), "TD-000001", store.StatusMissing, "lost"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 30)
	h.typeSlow("o")
	h.scan("TD-000001")
	h.scan("TD-000002")
	h.press("ctrl+n")
	h.wantView("TD-000001 is missing: find it first")
	if a := h.asset("TD-000002"); a.Status != store.StatusInStock || a.Custodian != "" {
		t.Fatalf("TD-000002 is %s, held by %q", a.Status, a.Custodian)
	}
}
