package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

var demoNow = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func buildDemo(tb testing.TB, n int, seed int64) (string, store.DemoReport) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "demo.db")
	var calls, last int
	rep, err := store.BuildDemo(context.Background(), path, store.DemoOptions{
		Assets: n, Seed: seed, Now: func() time.Time { return demoNow },
		Progress: func(done, total int) {
			calls++
			if total != n || done < last || done > total {
				tb.Errorf("progress(%d, %d) after %d", done, total, last)
			}
			last = done
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if calls == 0 || last != n {
		tb.Errorf("progress called %d times, last done %d, want it to reach %d", calls, last, n)
	}
	return path, rep
}

func openPath(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), path, store.Options{Operator: "tester", Now: func() time.Time { return demoNow }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestBuildDemo(t *testing.T) {
	ctx := context.Background()
	const n = 2000
	path, rep := buildDemo(t, n, 7)
	if rep.Assets != n {
		t.Fatalf("report says %d assets, want %d", rep.Assets, n)
	}
	if rep.People < n/15 || rep.Locations < 50 || rep.Models < 20 || rep.PurchaseOrders == 0 || rep.Suppliers < 5 {
		t.Errorf("report = %+v: want people, locations, models, suppliers and orders", rep)
	}
	if rep.Events < n*3/2 {
		t.Errorf("only %d events for %d assets: want history beyond receipts", rep.Events, n)
	}
	for _, s := range store.Statuses {
		if rep.ByStatus[s] == 0 {
			t.Errorf("no asset is %s: %v", s, rep.ByStatus)
		}
	}
	if d := rep.ByStatus[store.StatusDeployed] + rep.ByStatus[store.StatusInStock]; d < n/2 {
		t.Errorf("only %d of %d assets deployed or in stock: %v", d, n, rep.ByStatus)
	}
	if rep.Overdue == 0 || rep.WarrantySoon == 0 {
		t.Errorf("overdue = %d, warranty ending soon = %d: want some of each", rep.Overdue, rep.WarrantySoon)
	}
	if rep.WarrantySoon > n/10 {
		t.Errorf("%d of %d warranties end within 90 days: want a few percent", rep.WarrantySoon, n)
	}
	// Nothing is left beside the database but the database.
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "demo.db" {
			t.Errorf("left behind: %s", e.Name())
		}
	}

	db := openPath(t, path)
	v, err := db.Verify(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK {
		t.Fatalf("verify: %v", v.Problems)
	}

	// Custodians of every kind, including a dock in a laptop's kit.
	kinds := map[store.CustodianKind]int{}
	withCustom, disposals, laterParent := 0, 0, 0
	err = db.EachAsset(ctx, store.AssetFilter{}, func(a store.Asset) error {
		kinds[a.CustodianKind]++
		if a.CustodianKind == store.CustodianAsset && a.Custodian > a.Tag {
			laterParent++ // installed in an asset that arrived after it (tags number arrivals)
		}
		if len(a.Custom) > 0 {
			withCustom++
		}
		if a.Disposal != nil {
			disposals++
			if a.Disposal.Method == "" || a.Disposal.Certificate == "" || a.Disposal.Vendor == "" {
				t.Errorf("%s: incomplete disposal %+v", a.Tag, a.Disposal)
			}
		}
		if a.Status == store.StatusDeployed && a.CustodianKind == store.CustodianNone {
			t.Errorf("%s is deployed without a custodian", a.Tag)
		}
		if !strings.HasPrefix(a.Tag, "TD-") || len(a.Tag) != len("TD-000001") {
			t.Errorf("tag %q: want TD- and six digits", a.Tag)
		}
		if a.Serial == "" || a.Model == "" || a.PurchaseDate == "" || a.PurchaseCost == "" || a.Currency == "" || a.HomeLocationCode == "" {
			t.Errorf("%s lacks purchase or catalogue details: %+v", a.Tag, a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []store.CustodianKind{store.CustodianPerson, store.CustodianLocation, store.CustodianAsset} {
		if kinds[k] == 0 {
			t.Errorf("no asset is held by a %s: %v", k, kinds)
		}
	}
	if withCustom == 0 {
		t.Error("no asset has custom fields")
	}
	if laterParent == 0 {
		t.Error("no asset is installed in one that arrived after it: the builder's late parent links go untested")
	}
	if disposals != rep.ByStatus[store.StatusDisposed] {
		t.Errorf("%d disposal records for %d disposed assets", disposals, rep.ByStatus[store.StatusDisposed])
	}

	// History: some assets went out, came back and went out again.
	hist := 0
	for i := 1; i <= 200 && hist == 0; i++ {
		_, evs, err := db.AssetHistory(ctx, store.TagScheme{Prefix: "TD-", Width: 6}.Format(int64(i)))
		if err != nil {
			t.Fatal(err)
		}
		outs := 0
		for _, e := range evs {
			if e.Type == store.EvAssetCheckedOut {
				outs++
			}
		}
		if outs >= 2 {
			hist++
		}
	}
	if hist == 0 {
		t.Error("no asset among the first 200 was checked out twice")
	}

	// The location hierarchy, people with badges, and scans that resolve.
	for _, code := range []string{"DUB", "DUB-B1", "DUB-B1-R204", "DUB-STORE-S03", "MAD", "BLR", "NYC", "LON"} {
		r, err := db.Resolve(ctx, code)
		if err != nil || r.Kind != store.ResolvedLocation {
			t.Errorf("resolve %s = %+v, %v: want a location", code, r, err)
		}
	}
	if r, err := db.Resolve(ctx, "B10042"); err != nil || r.Kind != store.ResolvedPerson || r.Person.Email == "" || r.Person.Department == "" || r.Person.CostCentre == "" || r.Person.LocationCode == "" {
		t.Errorf("resolve badge B10042 = %+v, %v: want a person with email, department, cost centre and location", r.Person, err)
	}
	a, err := db.Asset(ctx, "TD-000100")
	if err != nil {
		t.Fatal(err)
	}
	if r, err := db.Resolve(ctx, a.Serial); err != nil || r.Asset == nil || r.Asset.Tag != a.Tag {
		t.Errorf("resolve serial %s = %+v, %v", a.Serial, r, err)
	}
	found, err := db.SearchAssets(ctx, store.AssetFilter{Query: "Latitude", Limit: 5})
	if err != nil || len(found) == 0 {
		t.Errorf("search Latitude: %d results, %v", len(found), err)
	}
	// The tag scheme continues after the demo's tags.
	next, err := db.NextTag(ctx)
	if err != nil || next != "TD-002001" {
		t.Errorf("next tag = %q, %v; want TD-002001", next, err)
	}
}

// TestBuildDemoDeterministic: the same seed gives the same assets; another seed does not.
func TestBuildDemoDeterministic(t *testing.T) {
	ctx := context.Background()
	snapshot := func(seed int64) string {
		path, _ := buildDemo(t, 300, seed)
		db := openPath(t, path)
		var b strings.Builder
		err := db.EachAsset(ctx, store.AssetFilter{}, func(a store.Asset) error {
			b.WriteString(strings.Join([]string{a.UID, a.Tag, a.Serial, a.Name, a.Model, string(a.Status), a.Custodian, a.DueDate, a.PurchaseCost, a.WarrantyEnd}, "|"))
			b.WriteByte('\n')
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a, b, c := snapshot(42), snapshot(42), snapshot(43)
	if a != b {
		t.Error("two demos with seed 42 differ")
	}
	if a == c {
		t.Error("seeds 42 and 43 gave the same demo")
	}
}

func TestBuildDemoRefusesBadSize(t *testing.T) {
	for _, n := range []int{0, -1, store.MaxDemoAssets + 1} {
		_, err := store.BuildDemo(context.Background(), filepath.Join(t.TempDir(), "d.db"), store.DemoOptions{Assets: n})
		if store.ErrorCode(err) != store.EINVALID {
			t.Errorf("BuildDemo(%d assets) = %v, want an invalid-input error", n, err)
		}
	}
}

// TestBuildDemoReplaces: building over an existing demo replaces it whole.
func TestBuildDemoReplaces(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	for _, n := range []int{120, 80} {
		if _, err := store.BuildDemo(ctx, path, store.DemoOptions{Assets: n, Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	db := openPath(t, path)
	counts, err := db.StatusCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, c := range counts {
		got += c
	}
	if got != 80 {
		t.Fatalf("after rebuilding with 80 assets: %d", got)
	}
}

// A demo build cancelled part-way (here once its events are being written,
// with the search index being built aside) stops, leaves nothing behind
// and no goroutine running.
func TestBuildDemoCancelled(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 3000
	_, err := store.BuildDemo(ctx, filepath.Join(dir, "demo.db"), store.DemoOptions{Assets: n, Seed: 3, Now: func() time.Time { return demoNow },
		Progress: func(done, total int) {
			if done >= total/4 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("BuildDemo cancelled: %v, want context.Canceled", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines running after the cancelled build, %d before", n, before)
	}
}
