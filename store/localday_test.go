package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// inZone runs the rest of a test with the desk's local time zone set to name.
func inZone(t *testing.T, name string) {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone %s: %v", name, err)
	}
	old := time.Local
	time.Local = loc
	t.Cleanup(func() { time.Local = old })
}

// Dates made from an instant are the desk's local day: a check-out at 20:30
// in New York (01:30 UTC the next day) exports as the 27th, and the desk
// takes its own export back; a stocktake finished then is audited on the
// 27th. A day recorded without a time stays that day.
func TestDatesAreTheDesksLocalDay(t *testing.T) {
	inZone(t, "America/New_York")
	ctx := context.Background()
	db := mustOpenAt(t, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC))
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-1", "TD-2")
	if _, err := db.CheckOut(ctx, "TD-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if got := store.LocalDay("2026-01-31T00:00:00Z"); got != "2026-01-31" {
		t.Errorf("a recorded day moved to %s", got)
	}
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "TD-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Asset(ctx, "TD-2"); err != nil || a.LastAudit != "2026-11-27" || a.NextAudit != "2027-11-27" {
		t.Errorf("audited %q, next %q (%v); want the local day 2026-11-27", a.LastAudit, a.NextAudit, err)
	}
	var out bytes.Buffer
	if _, err := db.ExportSnipeIT(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), ",2026-11-27,") || strings.Contains(out.String(), "2026-11-28") {
		t.Errorf("export does not give the local day of the check-out:\n%s", out.String())
	}
	again := mustOpenAt(t, time.Date(2026, 11, 28, 1, 45, 0, 0, time.UTC))
	if _, err := again.ImportSnipeIT(ctx, strings.NewReader(out.String()), store.ImportOptions{}); err != nil {
		t.Fatalf("the desk refuses its own export: %v", err)
	}
	if a, err := again.Asset(ctx, "TD-1"); err != nil || store.LocalDay(a.CheckedOutAt) != "2026-11-27" {
		t.Errorf("re-imported check-out on %q (%v)", a.CheckedOutAt, err)
	}
}

// A due date is a date or +N days from the desk's local today.
func TestParseDue(t *testing.T) {
	inZone(t, "Australia/Sydney")
	now := time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC).Local() // the 28th in Sydney
	for in, want := range map[string]string{"+0": "2026-11-28", "+7": "2026-12-05", " 2026-12-24 ": "2026-12-24", "": ""} {
		if got, err := store.ParseDue(in, now); err != nil || got != want {
			t.Errorf("ParseDue(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"+x", "+-1", "+99999", "2026-13-01"} {
		if got, err := store.ParseDue(in, now); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("ParseDue(%q) = %q, %v; want refused", in, got, err)
		}
	}
}

// The overdue filter lists what is checked out past its due date, by the
// desk's local day: a loan due on the 27th is overdue on the 28th.
func TestSearchOverdue(t *testing.T) {
	inZone(t, "Australia/Sydney")
	ctx := context.Background()
	db := mustOpenAt(t, time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)) // the 28th in Sydney
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-LATE", "TD-TODAY", "TD-FREE")
	for tag, due := range map[string]string{"TD-LATE": "2026-11-27", "TD-TODAY": "2026-11-28"} {
		if _, err := db.CheckOut(ctx, tag, "B1001", due); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.SearchAssets(ctx, store.AssetFilter{Overdue: true})
	if err != nil || len(got) != 1 || got[0].Tag != "TD-LATE" {
		t.Errorf("overdue: %+v %v", got, err)
	}
}

