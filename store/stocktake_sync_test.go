package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	st := sharedCount(t, srv, a, b, "T-1", "T-2", "T-3", "T-4")
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

// From a stocktake-meets-sync hunt: a count's finish marked missing an
// asset another desk had checked out meanwhile; the server refused the
// mark, and the asset was not missing after the sync, but the count's
// report, its figures and the accuracy KPIs still counted it missing. An
// expected asset whose mark the server refused is not missing: it is
// listed with those that left the count, and accuracy leaves it out.
func TestSyncRefusedMissingMarkIsNotCountedMissing(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	st := countWhileLent(t, srv, a, b)
	if _, err := a.ScanIntoStocktake(ctx, st.UID, "T-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.FinishStocktake(ctx, st.UID); err != nil { // a has not pulled the check-out
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if refs, err := a.Refusals(ctx, false); err != nil || len(refs) != 1 || !strings.Contains(refs[0].Reason, "T-2 left the count") {
		t.Fatalf("a's refusals: %+v %v", refs, err)
	}
	for _, db := range []*store.DB{srv, a, b} {
		if x := mustAsset(t, db, "T-2"); x.Status != store.StatusDeployed {
			t.Errorf("%s: T-2 is %s", db.Path(), x.Status)
		}
		r, err := db.StocktakeReport(ctx, st.UID)
		if err != nil {
			t.Fatal(err)
		}
		var missing, away []string
		for _, x := range r.Missing {
			missing = append(missing, x.Tag)
		}
		for _, x := range r.Away {
			away = append(away, x.Tag)
		}
		if strings.Join(missing, ",") != "T-3" || strings.Join(away, ",") != "T-2" || r.Stocktake.Missing != 1 || r.Stocktake.Away != 1 {
			t.Errorf("%s: report missing %v (%d), away %v (%d)", db.Path(), missing, r.Stocktake.Missing, away, r.Stocktake.Away)
		}
		list, err := db.Stocktakes(ctx, false, 0)
		if err != nil || len(list) != 1 || list[0].Missing != 1 || list[0].Away != 1 {
			t.Errorf("%s: stocktake list %+v %v", db.Path(), list, err)
		}
		k, err := db.KPIs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(k.AccuracyByLocation) != 1 || k.AccuracyByLocation[0].Found != 1 || k.AccuracyByLocation[0].Expected != 2 || k.InventoryAccuracy != 0.5 {
			t.Errorf("%s: accuracy %v %+v", db.Path(), k.InventoryAccuracy, k.AccuracyByLocation)
		}
	}
	syncVerify(t, a, b, srv)
}

// The same for two desks counting one shelf, each finding half, each
// finishing: the marks of what the other count found are refused, and
// neither count reports them missing.
func TestSyncTwoCountsReportNoMissing(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	_, sb := twoHalfCounts(t, srv, a, b)
	for _, db := range []*store.DB{srv, a, b} {
		r, err := db.StocktakeReport(ctx, sb.UID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Missing) != 0 || r.Stocktake.Missing != 0 || len(r.Found) != 2 {
			t.Errorf("%s: b's count: found %d, missing %d (%d)", db.Path(), len(r.Found), len(r.Missing), r.Stocktake.Missing)
		}
		k, err := db.KPIs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if k.InventoryAccuracy != 1 {
			t.Errorf("%s: accuracy %v %+v", db.Path(), k.InventoryAccuracy, k.AccuracyByLocation)
		}
	}
	syncVerify(t, a, b, srv)
}

// A database from before the marks were recorded (migration 0024): its
// finished counts' marks that stand are found in the log, and one the
// server refused is not counted missing.
func TestMigrationMarksStandingMissing(t *testing.T) {
	ctx := context.Background()
	srv, b := openServer(t), mustOpen(t)
	path := filepath.Join(t.TempDir(), "old.db")
	a, err := store.Open(ctx, path, store.Options{Operator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	st := countWhileLent(t, srv, a, b)
	if _, err := a.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if err := a.ExecForTest(ctx, `ALTER TABLE stocktake_expected DROP COLUMN marked; DELETE FROM schema_migrations WHERE version = 24`); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if a, err = store.Open(ctx, path, store.Options{Operator: "tester"}); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	r, err := a.StocktakeReport(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Missing) != 2 || r.Missing[0].Tag != "T-1" || r.Missing[1].Tag != "T-3" || len(r.Away) != 1 || r.Away[0].Tag != "T-2" {
		t.Errorf("after the migration: missing %+v, away %+v", r.Missing, r.Away)
	}
	syncVerify(t, a)
}

// From a stocktake-meets-sync hunt: two desks started a count of one shelf
// while apart; the second to sync had its start refused (a count of the
// place was open), and with it every scan it had made, for no fault of
// the assets: its count was gone, its scans lost. A refused scan is redone
// into the count of its place that was open when it was made; the refused
// start, finish and marks are still not redone.
func TestSyncRefusedCountScansRedoneIntoTheOpenCount(t *testing.T) {
	ctx := context.Background()
	// (b's clock an hour on: its scans come after a's count began.)
	srv, a, b := openServer(t), mustOpen(t), mustOpenAt(t, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	sa, sb := twoCounts(t, srv, a, b)
	if _, err := a.ScanIntoStocktake(ctx, sa.UID, "T-1"); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"T-3", "T-4", "NO-SUCH"} {
		if _, err := b.ScanIntoStocktake(ctx, sb.UID, code); err != nil {
			t.Fatal(err)
		}
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 4 {
		t.Fatalf("b's refusals: %+v %v", refs, err)
	}
	for _, r := range refs {
		_, err := b.ResolveRefusal(ctx, r.ID, store.ResolveRedo)
		switch r.Type {
		case store.EvStocktakeScanned:
			if err != nil {
				t.Errorf("redo of a scan: %v", err)
			}
		default:
			if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "a count is not redone") {
				t.Errorf("redo of %s: %v", r.Type, err)
			}
			if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveAccept); err != nil {
				t.Fatal(err)
			}
		}
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{srv, a, b} {
		r, err := db.StocktakeReport(ctx, sa.UID)
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, x := range r.Found {
			found = append(found, x.Tag)
		}
		if strings.Join(found, ",") != "T-1,T-3,T-4" || len(r.Unknown) != 1 || r.Unknown[0] != "NO-SUCH" || len(r.Scans) != 4 {
			t.Errorf("%s: the open count found %v, unknown %v, %d scans", db.Path(), found, r.Unknown, len(r.Scans))
		}
	}
	// A scan of a count another desk finished meanwhile, with no count of
	// the place open since it was made, is not redone: count again.
	if _, err := a.FinishStocktake(ctx, sa.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if _, err := b.ScanIntoStocktake(ctx, sa.UID, "T-2"); err != nil { // b has not pulled the finish
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	refs, err = b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvStocktakeScanned {
		t.Fatalf("b's refusals: %+v %v", refs, err)
	}
	if _, err := b.StartStocktake(ctx, "DUB-STORE"); err != nil { // a count begun after the scan
		t.Fatal(err)
	}
	// (It says so: the message said "finished on another desk" of a count
	// open there.)
	if _, err := b.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "the count of DUB-STORE open now began after this scan was made") {
		t.Errorf("redo of a scan of a finished count: %v", err)
	}
	syncVerify(t, a, b, srv)
}

// twoHalfCounts is twoCounts, then a scans T-1 and T-2 into its count
// and b T-3 and T-4 into its own, each finishes its count, and they sync
// (a, b, then a again).
func twoHalfCounts(t *testing.T, srv, a, b *store.DB) (sa, sb store.Stocktake) {
	t.Helper()
	ctx := context.Background()
	sa, sb = twoCounts(t, srv, a, b)
	for _, c := range []struct {
		db   *store.DB
		uid  string
		tags []string
	}{{a, sa.UID, []string{"T-1", "T-2"}}, {b, sb.UID, []string{"T-3", "T-4"}}} {
		for _, tag := range c.tags {
			if _, err := c.db.ScanIntoStocktake(ctx, c.uid, tag); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := a.FinishStocktake(ctx, sa.UID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.FinishStocktake(ctx, sb.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	return sa, sb
}

// sharedCount has a (seeded) receive tags into DUB-STORE and start a
// count of it, then a and b sync (a, then b): both desks know the count.
func sharedCount(t *testing.T, srv, a, b *store.DB, tags ...string) store.Stocktake {
	t.Helper()
	seed(t, a)
	receiveTags(t, a, "DUB-STORE", tags...)
	syncVia(t, srv, a)
	st, err := a.StartStocktake(context.Background(), "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	return st
}

// countWhileLent has a count DUB-STORE (T-1, T-2, T-3) and, once b knows
// of the count, b checks T-2 out to B1001 meanwhile (both synced): a's
// finish would mark T-2 missing, which the server refuses.
func countWhileLent(t *testing.T, srv, a, b *store.DB) store.Stocktake {
	t.Helper()
	ctx := context.Background()
	st := sharedCount(t, srv, a, b, "T-1", "T-2", "T-3")
	if _, err := b.CheckOut(ctx, "T-2", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	return st
}

// twoCounts has a and b (both synced, T-1 to T-4 in DUB-STORE) each start a
// count of DUB-STORE apart, neither knowing of the other's.
func twoCounts(t *testing.T, srv, a, b *store.DB) (sa, sb store.Stocktake) {
	t.Helper()
	ctx := context.Background()
	seed(t, a)
	receiveTags(t, a, "DUB-STORE", "T-1", "T-2", "T-3", "T-4")
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	sa, err := a.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if sb, err = b.StartStocktake(ctx, "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	return sa, sb
}
