package tui

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// The asset screen opened while the asset was Alice's; another tagdesk (the
// command line, a sync) checked it in and out to Bob since. A swap gives the
// replacement to Bob (the store's holder): the screen must not say Alice.
func TestDetail_SwapSaysWhoHasIt(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.typeSlow("o")
	h.scan("B1001")
	h.wantView("held by      Alice Smith")
	// Meanwhile, elsewhere on the same desk database.
	if _, err := db.CheckIn(ctx, "TD-000001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-000001", "B1002", ""); err != nil {
		t.Fatal(err)
	}
	h.typeSlow("w")
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.CustodianName != "Bob Jones" {
		t.Fatalf("the replacement went to %q", a.CustodianName)
	}
	h.wantView("TD-000002 checked out to Bob Jones")
}

// From a hunt of several processes on one desk: the edit prompt was
// filled from the screen's copy, and Enter laid the edit over notes the
// command line had written since, unseen. Refused; the screen shows the
// notes as they are, and an edit of those goes through.
func TestDetail_EditOverAChangeMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.wantView("TD-000001")
	if _, err := db.UpdateAsset(ctx, "TD-000001", map[string]string{"notes": "Loaner pool - do not give out"}); err != nil {
		t.Fatal(err)
	}
	h.typeSlow("e")
	h.press("down")
	h.press("down") // notes
	h.press("enter")
	h.typeSlow("ok")
	h.press("enter")
	h.wantView("notes was changed meanwhile")
	if a := h.asset("TD-000001"); a.Notes != "Loaner pool - do not give out" {
		t.Fatalf("notes now %q", a.Notes)
	}
	h.typeSlow("e")
	h.press("down")
	h.press("down")
	h.press("enter")
	h.typeSlow(" (checked)")
	h.press("enter")
	if a := h.asset("TD-000001"); a.Notes != "Loaner pool - do not give out (checked)" {
		t.Fatalf("the second edit: notes %q\n%s", a.Notes, h.view())
	}
}