// A count is dated where it was made: the day the desk that finished it
// was on, in its own zone. A count finished at 23:30 in New York on the
// 27th is the 27th there and on a desk in Sydney (where it is already the
// afternoon of the 28th): its date in the reports, the stocktake's day and
// the audit date of what it found agree on every desk.
func TestCountIsDatedWhereItWasMade(t *testing.T) {
	inZone(t, "America/New_York")
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Skipf("no zone Australia/Sydney: %v", err)
	}
	newYork := time.Local
	ctx := context.Background()
	srv := openServer(t)
	ny := mustOpenAt(t, time.Date(2026, 11, 28, 4, 29, 0, 0, time.UTC)) // 23:29 on the 27th in New York
	seed(t, ny)
	receiveTags(t, ny, "DUB-STORE", "TD-1", "TD-2")
	st, err := ny.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ny.ScanIntoStocktake(ctx, st.UID, "TD-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := ny.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, ny)
	syd := mustOpenAt(t, time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC)) // 16:00 on the 28th in Sydney
	syncVia(t, srv, syd)
	for _, desk := range []struct {
		name string
		db   *store.DB
		zone *time.Location
	}{{"New York", ny, newYork}, {"Sydney", syd, sydney}} {
		time.Local = desk.zone
		if a, err := desk.db.Asset(ctx, "TD-1"); err != nil || a.LastAudit != "2026-11-27" {
			t.Errorf("%s: TD-1 last audited %q (%v); want 2026-11-27", desk.name, a.LastAudit, err)
		}
		s, err := desk.db.Stocktake(ctx, st.UID)
		if err != nil || s.FinishedOn != "2026-11-27" {
			t.Errorf("%s: the count is dated %q (%v); want 2026-11-27", desk.name, s.FinishedOn, err)
		}
		k, err := desk.db.KPIs(ctx)
		if err != nil || len(k.AccuracyByLocation) != 1 || k.AccuracyByLocation[0].Date != "2026-11-27" {
			t.Errorf("%s: accuracy by location %+v (%v); want the count dated 2026-11-27", desk.name, k.AccuracyByLocation, err)
		}
	}
	time.Local = newYork
	syncVerify(t, ny, syd)
}

// A count finished before its day was kept (migration 0023) takes it from
// its finish event: read in another zone, it is still the finishing desk's
// day, and verify, which replays the events, agrees.
func TestMigrationDatesFinishedCounts(t *testing.T) {
	inZone(t, "America/New_York")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	clock := time.Date(2026, 11, 28, 4, 29, 0, 0, time.UTC) // 23:29 on the 27th in New York
	db, err := store.Open(ctx, path, store.Options{Operator: "tester", Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-1")
	st, err := db.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The desk as it was before migration 0023.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`ALTER TABLE stocktakes DROP COLUMN finished_on; DELETE FROM schema_migrations WHERE version = 23`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		t.Skipf("no zone Australia/Sydney: %v", err)
	}
	time.Local = sydney
	db, err = store.Open(ctx, path, store.Options{Operator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if s, err := db.Stocktake(ctx, st.UID); err != nil || s.FinishedOn != "2026-11-27" {
		t.Errorf("the count is dated %q (%v); want 2026-11-27", s.FinishedOn, err)
	}
	if k, err := db.KPIs(ctx); err != nil || len(k.AccuracyByLocation) != 1 || k.AccuracyByLocation[0].Date != "2026-11-27" {
		t.Errorf("accuracy by location %+v (%v); want the count dated 2026-11-27", k.AccuracyByLocation, err)
	}
	mustVerify(t, db)
}

// An export's Checkout Date names the zone of its time ("2026-11-29
// 08:00:00 +11:00", which Snipe-IT's importer reads too): a check-out made
// this morning in Sydney, imported on a desk in New York where it is still
// the 28th, is the same moment there (it was refused as in the future),
// and one made at 20:30 in New York imported in Sydney is not moved by
// the hours between them.
func TestExportedCheckoutTimeKeepsItsZone(t *testing.T) {
	inZone(t, "Australia/Sydney")
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no zone America/New_York: %v", err)
	}
	sydney := time.Local
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		from, to *time.Location
		at       time.Time // the 29th in Sydney, the 28th in New York; the 27th in New York, the 28th in Sydney
	}{
		{"Sydney to New York", sydney, newYork, time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)},
		{"New York to Sydney", newYork, sydney, time.Date(2026, 11, 28, 1, 30, 0, 0, time.UTC)},
	} {
		time.Local = c.from
		db := mustOpenAt(t, c.at)
		if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Ana Silva", Badge: "B1001", Email: "ana@example.com", Username: "asilva"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddLocation(ctx, "DUB", "Dublin office", ""); err != nil {
			t.Fatal(err)
		}
		receiveTags(t, db, "DUB", "TD-1")
		a, err := db.CheckOut(ctx, "TD-1", "B1001", "")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := db.ExportSnipeIT(ctx, &out); err != nil {
			t.Fatal(err)
		}
		at, _ := time.Parse(time.RFC3339Nano, a.CheckedOutAt)
		cell := "," + at.In(c.from).Format("2006-01-02 15:04:05 -07:00") + ","
		if !strings.Contains(out.String(), cell) {
			t.Errorf("%s: the export does not give the check-out as %s:\n%s", c.name, cell, out.String())
		}
		time.Local = c.to
		other := mustOpenAt(t, c.at.Add(30*time.Minute))
		if _, err := other.ImportSnipeIT(ctx, strings.NewReader(out.String()), store.ImportOptions{}); err != nil {
			t.Errorf("%s: the import refuses the export: %v", c.name, err)
			continue
		}
		if b, err := other.Asset(ctx, "TD-1"); err != nil || b.CheckedOutAt != a.CheckedOutAt {
			t.Errorf("%s: checked out at %q (%v); the export's desk had %q", c.name, b.CheckedOutAt, err, a.CheckedOutAt)
		}
		mustVerify(t, other)
	}
}

