package store_test

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// An unexpected scan says why: recorded elsewhere (move it here), or
// recorded here but with a person, retired, or received after the start.
func TestStocktakeUnexpectedWhy(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for _, r := range []store.Receipt{
		{Tag: "TD-SHELF", Location: "DUB-STORE"},
		{Tag: "TD-RET", Location: "DUB-STORE"},
		{Tag: "TD-OUT", Location: "DUB-STORE"},
		{Tag: "TD-AWAY", Location: "DUB"},
	} {
		r.Model = "L5440"
		if _, err := db.Receive(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Retire(ctx, "TD-RET", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-OUT", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-NEW", Model: "L5440", Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ tag, result, why string }{
		{"TD-SHELF", store.ScanFound, ""},
		{"TD-RET", store.ScanUnexpected, "is retired, so it was not expected here"},
		{"TD-OUT", store.ScanUnexpected, "is checked out to Ana Silva: check it in if it is back"},
		{"TD-NEW", store.ScanUnexpected, "was recorded here after the count started, so it was not expected"},
		{"TD-AWAY", store.ScanUnexpected, ""},
		{"B1001", store.ScanUnknown, "is the badge of Ana Silva, not an asset"},
		{"DUB", store.ScanUnknown, "is the label of location DUB, not an asset"},
		{"NOPE-1", store.ScanUnknown, ""},
	} {
		sc, err := db.ScanIntoStocktake(ctx, st.UID, c.tag)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Result != c.result || sc.Why != c.why {
			t.Errorf("%s: %s %q, want %s %q", c.tag, sc.Result, sc.Why, c.result, c.why)
		}
	}
}

// A disposed asset scanned during a count (an old box on a shelf), or one
// disposed while the count is open, does not stop the count finishing.
func TestStocktakeFinishesWithDisposed(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for _, tag := range []string{"TD-OLD", "TD-GONE", "TD-OK"} {
		loc := "DUB-STORE"
		if tag == "TD-OLD" {
			loc = "DUB" // recorded elsewhere: still not to be moved here
		}
		if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Model: "L5440", Location: loc}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Dispose(ctx, "TD-OLD", store.Disposal{Method: "shred"}); err != nil {
		t.Fatal(err)
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Dispose(ctx, "TD-GONE", store.Disposal{Method: "shred"}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"TD-OLD", "TD-OK"} {
		sc, err := db.ScanIntoStocktake(ctx, st.UID, tag)
		if err != nil {
			t.Fatal(err)
		}
		if tag == "TD-OLD" && sc.Why != "is disposed, so it was not expected here" {
			t.Errorf("a disposed asset scanned: %q", sc.Why)
		}
	}
	done, err := db.FinishStocktake(ctx, st.UID)
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	if done.Status != "finished" {
		t.Fatalf("status %q", done.Status)
	}
	if a, _ := db.Asset(ctx, "TD-OK"); a.LastAudit == "" {
		t.Errorf("TD-OK not audited")
	}
	mustVerify(t, db)
}
