package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// sitesOf is the site of each of the asset's events, by type.
func sitesOf(t *testing.T, db *store.DB, tag string) map[store.EventType]string {
	t.Helper()
	_, evs, err := db.AssetHistory(context.Background(), tag)
	if err != nil {
		t.Fatal(err)
	}
	out := map[store.EventType]string{}
	for _, e := range evs {
		out[e.Type] = e.Site
	}
	return out
}

// The history says where each change was made: the site the desk had
// stated by then. Setting the same site again states nothing new.
func TestSiteInHistory(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1")
	for _, s := range []string{"Dublin", "Dublin"} {
		if err := db.SetSetting(ctx, store.SettingSite, s); err != nil {
			t.Fatal(err)
		}
	}
	receiveTags(t, db, "DUB", "TD-2")
	if err := db.SetSetting(ctx, store.SettingSite, "Cork"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-2", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if got := sitesOf(t, db, "TD-1"); got[store.EvAssetReceived] != "" {
		t.Errorf("TD-1 was received before the desk named its site: %q", got[store.EvAssetReceived])
	}
	got := sitesOf(t, db, "TD-2")
	if got[store.EvAssetReceived] != "Dublin" || got[store.EvAssetCheckedOut] != "Cork" {
		t.Errorf("TD-2's sites: %v", got)
	}
	if s, _ := db.Setting(ctx, store.SettingSite); s != "Cork" {
		t.Errorf("site setting %q", s)
	}
	var statements []string
	err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
		if e.Type == store.EvDeviceSite {
			statements = append(statements, e.Site+": "+store.Describe(e))
		}
		if e.Type == store.EvAssetCheckedOut && e.Site != "Cork" {
			t.Errorf("report's check-out at %q", e.Site)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`Dublin: desk ` + db.DeviceID() + ` is at site "Dublin"`, `Cork: desk ` + db.DeviceID() + ` is at site "Cork"`}
	if len(statements) != 2 || statements[0] != want[0] || statements[1] != want[1] {
		t.Errorf("statements %q, want %q", statements, want)
	}
	if rep, err := db.Verify(ctx, t.TempDir()); err != nil || !rep.OK {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}

// A desk's site travels with its events: another desk and the server say
// where each change was made, and rebuild it from the events.
func TestSiteTravelsWithSync(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	if err := a.SetSetting(ctx, store.SettingSite, "Dublin"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetSetting(ctx, store.SettingSite, "Lisbon"); err != nil {
		t.Fatal(err)
	}
	seed(t, a)
	receiveTags(t, a, "DUB", "TD-1")
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := b.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for name, db := range map[string]*store.DB{"a": a, "b": b, "server": srv} {
		got := sitesOf(t, db, "TD-1")
		if got[store.EvAssetReceived] != "Dublin" || got[store.EvAssetCheckedOut] != "Lisbon" {
			t.Errorf("%s's sites for TD-1: %v", name, got)
		}
		if rep, err := db.Verify(ctx, t.TempDir()); err != nil || !rep.OK {
			t.Errorf("%s verify: %+v %v", name, rep.Problems, err)
		}
	}
}

// A desk's site statement refused by the server (dated ahead: the desk's
// clock was wrong), then the desk moves to Cork: a redo of the old refusal
// states where the desk is now, not Dublin again.
func TestSiteRedoStatesTheSiteNow(t *testing.T) {
	ctx := context.Background()
	srv := openServer(t)
	clock := time.Now().Add(48 * time.Hour) // a clock two days ahead
	a, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"), store.Options{Operator: "tester", Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.SetSetting(ctx, store.SettingSite, "Dublin"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvDeviceSite {
		t.Fatalf("refusals %+v %v", refs, err)
	}
	clock = time.Now() // the clock put right; the desk moves
	if err := a.SetSetting(ctx, store.SettingSite, "Cork"); err != nil {
		t.Fatal(err)
	}
	seed(t, a)
	receiveTags(t, a, "DUB", "TD-1")
	syncVia(t, srv, a)
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if s, _ := a.Setting(ctx, store.SettingSite); s != "Cork" {
		t.Fatalf("setting %q", s)
	}
	for name, db := range map[string]*store.DB{"desk": a, "server": srv} {
		if got := sitesOf(t, db, "TD-1")[store.EvAssetCheckedOut]; got != "Cork" {
			t.Errorf("%s: the check-out made at Cork is recorded at %q", name, got)
		}
	}
}

// A desk at Galway moves to Dublin while its clock is wrong; the Dublin
// statement is refused and the refusal accepted. The setting still says
// Dublin: the desk states it again before its next change.
func TestSiteRestatedAfterARefusal(t *testing.T) {
	ctx := context.Background()
	srv := openServer(t)
	clock := time.Now()
	path := filepath.Join(t.TempDir(), "a.db")
	open := func() *store.DB {
		db, err := store.Open(ctx, path, store.Options{Operator: "tester", Now: func() time.Time {
			clock = clock.Add(time.Second)
			return clock
		}})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	a := open()
	if err := a.SetSetting(ctx, store.SettingSite, "Galway"); err != nil {
		t.Fatal(err)
	}
	seed(t, a)
	receiveTags(t, a, "DUB", "TD-1")
	syncVia(t, srv, a)
	clock = time.Now().Add(48 * time.Hour)
	if err := a.SetSetting(ctx, store.SettingSite, "Dublin"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals %+v %v", refs, err)
	}
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveAccept); err != nil {
		t.Fatal(err)
	}
	clock = time.Now()
	a.Close()
	a = open()
	defer a.Close()
	if _, err := a.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if s, _ := a.Setting(ctx, store.SettingSite); s != "Dublin" {
		t.Fatalf("setting %q", s)
	}
	if got := sitesOf(t, srv, "TD-1")[store.EvAssetCheckedOut]; got != "Dublin" {
		t.Errorf("the check-out made at Dublin is recorded at %q", got)
	}
}