// The days an export gives alone (Last Audit, Disposal Date) are the days
// of the desk that wrote it: a Sydney desk's 29th is taken by a desk in
// New York where it is still the 28th (it was refused as in the future).
// A day not begun anywhere yet is still refused.
func TestExportedDaysImportInAnyZone(t *testing.T) {
	inZone(t, "Australia/Sydney")
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no zone America/New_York: %v", err)
	}
	ctx := context.Background()
	syd := mustOpenAt(t, time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)) // 08:00 on the 29th in Sydney
	seed(t, syd)
	receiveTags(t, syd, "DUB-STORE", "TD-1", "TD-2")
	st, err := syd.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syd.ScanIntoStocktake(ctx, st.UID, "TD-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := syd.Retire(ctx, "TD-2", "broken"); err != nil {
		t.Fatal(err)
	}
	if _, err := syd.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if _, err := syd.Dispose(ctx, "TD-2", store.Disposal{Method: "recycled"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := syd.ExportSnipeIT(ctx, &out); err != nil {
		t.Fatal(err)
	}
	time.Local = newYork
	ny := mustOpenAt(t, time.Date(2026, 11, 28, 21, 30, 0, 0, time.UTC)) // 16:30 on the 28th in New York
	if _, err := ny.ImportSnipeIT(ctx, strings.NewReader(out.String()), store.ImportOptions{}); err != nil {
		t.Fatalf("the import refuses the Sydney desk's export: %v\n%s", err, out.String())
	}
	if a, err := ny.Asset(ctx, "TD-1"); err != nil || a.LastAudit != "2026-11-29" {
		t.Errorf("TD-1 last audited %q (%v); want 2026-11-29", a.LastAudit, err)
	}
	if a, err := ny.Asset(ctx, "TD-2"); err != nil || a.Status != store.StatusDisposed || store.LocalDay(a.Disposal.DisposedAt) != "2026-11-29" {
		t.Errorf("TD-2 %s, disposed %+v (%v); want disposed on 2026-11-29", a.Status, a.Disposal, err)
	}
	mustVerify(t, ny)
	// A check-out dated by day alone with Sydney's 29th is handed over by
	// now, not at a midnight to come (a check-in a moment later preceded
	// it, as a review found).
	if _, err := ny.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Checkout Type,Checkout to Location,Checkout Date\nTD-8,Latitude 5440,Location,DUB-STORE,2026-11-29\n"), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if a := mustAsset(t, ny, "TD-8"); a.CheckedOutAt == "" || a.CheckedOutAt > "2026-11-28T21:31:00Z" {
		t.Errorf("TD-8 checked out at %q: after the import (21:30 UTC on the 28th)", a.CheckedOutAt)
	}
	if a, err := ny.CheckIn(ctx, "TD-8", store.CheckInOptions{}); err != nil || a.Status != store.StatusInStock {
		t.Fatalf("check-in: %+v %v", a, err)
	}
	mustVerify(t, ny)
	// The 30th has begun nowhere at 21:30 UTC on the 28th.
	rep, err := ny.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Last Audit\nTD-9,Latitude 5440,2026-11-30\n"), store.ImportOptions{})
	if err == nil || rep.BadRows != 1 || !strings.Contains(rep.Bad[0].Reason, "in the future") {
		t.Errorf("a day begun nowhere: %+v %v", rep, err)
	}
}
