package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// mustOpen opens a fresh database in a temporary folder with a fixed clock.
func mustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenAt(tb, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
}

// mustOpenAt is mustOpen with the clock starting at clock, a second on at
// every reading.
func mustOpenAt(tb testing.TB, clock time.Time) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "t.db"), store.Options{
		Operator: "tester",
		Now: func() time.Time {
			clock = clock.Add(time.Second)
			return clock
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// seed adds a location, a model and a person.
// receiveTags receives a Latitude 5440 (seed's model) at location for each
// tag, with the serial SN-TAG.
func receiveTags(tb testing.TB, db *store.DB, location string, tags ...string) {
	tb.Helper()
	for _, tag := range tags {
		if _, err := db.Receive(context.Background(), store.Receipt{Tag: tag, Serial: "SN-" + tag, Model: "L5440", Location: location}); err != nil {
			tb.Fatal(err)
		}
	}
}

func seed(tb testing.TB, db *store.DB) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.AddLocation(ctx, "DUB", "Dublin office", ""); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "DUB-STORE", "Dublin storeroom", "DUB"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Ana Silva", Badge: "B1001", Email: "ana@example.com", Username: "asilva"}); err != nil {
		tb.Fatal(err)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-1", Model: "L5440", Location: "DUB-STORE"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.Tag, "TD-000001"; got != want {
		t.Fatalf("tag = %q, want %q", got, want)
	}
	if a.Status != store.StatusInStock || a.Model != "Latitude 5440" || a.Manufacturer != "Dell" || a.LocationCode != "DUB-STORE" {
		t.Fatalf("received asset = %+v", a)
	}
	a, err = db.CheckOut(ctx, a.Tag, "b1001", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.StatusDeployed || a.CustodianName != "Ana Silva" || a.DueDate != "2026-12-01" {
		t.Fatalf("checked out asset = %+v", a)
	}
	if _, err := db.CheckOut(ctx, a.Tag, "DUB", ""); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("second check-out: err = %v, want conflict", err)
	}
	if _, err := db.Retire(ctx, a.Tag, ""); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("retire deployed: err = %v, want invalid", err)
	}
	a, err = db.CheckIn(ctx, a.Tag, store.CheckInOptions{Condition: "repair"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.StatusInRepair || a.CustodianKind != store.CustodianNone || a.LocationCode != "DUB-STORE" {
		t.Fatalf("checked in asset = %+v", a)
	}
	if _, err := db.Retire(ctx, a.Tag, "old"); err != nil {
		t.Fatal(err)
	}
	a, err = db.Dispose(ctx, a.Tag, store.Disposal{Method: "shred", Certificate: "CERT-9"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != store.StatusDisposed || a.Disposal == nil || a.Disposal.Certificate != "CERT-9" {
		t.Fatalf("disposed asset = %+v", a)
	}
	if _, err := db.UpdateAsset(ctx, a.Tag, map[string]string{"notes": "x"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("touch disposed: err = %v, want invalid", err)
	}
	_, evs, err := db.AssetHistory(ctx, a.Tag)
	if err != nil {
		t.Fatal(err)
	}
	var types []store.EventType
	for _, e := range evs {
		types = append(types, e.Type)
		if e.Operator != "tester" {
			t.Errorf("event %s operator = %q", e.Type, e.Operator)
		}
	}
	want := []store.EventType{store.EvAssetReceived, store.EvAssetCheckedOut, store.EvAssetCheckedIn, store.EvAssetRetired, store.EvAssetDisposed}
	if len(types) != len(want) {
		t.Fatalf("history = %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("history = %v, want %v", types, want)
		}
	}
	rep, err := db.Verify(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("verify: %v", rep.Problems)
	}
}

func TestResolveAndSearch(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Tag: "td-77", Serial: "CN0XYZ123", Name: "Ana's laptop", Model: "Latitude 5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	for scan, kind := range map[string]store.ResolvedKind{
		"TD-77": store.ResolvedAsset, "td-77\r": store.ResolvedAsset, "CN0XYZ123": store.ResolvedAsset,
		"https://assets.example.com/a/TD-77": store.ResolvedAsset, "]Q1TD-77": store.ResolvedAsset,
		"B1001": store.ResolvedPerson, "ana@example.com": store.ResolvedPerson, "asilva": store.ResolvedPerson,
		"DUB-STORE": store.ResolvedLocation, "Dublin office": store.ResolvedLocation,
	} {
		r, err := db.Resolve(ctx, scan)
		if err != nil {
			t.Errorf("Resolve(%q): %v", scan, err)
			continue
		}
		if r.Kind != kind {
			t.Errorf("Resolve(%q) = %s, want %s", scan, r.Kind, kind)
		}
	}
	for _, bad := range []string{"NOPE-1", string(make([]byte, 10_000)), "\xff\xfe", ""} {
		if _, err := db.Resolve(ctx, bad); err == nil {
			t.Errorf("Resolve(%q): want an error", store.ErrorMessage(err))
		}
	}
	for _, q := range []string{"xyz1", "latitude", "Dell", "dublin", "TD-7", "77"} {
		got, err := db.SearchAssets(ctx, store.AssetFilter{Query: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if len(got) != 1 || got[0].Tag != a.Tag {
			t.Errorf("search %q = %d results", q, len(got))
		}
	}
	if _, err := db.CheckOut(ctx, a.Tag, "ana@example.com", ""); err != nil {
		t.Fatal(err)
	}
	got, err := db.SearchAssets(ctx, store.AssetFilter{Query: "silva"})
	if err != nil || len(got) != 1 {
		t.Fatalf("search by custodian: %v, %d results", err, len(got))
	}
	got, err = db.SearchAssets(ctx, store.AssetFilter{Location: "DUB", Status: store.StatusDeployed})
	if err != nil || len(got) != 1 {
		t.Fatalf("filter: %v, %d results", err, len(got))
	}
}

// A serial resolves when one asset carries it (as scanned or upper-cased);
// two assets with the same serial make the scan ambiguous, never a guess.
func TestResolveSerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "PF3ABC9", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	for _, scan := range []string{"PF3ABC9", "pf3abc9"} {
		r, err := db.Resolve(ctx, scan)
		if err != nil || r.Asset == nil || r.Asset.Tag != a.Tag || r.Via != "serial" {
			t.Fatalf("Resolve(%q) = %+v, %v: want %s by serial", scan, r, err, a.Tag)
		}
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "PF3ABC9", Model: "L5440", Location: "DUB", AllowDuplicateSerial: true}); err != nil {
		t.Fatal(err)
	}
	_, err = db.Resolve(ctx, "PF3ABC9")
	if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "more than one asset") {
		t.Fatalf("Resolve of a shared serial: %v, want an invalid-input error naming the ambiguity", err)
	}
	if _, err := db.Resolve(ctx, "PF3ABC0"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("Resolve of an unknown serial: %v, want not found", err)
	}
	// A serial that is another asset's tag is refused at receiving (a
	// label scanned as a serial); so is a tag (a pre-printed one) that is
	// another asset's serial (a labels hunt: a scan of the serial on one
	// device found the other, and its label named the other).
	if _, err := db.Receive(ctx, store.Receipt{Serial: a.Tag, Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("another asset's tag as a serial: %v", err)
	}
	other, err := db.Receive(ctx, store.Receipt{Serial: "TD-000777", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-000777", Serial: "SN-777", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("another asset's serial as a tag: %v", err)
	}
	if r, err := db.Resolve(ctx, "TD-000777"); err != nil || r.Asset.Tag != other.Tag || r.Via != "serial" {
		t.Fatalf("Resolve(TD-000777) = %+v, %v: want %s by serial", r, err, other.Tag)
	}
}

// An asset installed in another (a dock in a laptop's kit) and taken out
// again: the parent link is set and cleared, a cycle is refused, and the
// state still equals the events' replay.
func TestCheckOutIntoAssetAndBack(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	laptop, err := db.Receive(ctx, store.Receipt{Serial: "LAP-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	dock, err := db.Receive(ctx, store.Receipt{Serial: "DOCK-1", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.CheckOut(ctx, dock.Tag, laptop.Tag, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.CustodianKind != store.CustodianAsset || got.Custodian != laptop.Tag {
		t.Fatalf("dock after check-out into the laptop: %s %q", got.CustodianKind, got.Custodian)
	}
	if _, err := db.CheckOut(ctx, laptop.Tag, dock.Tag, ""); err == nil {
		t.Fatal("laptop checked out into the dock installed in it: want a refusal")
	}
	// The laptop cannot leave service with the dock still in it.
	before := eventCount(t, db)
	_, err = db.Retire(ctx, laptop.Tag, "old")
	if want := laptop.Tag + " has " + dock.Tag + " installed in it: check it in first, before retiring " + laptop.Tag; store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != want {
		t.Fatalf("retiring a parent: %v; want %s", err, want)
	}
	_, err = db.Dispose(ctx, laptop.Tag, store.Disposal{Method: "shred"})
	if want := laptop.Tag + " has " + dock.Tag + " installed in it: check it in first, before disposing of " + laptop.Tag; store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != want {
		t.Fatalf("disposing of a parent: %v; want %s", err, want)
	}
	if _, err := db.CheckOut(ctx, laptop.Tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.CheckIn(ctx, laptop.Tag, store.CheckInOptions{Condition: store.ConditionRetire})
	if want := laptop.Tag + " has " + dock.Tag + " installed in it: check it in first, before retiring " + laptop.Tag; store.ErrorMessage(err) != want {
		t.Fatalf("checking a parent in to retire it: %v; want %s", err, want)
	}
	if got := eventCount(t, db); got != before+1 {
		t.Fatalf("events: %d, want %d", got, before+1)
	}
	if _, err := db.CheckIn(ctx, laptop.Tag, store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err = db.CheckIn(ctx, dock.Tag, store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if got.CustodianKind != store.CustodianNone || got.Custodian != "" || got.Status != store.StatusInStock {
		t.Fatalf("dock after check-in: %s %q %s", got.CustodianKind, got.Custodian, got.Status)
	}
	if got, err = db.CheckOut(ctx, dock.Tag, "B1001", ""); err != nil || got.CustodianKind != store.CustodianPerson {
		t.Fatalf("dock to a person: %+v, %v", got, err)
	}
	if got, err = db.CheckIn(ctx, dock.Tag, store.CheckInOptions{}); err != nil || got.CustodianKind != store.CustodianNone {
		t.Fatalf("dock back from a person: %+v, %v", got, err)
	}
	if _, err := db.CheckOut(ctx, laptop.Tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, db)
}

func TestOpen_PathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%d")
	db, err := store.Open(context.Background(), filepath.Join(dir, "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddLocation(context.Background(), "X", "x", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db")); err != nil {
		t.Fatalf("database not where it was asked to be: %v", err)
	}
}

// A database written without search documents (a sync server's state) gets
// its index rebuilt when a desk opens it.
func TestNoSearch_RebuiltWhenOpenedAsDesk(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	db, err := store.Open(ctx, path, store.Options{Operator: "server", NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-9", Serial: "CN0ABC", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-9", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if got, err := db.SearchAssets(ctx, store.AssetFilter{Query: "silva"}); err != nil || len(got) != 0 {
		t.Fatalf("search without documents: %v, %d results (want none kept)", err, len(got))
	}
	db.Close()
	db, err = store.Open(ctx, path, store.Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"silva", "cn0abc", "latitude", "TD-9"} {
		got, err := db.SearchAssets(ctx, store.AssetFilter{Query: q})
		if err != nil || len(got) != 1 || got[0].Tag != "TD-9" {
			t.Errorf("search %q after reopening as a desk: %v, %d results", q, err, len(got))
		}
	}
	// Written as a desk from here on: new work is indexed as it commits.
	if _, err := db.Receive(ctx, store.Receipt{Tag: "TD-10", Serial: "CN0DEF", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.SearchAssets(ctx, store.AssetFilter{Query: "cn0def"}); err != nil || len(got) != 1 {
		t.Errorf("search new asset: %v, %d results", err, len(got))
	}
}

// A desk that opens the server's file while the server runs rebuilds the
// index then; what the server writes after that is marked again, and the
// next desk open indexes it.
func TestNoSearch_MarkedByEveryWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	srv, err := store.Open(ctx, path, store.Options{Operator: "server", NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	seed(t, srv)
	desk, err := store.Open(ctx, path, store.Options{Operator: "desk"}) // rebuilds, clears the mark
	if err != nil {
		t.Fatal(err)
	}
	desk.Close()
	if _, err := srv.Receive(ctx, store.Receipt{Tag: "TD-11", Serial: "CN0LATE", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	desk, err = store.Open(ctx, path, store.Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	if got, err := desk.SearchAssets(ctx, store.AssetFilter{Query: "cn0late"}); err != nil || len(got) != 1 {
		t.Fatalf("search for an asset the server wrote after a desk opened the file: %v, %d results", err, len(got))
	}
}

// An asset checked out to a person goes where the person is (their
// location), whether the holder is named by a badge or resolved first (as
// the terminal UI does before a run of scans).
func TestCheckOutGoesToThePersonsPlace(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "B2002", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"TD-A", "TD-B"} {
		if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Model: "L5440", Location: "DUB-STORE"}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := db.CheckOut(ctx, "TD-A", "B2002", "")
	if err != nil || a.LocationCode != "DUB" {
		t.Fatalf("by badge: at %q, %v", a.LocationCode, err)
	}
	h, err := db.ResolveHolder(ctx, "B2002")
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.CheckOutTo(ctx, "TD-B", h, "")
	if err != nil || b.LocationCode != "DUB" {
		t.Fatalf("resolved first: at %q, %v", b.LocationCode, err)
	}
	mustVerify(t, db)
}

// A check-in to a location says where in the history.
func TestCheckInHistoryNamesWhere(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-1")
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckIn(ctx, "TD-1", store.CheckInOptions{Location: "DUB", Condition: store.ConditionOK}); err != nil {
		t.Fatal(err)
	}
	a, err := db.Asset(ctx, "TD-1")
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, a.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(h[len(h)-1]); got != "checked in from Ana Silva (B1001) to Dublin office (DUB), condition ok" {
		t.Errorf("history says %q", got)
	}
	mustVerify(t, db)
}

// A check-in with no location given names, for history, the home it goes
// back to (not as a location of the event: a redo of an offboarding takes
// that as a choice); the state still equals the events' replay.
func TestCheckInHomeIsInItsEvent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-1")
	if _, err := db.Move(ctx, "TD-1", "DUB"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	a, err := db.CheckIn(ctx, "TD-1", store.CheckInOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.LocationCode != "DUB-STORE" {
		t.Errorf("checked in to %q, want its home DUB-STORE", a.LocationCode)
	}
	h, err := db.History(ctx, a.UID)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if got := store.Describe(last); !strings.Contains(got, "to Dublin storeroom (DUB-STORE)") {
		t.Errorf("history says %q, want where it went", got)
	}
	if strings.Contains(string(last.Payload), `"location":"`) {
		t.Errorf("a check-in to its home names a location (a choice, to a redo): %s", last.Payload)
	}
	if _, err := db.AddModel(ctx, "OptiPlex 7010", "OP7010", "Dell", "Desktop"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, "TD-1", map[string]string{"home_location": "DUB", "model": "OP7010"}); err != nil {
		t.Fatal(err)
	}
	// The update says from what to what, by name, not "changed" (its
	// values are uids).
	h, err = db.History(ctx, a.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := store.Describe(h[len(h)-1]), "home_location Dublin storeroom (DUB-STORE) → Dublin office (DUB), model Latitude 5440 (L5440) → OptiPlex 7010 (OP7010)"; got != want {
		t.Errorf("the update's history says %q, want %q", got, want)
	}
	if _, err := db.UpdatePerson(ctx, "B1001", map[string]string{"location": "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	p, err := db.Person(ctx, "B1001")
	if err != nil {
		t.Fatal(err)
	}
	ph, err := db.History(ctx, p.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(ph[len(ph)-1]); !strings.HasSuffix(got, "→ Dublin storeroom (DUB-STORE)") {
		t.Errorf("the person's update says %q", got)
	}
	mustVerify(t, db)
	// Not returned: it stays where it was last recorded, and the event
	// names no place it came back to.
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckIn(ctx, "TD-1", store.CheckInOptions{Condition: store.ConditionMissing}); err != nil {
		t.Fatal(err)
	}
	h, err = db.History(ctx, a.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(h[len(h)-1]); strings.Contains(got, " to ") {
		t.Errorf("a check-in of an asset not returned says %q", got)
	}
	// A place given with it (an offboarding's, for what comes back) is
	// not its: a lifecycle hunt found the lost asset moved there.
	before := mustAsset(t, db, "TD-1").LocationCode
	if _, err := db.SetStatus(ctx, "TD-1", store.StatusInStock, "found"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	elsewhere := "DUB"
	if before == elsewhere {
		elsewhere = "DUB-STORE"
	}
	if _, err := db.CheckIn(ctx, "TD-1", store.CheckInOptions{Condition: store.ConditionMissing, Location: elsewhere}); err != nil {
		t.Fatal(err)
	}
	if got := mustAsset(t, db, "TD-1"); got.Status != store.StatusMissing || got.LocationCode != before {
		t.Errorf("not returned, with a place given: %s at %s, want missing at %s", got.Status, got.LocationCode, before)
	}
	mustVerify(t, db)
}

// History says an offboarding's check-ins were one, and whom it was about.
func TestOffboardingHistoryNamesIt(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1")
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	res, err := db.Offboard(ctx, "B1001", store.CheckInOptions{Condition: store.ConditionOK})
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.History(ctx, mustAsset(t, db, "TD-1").UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(h[len(h)-1]); !strings.HasSuffix(got, "condition ok (offboarding Ana Silva)") {
		t.Errorf("the asset's history says %q", got)
	}
	ph, err := db.History(ctx, res.Person.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := store.Describe(ph[len(ph)-1]); got != "offboarded Ana Silva" {
		t.Errorf("the person's history says %q", got)
	}
	mustVerify(t, db)
}

// An asset registered as on order arrives when its serial is received: it
// keeps its tag and goes in stock where it was received; its order counts it
// as received only then. A wrong model or another tag is refused.
func TestReceiveOnOrderArrives(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPurchaseOrder(ctx, "PO-9", "Dell Direct", map[string]int{"L5440": 2}); err != nil {
		t.Fatal(err)
	}
	for _, sn := range []string{"SN-A", "SN-B"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: sn, Model: "L5440", Location: "DUB", PONumber: "PO-9", Status: store.StatusOnOrder}); err != nil {
			t.Fatal(err)
		}
	}
	po, err := db.PurchaseOrder(ctx, "PO-9")
	if err != nil || len(po.Lines) != 1 || po.Lines[0].Received != 0 {
		t.Fatalf("order before arrival: %+v %v", po, err)
	}
	if _, err := db.AddModel(ctx, "iPhone 15", "A3090", "Apple", "Phone"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "sn-a", Model: "iPhone 15", Location: "DUB-STORE"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is on order as TD-000001, a Latitude 5440, not a iPhone 15") {
		t.Fatalf("another model: %v", err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-A", Tag: "PRE-1", Location: "DUB-STORE"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "keeps that tag") {
		t.Fatalf("another tag: %v", err)
	}
	// From a purchasing hunt: --po was not read for an arrival (an order
	// the desk lacks was refused after the asset had arrived; another
	// order was taken silently, and neither order's count was right).
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-A", Model: "L5440", Location: "DUB-STORE", PONumber: "PO-NOPE"}); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("an order the desk lacks: %v", err)
	}
	if _, err := db.AddPurchaseOrder(ctx, "PO-10", "", map[string]int{"L5440": 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-A", Model: "L5440", Location: "DUB-STORE", PONumber: "PO-10"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "on purchase order PO-9, not on purchase order PO-10") {
		t.Fatalf("another order: %v", err)
	}
	if x, err := db.Asset(ctx, "TD-000001"); err != nil || x.Status != store.StatusOnOrder {
		t.Fatalf("after the refusals: %+v %v", x, err)
	}
	queued := func() int { // TD-000001's labels waiting
		t.Helper()
		jobs, err := db.QueuedJobs(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, j := range jobs {
			if j.Tag == "TD-000001" {
				n++
			}
		}
		return n
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "sn-a", Model: "L5440", Location: "DUB-STORE", Name: "Box 7", WarrantyEnd: "2029-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Tag != "TD-000001" || a.Status != store.StatusInStock || a.LocationCode != "DUB-STORE" || a.Name != "Box 7" || a.WarrantyEnd != "2029-01-01" {
		t.Fatalf("arrived: %s %s at %s, %q, warranty %q", a.Tag, a.Status, a.LocationCode, a.Name, a.WarrantyEnd)
	}
	if n := queued(); n != 1 {
		t.Fatalf("%d labels waiting for the arrival, want 1", n)
	}
	if po, _ = db.PurchaseOrder(ctx, "PO-9"); po.Lines[0].Received != 1 {
		t.Fatalf("order after one arrival: %+v", po)
	}
	// The other cancelled while on order (retired): it never came.
	if _, err := db.Retire(ctx, "TD-000002", "order cancelled"); err != nil {
		t.Fatal(err)
	}
	if po, _ = db.PurchaseOrder(ctx, "PO-9"); po.Lines[0].Received != 1 {
		t.Fatalf("order after a cancellation: %+v", po)
	}
	// One that came and was retired later still came.
	if _, err := db.Retire(ctx, "TD-000001", "broken"); err != nil {
		t.Fatal(err)
	}
	if po, _ = db.PurchaseOrder(ctx, "PO-9"); po.Lines[0].Received != 1 {
		t.Fatalf("order after retiring one that came: %+v", po)
	}
	// One imported as on order (an import queues no labels) gets its label
	// when it arrives.
	importSnipe(t, db, []byte("Asset Tag,Model Name,Serial Number,Status\nP-1,Latitude 5440,SNP,On Order\n"), store.ImportOptions{})
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SNP", Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	jobs, err := db.QueuedJobs(ctx, 100)
	if err != nil || len(jobs) == 0 || jobs[len(jobs)-1].Tag != "P-1" {
		t.Fatalf("no label for the imported asset that arrived: %+v %v", jobs, err)
	}
	// Received again: now it is a duplicate serial, refused as before.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-A", Model: "L5440", Location: "DUB-STORE"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "already on asset TD-000001") {
		t.Fatalf("received twice: %v", err)
	}
	// Duplicates allowed, the serial of an asset on order still arrives
	// (it made a second asset and said the first had come).
	d, err := db.Receive(ctx, store.Receipt{Serial: "SN-D", Model: "L5440", Location: "DUB", PONumber: "PO-10", Status: store.StatusOnOrder})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.Receive(ctx, store.Receipt{Serial: "SN-D", Model: "L5440", Location: "DUB-STORE", PONumber: "PO-10", AllowDuplicateSerial: true})
	if err != nil || b.Tag != d.Tag || b.Status != store.StatusInStock {
		t.Fatalf("SN-D with duplicates allowed: %+v %v", b, err)
	}
	mustVerify(t, db)
}

// From a purchasing hunt: an item lost in transit (on order, then
// missing), found and later retired dropped out of its order's count: it
// came all the same.
func TestOrderCountsAnItemFoundAfterItWentMissing(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPurchaseOrder(ctx, "PO-5", "", map[string]int{"L5440": 2}); err != nil {
		t.Fatal(err)
	}
	for _, sn := range []string{"T-1", "T-2"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: sn, Model: "L5440", Location: "DUB", PONumber: "PO-5", Status: store.StatusOnOrder}); err != nil {
			t.Fatal(err)
		}
	}
	received := func() int {
		t.Helper()
		po, err := db.PurchaseOrder(ctx, "PO-5")
		if err != nil || len(po.Lines) != 1 {
			t.Fatalf("%+v %v", po, err)
		}
		return po.Lines[0].Received
	}
	for _, to := range []store.Status{store.StatusMissing, store.StatusInStock} {
		if _, err := db.SetStatus(ctx, "TD-000001", to, "lost in transit, then found"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Retire(ctx, "TD-000001", "broken"); err != nil {
		t.Fatal(err)
	}
	// The other lost in transit and written off: it never came.
	if _, err := db.SetStatus(ctx, "TD-000002", store.StatusMissing, "lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Retire(ctx, "TD-000002", "written off"); err != nil {
		t.Fatal(err)
	}
	if n := received(); n != 1 {
		t.Errorf("received %d, want 1 (the one found)", n)
	}
}

// The warranties ending in the coming days, as a list: from today to the
// day given, assets in use or in stock only.
func TestAssetFilterWarrantyBy(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	db := mustOpenAt(t, now)
	seed(t, db)
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	for i, d := range []int{-1, 0, 10, 89, 200, 30} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: fmt.Sprintf("W-%d", i), Model: "L5440", Location: "DUB", WarrantyEnd: day(d)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Retire(ctx, "TD-000006", ""); err != nil {
		t.Fatal(err)
	}
	as, err := db.SearchAssets(ctx, store.AssetFilter{WarrantyBy: day(90)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range as {
		got = append(got, a.Tag)
	}
	if strings.Join(got, " ") != "TD-000002 TD-000003 TD-000004" {
		t.Fatalf("warranties ending within 90 days: %v", got)
	}
	if _, err := db.SearchAssets(ctx, store.AssetFilter{WarrantyBy: "soon"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a bad day: %v", err)
	}
}

// What is installed in an asset goes where it goes: checked out to someone
// at another place, or checked in at another place, the dock takes the
// laptop installed in it along (a move did; a check-out and a check-in
// left it behind), each as a move "with" the dock.
func TestPartsFollowCheckOutAndIn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "MAD", "Madrid office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Chan", Badge: "B2002", Location: "MAD"}); err != nil {
		t.Fatal(err)
	}
	dock, err := db.Receive(ctx, store.Receipt{Serial: "DOCK-1", Model: "L5440", Location: "DUB-STORE"})
	if err != nil {
		t.Fatal(err)
	}
	laptop, err := db.Receive(ctx, store.Receipt{Serial: "LAP-1", Model: "L5440", Location: "DUB-STORE"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, laptop.Tag, dock.Tag, ""); err != nil {
		t.Fatal(err)
	}
	at := func(tag string) string {
		t.Helper()
		a, err := db.Asset(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		return a.LocationCode
	}
	if _, err := db.CheckOut(ctx, dock.Tag, "B2002", ""); err != nil {
		t.Fatal(err)
	}
	if d, err := db.Asset(ctx, dock.Tag); err != nil || len(d.Installed) != 1 || d.Installed[0] != laptop.Tag {
		t.Fatalf("the dock's installed assets: %v %v", d.Installed, err)
	}
	if at(dock.Tag) != "MAD" || at(laptop.Tag) != "MAD" {
		t.Fatalf("after the dock's check-out to Madrid: dock at %s, laptop at %s", at(dock.Tag), at(laptop.Tag))
	}
	if _, err := db.CheckIn(ctx, dock.Tag, store.CheckInOptions{Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if at(dock.Tag) != "DUB" || at(laptop.Tag) != "DUB" {
		t.Fatalf("after the dock's check-in at Dublin: dock at %s, laptop at %s", at(dock.Tag), at(laptop.Tag))
	}
	h, err := db.History(ctx, laptop.UID)
	if err != nil {
		t.Fatal(err)
	}
	var with int
	for _, e := range h {
		if e.Type == store.EvAssetMoved && strings.Contains(string(e.Payload), `"with":"`+dock.Tag+`"`) {
			with++
		}
	}
	if with != 2 {
		t.Fatalf("%d moves with the dock in the laptop's history, want 2", with)
	}
	mustVerify(t, db)
}

// An asset held by someone known by name alone names them as its custodian
// (it was empty: a script could not tell who held it).
func TestCustodianOfSomeoneKnownByName(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	p, err := db.AddPerson(ctx, store.PersonInput{Name: "Pat Kelly"})
	if err != nil {
		t.Fatal(err)
	}
	a := receiveOne(t, db)
	got, err := db.CheckOutTo(ctx, a, store.Holder{Kind: store.CustodianPerson, UID: p.UID, Label: p.Name}, "")
	if err != nil || got.Custodian != "Pat Kelly" {
		t.Fatalf("custodian %q, %v", got.Custodian, err)
	}
}

// A swap takes a holder's broken asset back (in repair, "swapped for"
// the other in its history) and gives them another, due when the first
// was, in one transaction; anything it cannot do changes nothing.
func TestSwap(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "T-OLD", "T-NEW", "T-OUT", "T-RACK", "T-DISK", "T-DISK2")
	if _, err := db.CheckOut(ctx, "T-OLD", "B1001", "2026-12-24"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "T-OUT", "DUB", ""); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)
	for _, c := range []struct{ old, new, want string }{
		{"T-OLD", "T-OLD", "for itself"},
		{"T-NEW", "T-OLD", "T-NEW is not checked out"},
		{"T-OLD", "T-OUT", "T-OUT is checked out to Dublin office"},
		{"T-OLD", "NOPE", "NOPE"},
	} {
		if _, err := db.Swap(ctx, c.old, c.new, store.SwapOptions{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("swap %s for %s: %v", c.old, c.new, err)
		}
	}
	if !reflect.DeepEqual(before, takeSnapshot(t, db)) {
		t.Fatal("a refused swap changed the register")
	}
	res, err := db.Swap(ctx, "T-OLD", "T-NEW", store.SwapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Returned.Tag != "T-OLD" || res.Returned.Status != store.StatusInRepair || res.Given.Tag != "T-NEW" || res.Given.Custodian != "B1001" || res.Given.DueDate != "2026-12-24" {
		t.Fatalf("swap: %+v", res)
	}
	_, evs, err := db.AssetHistory(ctx, "T-OLD")
	if err != nil || !strings.Contains(store.Describe(evs[len(evs)-1]), "(swapped for T-NEW)") {
		t.Fatalf("history: %v %v", evs, err)
	}
	// A phone scanned for a laptop is refused, unless told.
	if _, err := db.AddModel(ctx, "iPhone 15", "A3090", "Apple", "Phone"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "P-1", Model: "A3090", Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Swap(ctx, "T-NEW", "P-1", store.SwapOptions{}); err == nil || !strings.Contains(err.Error(), "P-1 is Phone, T-NEW Laptop: a swap gives one of the same kind") {
		t.Fatalf("a phone for a laptop: %v", err)
	}
	if res, err := db.Swap(ctx, "T-NEW", "P-1", store.SwapOptions{AnyKind: true}); err != nil || res.Given.Custodian != "B1001" {
		t.Fatalf("any kind: %+v %v", res, err)
	}
	// A dead disk in a server: the new one goes into the same server.
	if _, err := db.CheckOut(ctx, "T-DISK", "T-RACK", ""); err != nil {
		t.Fatal(err)
	}
	if res, err = db.Swap(ctx, "T-DISK", "T-DISK2", store.SwapOptions{CheckInOptions: store.CheckInOptions{Condition: store.ConditionRetire}}); err != nil || res.Given.Custodian != "T-RACK" || res.Returned.Status != store.StatusRetired {
		t.Fatalf("disk swap: %+v %v", res, err)
	}
	mustVerify(t, db)
}

// From a new user's walk through the README: a username that is also a
// place's code (ops, OPS) gave `checkout --to ops` to the place, while a
// scan of it opened the person; a person named as a place (Madrid) went to
// the place. Both are refused as naming two holders, and changed nothing.
func TestResolveHolder_NamesTwoHoldersRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1")
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Olga Perez", Username: "ops", Badge: "B7"}); err != nil {
		t.Fatal(err)
	}
	if h, err := db.ResolveHolder(ctx, "ops"); err != nil || h.Kind != store.CustodianPerson {
		t.Fatalf("ops before the place: %+v %v", h, err)
	}
	if _, err := db.AddLocation(ctx, "OPS", "Operations room", ""); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"ops", "OPS"} {
		_, err := db.ResolveHolder(ctx, who)
		if store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "Operations room (OPS)'s code and Olga Perez's username") {
			t.Errorf("ResolveHolder(%q) = %v, want it refused as naming two holders", who, err)
		}
		if _, err := db.Resolve(ctx, who); store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "Olga Perez's username and the code of Operations room (OPS)") {
			t.Errorf("Resolve(%q) = %v, want it refused as naming two", who, err)
		}
	}
	if _, err := db.CheckOut(ctx, "TD-1", "ops", ""); err == nil {
		t.Fatal("checked out to an ambiguous holder")
	}
	// The person by badge, the place by name, still.
	if h, err := db.ResolveHolder(ctx, "B7"); err != nil || h.Kind != store.CustodianPerson {
		t.Errorf("by badge: %+v %v", h, err)
	}
	if h, err := db.ResolveHolder(ctx, "Operations room"); err != nil || h.Kind != store.CustodianLocation {
		t.Errorf("by the place's name: %+v %v", h, err)
	}
	// A person named as a place is.
	if _, err := db.AddLocation(ctx, "MAD", "Madrid", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Madrid", Email: "madrid@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ResolveHolder(ctx, "Madrid"); store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "Madrid (MAD)'s name and Madrid's name") {
		t.Errorf("ResolveHolder(Madrid) = %v", err)
	}
	if h, err := db.ResolveHolder(ctx, "MAD"); err != nil || h.Kind != store.CustodianLocation {
		t.Errorf("by the place's code: %+v %v", h, err)
	}
	if a, _ := db.Asset(ctx, "TD-1"); a.Status != store.StatusInStock {
		t.Errorf("TD-1 %s after refusals", a.Status)
	}
}

// From a new user's walk: two places of one name side by side were taken
// (location add, a locations file with a row twice), and every lookup by
// that name was refused after; the same file could not be imported again.
// A place of a name its neighbours have, case aside, is refused, by add,
// by rename and by move; under another parent the name is free.
func TestLocationTwinsRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // DUB, and DUB-STORE "Dublin storeroom" under it
	if _, err := db.AddLocation(ctx, "DUB-S2", "dublin Storeroom", "DUB"); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(err.Error(), "Dublin office (DUB) already has a place named Dublin storeroom (DUB-STORE)") {
		t.Fatalf("a twin under DUB: %v", err)
	}
	if _, err := db.AddLocation(ctx, "HQ", "dublin office", ""); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(err.Error(), "the top of the tree already has a place named Dublin office (DUB)") {
		t.Fatalf("a twin at the top: %v", err)
	}
	if _, err := db.AddLocation(ctx, "MAD", "Madrid office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "MAD-STORE", "Dublin storeroom", "MAD"); err != nil {
		t.Fatalf("the name under another parent: %v", err)
	}
	if _, err := db.UpdateLocation(ctx, "MAD-STORE", map[string]string{"parent": "DUB"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("a move beside its twin: %v", err)
	}
	if _, err := db.UpdateLocation(ctx, "MAD", map[string]string{"name": "DUBLIN OFFICE"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("a rename to a neighbour's name: %v", err)
	}
	if _, err := db.UpdateLocation(ctx, "MAD", map[string]string{"name": "MADRID office"}); err != nil {
		t.Fatalf("a rename of its own case: %v", err)
	}
	// Case aside beyond ASCII too.
	if _, err := db.AddLocation(ctx, "EM1", "Émile's room", "MAD"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "EM2", "émile's ROOM", "MAD"); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("a twin in other capitals, accented: %v", err)
	}
	// A locations file naming a place twice imports nothing, and says so.
	rep, err := db.ImportSnipeITLocations(ctx, strings.NewReader("Name,Parent\nHQ,\nStore,HQ\nStore,HQ\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || rep.Bad[0].Line != 4 || !strings.Contains(rep.Bad[0].Reason, "already has a place named Store") {
		t.Fatalf("a file with a place twice: %v %+v", err, rep)
	}
	if _, err := db.Location(ctx, "HQ"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("the refused file made HQ: %v", err)
	}
}

// From an auditor's hunt: an audit recorded by hand (asset update
// last_audit=) left the next audit blank, and the asset counted as never
// audited; it is due again an interval later, as a count's is.
func TestUpdateLastAuditSetsNext(t *testing.T) {
	ctx := context.Background()
	db := mustOpenAt(t, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	seed(t, db)
	receiveTags(t, db, "DUB", "T-1", "T-2")
	if err := db.SetSetting(ctx, store.SettingAuditMonths, "6"); err != nil {
		t.Fatal(err)
	}
	a, err := db.UpdateAsset(ctx, "T-1", map[string]string{"last_audit": "2026-11-20"})
	if err != nil || a.LastAudit != "2026-11-20" || a.NextAudit != "2027-05-20" {
		t.Fatalf("last %q next %q (%v), want the next six months on", a.LastAudit, a.NextAudit, err)
	}
	// A next audit given stands, and the same audit restated leaves it
	// (a review: it was overwritten).
	if a, err = db.UpdateAsset(ctx, "T-2", map[string]string{"last_audit": "2026-11-20", "next_audit": "2026-12-01"}); err != nil || a.NextAudit != "2026-12-01" {
		t.Fatalf("next given: %q %v", a.NextAudit, err)
	}
	if _, err = db.UpdateAsset(ctx, "T-2", map[string]string{"last_audit": "2026-11-20"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("the same audit restated: %v, want nothing to change", err)
	}
	if a, _ = db.Asset(ctx, "T-2"); a.NextAudit != "2026-12-01" {
		t.Fatalf("the same audit restated moved the next to %q", a.NextAudit)
	}
	// An audit not made yet is refused, as an import refuses it (a
	// lifecycle hunt: the register's own export then did not import).
	if _, err = db.UpdateAsset(ctx, "T-1", map[string]string{"last_audit": "2026-11-26"}); store.ErrorMessage(err) != "last audit 2026-11-26 is in the future" {
		t.Fatalf("a future audit: %v", err)
	}
	mustVerify(t, db)
}

// Empty lists are [] in JSON, not null (a script's jq '.[]' fails on null).
func TestEmptyListsAreArrays(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	dups, err := db.SharedSerials(ctx)
	if err != nil || dups == nil {
		t.Fatalf("SharedSerials of none = %#v, %v; want an empty list", dups, err)
	}
	k, err := db.KPIs(ctx)
	if err != nil || k.AccuracyByLocation == nil {
		t.Fatalf("KPIs' accuracy by location with no count = %#v, %v", k.AccuracyByLocation, err)
	}
	for _, s := range store.Statuses {
		if _, ok := k.ByStatus[string(s)]; !ok {
			t.Errorf("by status leaves out %s", s)
		}
	}
}

// A leaver's username does not block the place of that code (a review of
// the rule above): they can no longer be given anything.
func TestResolveHolder_LeaverGivesWay(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Olga Perez", Username: "ops", Badge: "B7"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Offboard(ctx, "B7", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "OPS", "Operations room", ""); err != nil {
		t.Fatal(err)
	}
	if h, err := db.ResolveHolder(ctx, "OPS"); err != nil || h.Kind != store.CustodianLocation {
		t.Errorf("ResolveHolder(OPS) = %+v, %v; want the place", h, err)
	}
	if r, err := db.Resolve(ctx, "OPS"); err != nil || r.Kind != store.ResolvedLocation {
		t.Errorf("Resolve(OPS) = %+v, %v; want the place", r, err)
	}
}

// From a helpdesk shift's hunt: a serial typed in lower case at a receipt
// was never found again by a scan of the printed (upper-case) serial: the
// asset on the shelf read "unknown code" and was marked missing. What
// receiving calls the same serial, a scan finds; two assets that share it
// in any case are named, not one picked.
func TestScanFindsSerialTypedInLowerCase(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	a, err := db.Receive(ctx, store.Receipt{Serial: "pal-0012", Model: "L5440", Location: "DUB"})
	if err != nil {
		t.Fatal(err)
	}
	for _, scan := range []string{"PAL-0012", "pal-0012"} {
		r, err := db.Resolve(ctx, scan)
		if err != nil || r.Asset == nil || r.Asset.Tag != a.Tag {
			t.Errorf("scan %s: %+v %v, want %s", scan, r, err, a.Tag)
		}
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SN-001", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "sn-001", Model: "L5440", Location: "DUB", AllowDuplicateSerial: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Resolve(ctx, "SN-001"); err == nil || !strings.Contains(err.Error(), "on more than one asset") {
		t.Errorf("a serial two assets share: %v", err)
	}
}

// From a helpdesk shift's hunt: the receiving loop took the box's model
// number or its order's number, scanned for its serial, as the serial of
// a new asset. Both are refused, as a badge or a place's code is.
func TestReceiveRefusesModelOrOrderNumberAsSerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPurchaseOrder(ctx, "PO-2021-00001", "Dell Direct", nil); err != nil {
		t.Fatal(err)
	}
	for _, serial := range []string{"L5440", "l5440", "PO-2021-00001"} {
		_, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB"})
		if err == nil || !strings.Contains(err.Error(), "not a serial") {
			t.Errorf("serial %s: %v, want refused", serial, err)
		}
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "CN0L5440X", Model: "L5440", Location: "DUB"}); err != nil {
		t.Errorf("a serial holding a model number: %v", err)
	}
	// An accessory whose serial is its model number: received when asked.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "L5440", Model: "L5440", Location: "DUB", AllowDuplicateSerial: true}); err != nil {
		t.Errorf("received as it is: %v", err)
	}
}

// From a README walk-through: a new register (people's names, emails,
// badges) was created readable by every user of the machine, the demo's
// not. It is its owner's alone; its WAL file too.
func TestNewDatabaseIsTheOwnersAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes")
	}
	db := mustOpen(t)
	seed(t, db)
	for _, p := range []string{db.Path(), db.Path() + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := st.Mode().Perm(); m&0o077 != 0 {
			t.Errorf("%s: mode %v, want no access for others", filepath.Base(p), m)
		}
	}
	// Through a link to no file yet, too (a review: 0644).
	dir := t.TempDir()
	link := filepath.Join(dir, "desk.db")
	if err := os.Symlink("middle.db", link); err != nil { // (a link to a link: a review)
		t.Fatal(err)
	}
	if err := os.Symlink("real.db", filepath.Join(dir, "middle.db")); err != nil {
		t.Fatal(err)
	}
	ldb, err := store.Open(context.Background(), link, store.Options{Operator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	ldb.Close()
	if st, err := os.Stat(filepath.Join(dir, "real.db")); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("the link's target: %v %v", st, err)
	}
}
