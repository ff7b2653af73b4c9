package tui

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A parent that is missing, scanned first on the check-out screen, is
// refused at once (it can neither be checked out nor take parts): the
// refusal says what to do, and the part scanned after it, with ctrl+n,
// is installed in nothing and stays in stock.
func TestCheckOut_IntoMissingParentRefused(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	if _, err := db.SetStatus(context.Background(), "TD-000001", store.StatusMissing, "lost"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 30)
	h.typeSlow("o")
	h.scan("TD-000001")
	h.wantView("TD-000001 is marked missing: found, it goes back in stock")
	h.scan("TD-000002")
	h.press("ctrl+n")
	if a := h.asset("TD-000002"); a.Status != store.StatusInStock || a.Custodian != "" {
		t.Fatalf("TD-000002 is %s, held by %q", a.Status, a.Custodian)
	}
}
