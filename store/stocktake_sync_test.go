package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// From a stocktake-meets-sync hunt: two desks scanned into one count of a
// shelf; the one that scanned T-3 synced mid-count, and the other, which
// had not pulled since, finished: its finish marked T-3 missing, and the
// server took it although its own copy of the count had T-3 found. A count
// that has the asset found (or seen) keeps it from being marked missing.
func TestSyncFinishKeepsWhatTheCountFoundOnAnotherDesk(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	seed(t, a)
	receiveTags(t, a, "DUB-STORE", "T-1", "T-2", "T-3", "T-4")
	syncVia(t, srv, a)
	st, err := a.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, c := range []struct {
		db  *store.DB
		tag string
	}{{a, "T-1"}, {a, "T-2"}, {b, "T-3"}} {
		if _, err := c.db.ScanIntoStocktake(ctx, st.UID, c.tag); err != nil {
			t.Fatal(err)
		}
	}
	syncVia(t, srv, b) // b syncs mid-count; a does not pull before it finishes
	if _, err := a.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, db := range []*store.DB{srv, a, b} {
		if x := mustAsset(t, db, "T-3"); x.Status != store.StatusInStock {
			t.Errorf("%s: T-3 is %s: the count found it on desk b", db.Path(), x.Status)
		}
		if x := mustAsset(t, db, "T-4"); x.Status != store.StatusMissing {
			t.Errorf("%s: T-4 is %s: nobody found it", db.Path(), x.Status)
		}
		r, err := db.StocktakeReport(ctx, st.UID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Found) != 3 || len(r.Missing) != 1 || r.Missing[0].Tag != "T-4" || r.Stocktake.Missing != 1 {
			t.Errorf("%s: found %d, missing %+v (%d)", db.Path(), len(r.Found), r.Missing, r.Stocktake.Missing)
		}
	}
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || !strings.Contains(refs[0].Reason, "T-3 was scanned") || !strings.Contains(refs[0].Reason, "in this count") {
		t.Errorf("a's refusals: %+v %v", refs, err)
	}
	syncVerify(t, a, b, srv)
}
