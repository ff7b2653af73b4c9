package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// The auditor's report of every event marks a change the sync server
// refused, as the asset's history does.
func TestEachEventMarksRefused(t *testing.T) {
	ctx := context.Background()
	srv, _, b, _ := refusedCheckOut(t)
	for name, db := range map[string]*store.DB{"b": b, "server": srv} {
		var refused []string
		err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
			if e.Refused {
				refused = append(refused, store.Describe(e))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(refused) != 1 || !strings.HasPrefix(refused[0], "refused by the sync server, changed nothing: checked out to Bo Chen") {
			t.Errorf("%s's refused events: %q", name, refused)
		}
	}
}

// A report of one day holds the changes of that day (UTC), those in its
// first second included, and none of the next day's first second: stored
// times carry fractions of a second, which sort before a whole second's.
func TestEachEventDayBounds(t *testing.T) {
	ctx := context.Background()
	var now time.Time
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Operator: "tester", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, at := range []struct{ at, code string }{
		{"2026-11-19T23:59:59.9Z", "L0"}, {"2026-11-20T00:00:00.4Z", "L1"}, {"2026-11-20T00:00:00Z", "L2"},
		{"2026-11-20T23:59:59.999Z", "L3"}, {"2026-11-21T00:00:00.3Z", "L4"}, {"2026-11-21T00:00:00Z", "L5"},
	} {
		if now, err = time.Parse(time.RFC3339Nano, at.at); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddLocation(ctx, at.code, "Shelf "+at.code, ""); err != nil {
			t.Fatal(err)
		}
	}
	from, _ := store.Day("2026-11-20")
	var got []string
	err = db.EachEvent(ctx, from, from.AddDate(0, 0, 1), func(e store.Event) error {
		got = append(got, e.Subject)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, uid := range got {
		evs, err := db.History(ctx, uid)
		if err != nil || len(evs) != 1 {
			t.Fatalf("history of %s: %v %v", uid, evs, err)
		}
		codes = append(codes, strings.Fields(store.Describe(evs[0]))[1])
	}
	if strings.Join(codes, ",") != "L1,L2,L3" {
		t.Errorf("the 20th's changes: %v", codes)
	}
}

// SharedSerials lists the serials more than one asset has, compared as a
// scan compares them (case aside), each asset with its receipt.
func TestSharedSerials(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if got, err := db.SharedSerials(ctx); err != nil || len(got) != 0 {
		t.Fatalf("an empty register: %v %v", got, err)
	}
	importSnipe(t, db, []byte("Asset Tag,Model Name,Serial Number\nS-1,Latitude 5440,abc-1\nS-2,Latitude 5440,ABC-1\nS-3,Latitude 5440,XYZ\nS-4,Latitude 5440,\nS-5,Latitude 5440,\n"), store.ImportOptions{})
	got, err := db.SharedSerials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Serial != "ABC-1" || len(got[0].Assets) != 2 {
		t.Fatalf("shared: %+v", got)
	}
	for i, a := range got[0].Assets {
		if want := fmt.Sprintf("S-%d", i+1); a.Tag != want || a.Device != db.DeviceID() || a.ReceivedAt == "" || a.ReceivedBy == "" || a.Model != "Latitude 5440" {
			t.Errorf("asset %d: %+v", i, a)
		}
	}
}

// From an auditor's hunt: report history named nothing for a person's
// update, a count's start and finish, an order: their payloads hold ids.
// The register's name for the subject is given.
func TestEachEventNamesSubjects(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "T-1")
	if _, err := db.UpdatePerson(ctx, "B1001", map[string]string{"email": "ana.silva@example.com"}); err != nil {
		t.Fatal(err)
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "T-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPurchaseOrder(ctx, "PO-9", "Dell", nil); err != nil {
		t.Fatal(err)
	}
	got := map[store.EventType]string{}
	if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
		got[e.Type] = store.SubjectLabel(e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for typ, want := range map[store.EventType]string{store.EvPersonUpdated: "Ana Silva", store.EvStocktakeStarted: "DUB-STORE",
		store.EvStocktakeFinished: "DUB-STORE", store.EvPOCreated: "PO-9", store.EvAssetReceived: "T-1",
		store.EvStocktakeScanned: "DUB-STORE"} { // (the count, not the code scanned: T-1 is the asset)
		if got[typ] != want {
			t.Errorf("%s is about %q, want %q", typ, got[typ], want)
		}
	}
}

// From an auditor's reading: report history named a person's updates
// before a rename by the name they have today. Each is named as the
// person was called then (a rename by the name it replaced).
func TestEachEventNamesPersonAsThen(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	steps := []map[string]string{
		{"email": "ana.silva@example.com"},
		{"name": "Ana Costa"},
		{"email": "ana.costa@example.com"},
		{"name": "Ana Reis"},
	}
	for _, set := range steps {
		if _, err := db.UpdatePerson(ctx, "B1001", set); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Offboard(ctx, "B1001", store.CheckInOptions{Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
		if e.Type == store.EvPersonUpdated || e.Type == store.EvPersonOffboarded {
			got = append(got, store.SubjectLabel(e))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Ana Silva", "Ana Silva", "Ana Costa", "Ana Costa", "Ana Reis"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("subjects %q, want %q", got, want)
	}
}
