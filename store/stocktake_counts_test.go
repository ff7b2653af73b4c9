package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Two counts of one shelf at once would each mark missing what the other
// found: a stocktake of a place an open one covers, or that covers an open
// one, is refused, and nothing changes.
func TestStocktakeOverlapRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "DUB-SHELF", "Shelf 1", "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "CORK", "Cork office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartStocktake(ctx, "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)
	for loc, want := range map[string]string{
		"DUB-STORE": "a stocktake of DUB-STORE is already open",
		"DUB-SHELF": "a stocktake of DUB-STORE is open, and DUB-SHELF lies within it",
		"DUB":       "a stocktake of DUB-STORE is open, and it lies within DUB",
	} {
		_, err := db.StartStocktake(ctx, loc)
		if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), want) {
			t.Errorf("start %s: %v; want %q", loc, err, want)
		}
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Error("a refused start changed the register")
	}
	if _, err := db.StartStocktake(ctx, "CORK"); err != nil {
		t.Errorf("a count elsewhere: %v", err)
	}
}

// A dock installed in a laptop someone has took it home with the laptop:
// it is not expected on the shelf it is recorded at. One installed in a
// laptop lent after the count began left with it: away, not missing.
func TestStocktakePartsOfLentAssets(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-LAP", "TD-DOCK", "TD-LAP2", "TD-DOCK2", "TD-PSU")
	for _, c := range [][2]string{{"TD-DOCK", "TD-LAP"}, {"TD-PSU", "TD-DOCK"}, {"TD-DOCK2", "TD-LAP2"}, {"TD-LAP", "B1001"}} {
		if _, err := db.CheckOut(ctx, c[0], c[1], ""); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if st.Expected != 2 || st.Missing != 2 { // TD-LAP2 and TD-DOCK2
		t.Fatalf("expected %d, missing %d; want 2, 2", st.Expected, st.Missing)
	}
	if _, err := db.CheckOut(ctx, "TD-LAP2", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	// Both left with Ana: nothing is missing, before the finish or after.
	if st, err = db.Stocktake(ctx, st.UID); err != nil || st.Missing != 0 {
		t.Fatalf("after lending the laptop: missing %d (%v)", st.Missing, err)
	}
	done, err := db.FinishStocktake(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Away != 2 || done.Missing != 0 || done.Found != 0 {
		t.Errorf("finish: away %d, missing %d, found %d; want 2, 0, 0", done.Away, done.Missing, done.Found)
	}
	mustVerify(t, db)
}

// While a count is open its missing figure is what its finish would mark
// missing: not the disks of a server it scanned, not what has left the
// shelf since it began; the report's list of missing agrees, and so does
// the finish.
func TestStocktakeOpenMissingIsTheFinishs(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "CORK", "Cork office", ""); err != nil {
		t.Fatal(err)
	}
	receiveTags(t, db, "DUB-STORE", "TD-SRV", "TD-DSK1", "TD-DSK2", "TD-LOOSE", "TD-MOVED", "TD-GONE")
	for _, d := range []string{"TD-DSK1", "TD-DSK2"} {
		if _, err := db.CheckOut(ctx, d, "TD-SRV", ""); err != nil {
			t.Fatal(err)
		}
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "TD-SRV"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Move(ctx, "TD-MOVED", "CORK"); err != nil {
		t.Fatal(err)
	}
	st, err = db.Stocktake(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.StocktakeReport(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TD-GONE", "TD-LOOSE"}
	if st.Missing != 2 || !slices.Equal(tagsOf(rep.Missing), want) || rep.Stocktake.Missing != 2 {
		t.Fatalf("open: missing %d, listed %v; want %v", st.Missing, tagsOf(rep.Missing), want)
	}
	open, err := db.Stocktakes(ctx, true, 0)
	if err != nil || len(open) != 1 || open[0].Missing != 2 {
		t.Fatalf("listed open: %+v %v", open, err)
	}
	done, err := db.FinishStocktake(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Missing != 2 || done.Found != 3 || done.Away != 1 {
		t.Errorf("finish: missing %d, found %d, away %d; want 2, 3, 1", done.Missing, done.Found, done.Away)
	}
	if rep, err = db.StocktakeReport(ctx, st.UID); err != nil || !slices.Equal(tagsOf(rep.Missing), want) {
		t.Errorf("finished: listed %v (%v)", tagsOf(rep.Missing), err)
	}
	mustVerify(t, db)
}

// A code no asset has, scanned three times in two spellings, is two
// unknown codes: the count says what the list shows.
func TestStocktakeUnknownCountsCodes(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"XYZ", "XYZ", "xyz"} {
		if sc, err := db.ScanIntoStocktake(ctx, st.UID, c); err != nil || sc.Result != store.ScanUnknown {
			t.Fatalf("scan %s: %+v %v", c, sc, err)
		}
	}
	rep, err := db.StocktakeReport(ctx, st.UID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stocktake.Unknown != 2 || len(rep.Unknown) != 2 || len(rep.Scans) != 3 {
		t.Errorf("unknown %d, listed %v, scans %d; want 2, 2, 3", rep.Stocktake.Unknown, rep.Unknown, len(rep.Scans))
	}
}

// A site counted, then a room of it: the inventory accuracy counts each
// asset once, by the latest count that expected it (not the room's assets
// twice); each place keeps its own figure.
func TestKPIAccuracyNestedCounts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-A")
	receiveTags(t, db, "DUB-STORE", "TD-B", "TD-C")
	countAt(t, db, "DUB", "TD-A", "TD-B", "TD-C")
	countAt(t, db, "DUB-STORE", "TD-B")
	k, err := db.KPIs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.AccuracyByLocation) != 2 || k.AccuracyByLocation[0].Found != 3 || k.AccuracyByLocation[1].Found != 1 || k.AccuracyByLocation[1].Expected != 2 {
		t.Errorf("by location %+v", k.AccuracyByLocation)
	}
	if got := k.InventoryAccuracy; got < 0.666 || got > 0.667 {
		t.Errorf("accuracy %.3f; want 2 of 3 (TD-C missing at the latest count)", got)
	}
}

// An expected asset lent since the count began and scanned on the shelf is
// neither found nor a miss: the accuracy is that of the others, as when it
// is not scanned (away).
func TestKPIAccuracyLeavesOutTheLent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "T1", "T2")
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "T1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"T1", "T2"} {
		if _, err := db.ScanIntoStocktake(ctx, st.UID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	k, err := db.KPIs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.InventoryAccuracy != 1 || len(k.AccuracyByLocation) != 1 || k.AccuracyByLocation[0].Accuracy != 1 {
		t.Errorf("accuracy %.2f, by location %+v; want 1", k.InventoryAccuracy, k.AccuracyByLocation)
	}
}

// Counted once, by the latest count that expected it, whatever the places:
// an asset found at one site and moved to another counted since (where it
// was not found) is that count's miss, not a find as well; one lent, scanned
// on the shelf, checked back in and scanned again is found (not above 100 %).
func TestKPIAccuracyEachAssetOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "CORK", "Cork office", ""); err != nil {
		t.Fatal(err)
	}
	receiveTags(t, db, "DUB", "T")
	receiveTags(t, db, "CORK", "U")
	countAt(t, db, "DUB", "T")
	if _, err := db.Move(ctx, "T", "CORK"); err != nil {
		t.Fatal(err)
	}
	countAt(t, db, "CORK", "U")
	k, err := db.KPIs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.InventoryAccuracy != 0.5 {
		t.Errorf("moved between counts: accuracy %.3f; want 0.5 (T missed at the latest count)", k.InventoryAccuracy)
	}

	receiveTags(t, db, "DUB-STORE", "L1", "L2")
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "L1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "L1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckIn(ctx, "L1", store.CheckInOptions{Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"L1", "L2"} {
		if _, err := db.ScanIntoStocktake(ctx, st.UID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if k, err = db.KPIs(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range k.AccuracyByLocation {
		if a.Location == "DUB-STORE" && (a.Found != 2 || a.Expected != 2) {
			t.Errorf("lent, back and found: %+v; want 2 of 2", a)
		}
	}
	if k.InventoryAccuracy > 1 {
		t.Errorf("accuracy %.3f above 1", k.InventoryAccuracy)
	}
}

// The latest count that expected an asset and left it out (it was lent
// during that count) leaves it out: an older count's find does not come
// back in its place.
func TestKPIAccuracyLatestLeavesOut(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "T")
	st, err := db.StartStocktake(ctx, "DUB")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "T"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if st, err = db.StartStocktake(ctx, "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "T", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	k, err := db.KPIs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.InventoryAccuracy != 0 {
		t.Errorf("accuracy %.2f; want 0 of 0 (T away at the latest count that expected it)", k.InventoryAccuracy)
	}
}

// countAt counts loc: a stocktake started, the scans, finished.
func countAt(t *testing.T, db *store.DB, loc string, scans ...string) {
	t.Helper()
	ctx := context.Background()
	st, err := db.StartStocktake(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range scans {
		if _, err := db.ScanIntoStocktake(ctx, st.UID, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
}
