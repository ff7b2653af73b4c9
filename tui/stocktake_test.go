package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

// shelf moves TD-000001..n onto SHELF-A: the stocktake's expected set.
func shelf(t testing.TB, db *store.DB, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		tag := "TD-" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i)
		if _, err := db.Move(context.Background(), tag, "SHELF-A"); err != nil {
			t.Fatalf("move %s: %v", tag, err)
		}
	}
}

func TestStocktake_ScanLoopFinishReport(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 8)
	shelf(t, db, 5)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	if h.title() != "Stocktake" {
		t.Fatalf("s opened %q", h.title())
	}
	h.wantView("No stocktake is open")
	h.scan("SHELF-A")
	if h.title() != "Stocktake SHELF-A" {
		t.Fatalf("location scan left the screen at %q", h.title())
	}
	h.wantView("expected 5", "found 0", "missing 5", "started a stocktake of SHELF-A: 5 asset(s) expected", "Still missing (5)")
	// Scanner bursts: three found (one by serial), one from HQ, a repeat and
	// an unknown code. The serial holds f and m's neighbours q, r, o, i, p:
	// none of it may act as a key.
	for _, code := range []string{"TD-000001", "TD-000002", serialOf(3)} {
		h.scan(code)
	}
	h.wantView("found 3", "missing 2", "✓ TD-000003", "Still missing (2)", "TD-000004", "TD-000005")
	if h.bells != 0 {
		t.Fatalf("%d bells for found scans", h.bells)
	}
	h.scan("TD-000007")
	h.wantView("unexpected 1", "TD-000007 Latitude 5440 is recorded at HQ: ctrl+o moves it here")
	h.scan("TD-000001")
	if h.bells != 1 {
		t.Fatalf("bells %d after a duplicate", h.bells)
	}
	h.wantView("TD-000001 already scanned: not counted twice", "found 3")
	h.scan("FMX-UNKNOWN-9")
	if h.bells != 2 {
		t.Fatalf("bells %d after an unknown code", h.bells)
	}
	h.wantView("unknown 1", "FMX-UNKNOWN-9: unknown code, kept in the report")
	// A code typed by hand from a damaged label is typed, even when it
	// starts with m or f: no move, no finish.
	h.typeSlow("mx-1")
	h.wantView("› mx-1")
	if a := h.asset("TD-000007"); a.LocationCode != "HQ" {
		t.Fatalf("typing m moved TD-000007 to %s", a.LocationCode)
	}
	h.press("esc")
	h.typeSlow("fy")
	h.press("enter")
	h.wantView("fy: unknown code, kept in the report", "unknown 2")
	if strings.Contains(h.view(), "Finish?") || strings.Contains(h.view(), "finished") {
		t.Fatalf("typing f y enter finished the count:\n%s", h.view())
	}
	bells := h.bells
	// ctrl+o moves the unexpected asset here.
	h.press("ctrl+o")
	if a := h.asset("TD-000007"); a.LocationCode != "SHELF-A" {
		t.Fatalf("ctrl+o left TD-000007 at %s", a.LocationCode)
	}
	h.wantView("moved TD-000007")
	if h.bells != bells {
		t.Fatalf("bell on a move")
	}
	// ctrl+g asks; n goes on counting; a code typed at the question is
	// typed, not an answer (enter counts it); ctrl+g and y finish.
	h.press("ctrl+g")
	h.wantView("Finish? 2 not found will be marked missing")
	h.typeSlow("n")
	h.wantView("› ")
	h.press("ctrl+g")
	h.typeSlow("td-000004")
	h.press("enter")
	if a := h.asset("TD-000004"); a.Status == store.StatusMissing {
		t.Fatalf("a code typed at the question finished the count")
	}
	h.wantView("✓ TD-000004", "found 4", "missing 1")
	h.press("ctrl+g")
	h.press("enter") // not an answer either
	h.wantView("› ")
	h.press("ctrl+g")
	h.typeSlow("y")
	h.wantView("finished", "Missing (1)", "TD-000005", "Unexpected (1)", "TD-000007 Latitude 5440 recorded here", "Unknown codes (2)", "FMX-UNKNOWN-9", "fy")
	for tag, want := range map[string]store.Status{"TD-000004": store.StatusInStock, "TD-000005": store.StatusMissing, "TD-000001": store.StatusInStock} {
		if a := h.asset(tag); a.Status != want {
			t.Errorf("%s is %s, want %s", tag, a.Status, want)
		}
	}
	if a := h.asset("TD-000001"); a.LastAudit == "" || a.NextAudit == "" {
		t.Errorf("found asset not audited: last %q next %q", a.LastAudit, a.NextAudit)
	}
	// A scan after finishing is refused; esc leaves.
	h.scan("TD-000002")
	if h.bells != 4 {
		t.Fatalf("bells %d after a scan into a finished stocktake", h.bells)
	}
	h.wantView("this stocktake is finished")
	h.press("esc")
	if h.title() != "Home" {
		t.Fatalf("esc from the report went to %q", h.title())
	}
	rep, err := db.StocktakeReport(context.Background(), mustCurrentOrLatest(t, db).UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Stocktake; got.Found != 4 || got.Missing != 1 || got.Unexpected != 1 || got.Unknown != 2 || got.Duplicates != 1 {
		t.Fatalf("report counts %+v", got)
	}
}

// From a stocktake hunt: at 80x24 the finished count's figures ran off the
// line (duplicates cut), the report listed no found assets, and a badge
// scanned by mistake was an unknown code with no word on what it is.
func TestStocktake_ReportAt80Columns(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 8)
	shelf(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("expected 3")
	h.scan("TD-000001")
	h.scan("TD-000001")
	h.scan("B1002")
	h.wantView("B1002: is the badge of Bob Jones, not an asset")
	h.press("ctrl+g")
	h.typeSlow("y")
	h.wantView("finished", "duplicates 1", "Unknown codes (1)", "B1002: is the badge of Bob Jones, not an asset", "Found (1)", "TD-000001")
	for _, l := range strings.Split(h.view(), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line of %d columns: %q", w, l)
		}
	}
}

// The screen's figures are the store's: the disks of a server it found are
// found with it (not missing, and off the list), and an unknown code
// scanned again is not another; the finish question says what the finish
// then does.
func TestStocktake_FiguresFollowTheStore(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 8)
	shelf(t, db, 4)
	for _, d := range []string{"TD-000003", "TD-000004"} {
		if _, err := db.CheckOut(ctx, d, "TD-000002", ""); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("expected 4", "missing 4", "Still missing (4)")
	h.scan("TD-000002")
	h.wantView("found 1", "missing 1", "Still missing (1)", "TD-000001")
	if strings.Contains(h.view(), "TD-000003") {
		t.Fatalf("a disk of the server found is still listed missing:\n%s", h.view())
	}
	h.scan("ZZ-404")
	h.scan("ZZ-404")
	h.wantView("unknown 1")
	h.press("ctrl+g")
	h.wantView("Finish? 1 not found will be marked missing")
	h.typeSlow("y")
	h.wantView("finished", "Missing (1)", "TD-000001")
	if got := mustCurrentOrLatest(t, db); got.Found != 3 || got.Missing != 1 || got.Unknown != 1 {
		t.Fatalf("finished %+v", got)
	}
}

// The finish question is not answered while scans are still being
// recorded (a slow disk, another writer): finished then, those scans would
// be refused and their assets marked missing.
func TestStocktake_NoFinishWhileScansAreRecorded(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("expected 2")
	st := h.m.stack[len(h.m.stack)-1].(*stocktakeScreen)
	st.queue.busy = true // a scan under way
	h.press("ctrl+g")
	h.wantView("Finish? 1 scan(s) still being recorded")
	bells := h.bells
	h.typeSlow("y")
	if h.bells != bells+1 || st.busy == "finishing…" {
		t.Fatalf("y finished with a scan under way (bells %d → %d)", bells, h.bells)
	}
	h.wantView("still being recorded: answer again when they are")
	st.queue.busy = false
	// Once the finish is under way a scan is refused where it is seen,
	// not started to be refused after the finish out of sight.
	st.finishing, st.busy = true, "finishing…"
	bells = h.bells
	h.scan("TD-000001")
	if h.bells != bells+1 || st.queue.len() != 0 {
		t.Fatalf("a scan while finishing: bells %d → %d, queue %d", bells, h.bells, st.queue.len())
	}
	h.wantView("the count is finishing: scan it again once the report is up")
	st.finishing, st.busy = false, ""
}

func mustCurrentOrLatest(t *testing.T, db *store.DB) store.Stocktake {
	t.Helper()
	all, err := db.Stocktakes(context.Background(), false, 1)
	if err != nil || len(all) == 0 {
		t.Fatalf("stocktakes: %v %d", err, len(all))
	}
	return all[0]
}

// A stocktake survives a restart: a new UI on the same database lists the
// open one and resumes it, counts included; ctrl+g never drops typed text.
func TestStocktake_ResumeAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	open := func() *store.DB {
		db, err := store.Open(context.Background(), path, store.Options{Operator: "setup", Now: func() time.Time { return epoch }})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	seed(t, db, 4)
	shelf(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000002")
	h.wantView("found 1")
	db.Close()

	db = open()
	t.Cleanup(func() { db.Close() })
	h = newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.typeSlow("s")
	h.wantView("Open stocktakes", "SHELF-A Shelf A", "1 of 3")
	h.press("enter")
	h.wantView("resumed the open stocktake of SHELF-A", "found 1", "missing 2", "Still missing (2)")
	if v := h.view(); strings.Contains(v, "  TD-000002 ") {
		t.Fatalf("a found asset is listed as missing:\n%s", v)
	}
	// Scanning the same location again resumes, never starts a second one.
	h.press("esc")
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("resumed")
	// Typed code, then ctrl+g with text still in the field says so and
	// keeps it (ctrl+f is the field's cursor right); esc clears it, and
	// ctrl+g and y finish.
	h.typeSlow("TD-000003")
	h.press("enter")
	h.wantView("found 2")
	h.typeSlow("x")
	bells := h.bells
	h.press("ctrl+g")
	h.wantView("x is typed, not counted: enter counts it, esc clears it", "› x")
	if h.bells != bells+1 {
		t.Fatalf("no bell for ctrl+g over typed text")
	}
	h.press("ctrl+f")
	h.wantView("› x")
	h.press("esc")
	if n := strings.Count(h.view(), "is typed, not counted"); n != 1 { // (the log keeps it)
		t.Fatalf("the note stays on top once the text is cleared:\n%s", h.view())
	}
	h.press("ctrl+g")
	h.wantView("Finish? 1 not found")
	h.typeSlow("y")
	h.wantView("Missing (1)", "TD-000001")
	open2, err := db.Stocktakes(context.Background(), true, 0)
	if err != nil || len(open2) != 0 {
		t.Fatalf("open stocktakes after finish: %v %v", open2, err)
	}
}

func TestStocktake_BadLocation(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("NOWHERE-9")
	if h.bells != 1 || h.title() != "Stocktake" {
		t.Fatalf("bells %d screen %q after an unknown location", h.bells, h.title())
	}
	h.wantView("✗")
	if open, _ := db.Stocktakes(context.Background(), false, 0); len(open) != 0 {
		t.Fatalf("a bad location started %d stocktake(s)", len(open))
	}
	// An asset tag is not a location either.
	h.scan("TD-000001")
	if h.bells != 2 || h.title() != "Stocktake" {
		t.Fatalf("bells %d screen %q after a tag in the location step", h.bells, h.title())
	}
}

// 200 scans fed back to back are each classified once, in order.
func TestStocktake_BurstOfScans(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 200)
	for i := 1; i <= 200; i++ {
		tag := "TD-" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i)
		if _, err := db.Move(context.Background(), tag, "SHELF-A"); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	var paste strings.Builder
	for i := 200; i >= 1; i-- {
		paste.WriteString("TD-" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i) + "\n")
	}
	h.send(tea.PasteMsg{Content: paste.String()})
	h.wantView("found 200", "missing 0", "everything expected has been found", "✓ TD-000001")
}

// stocktakeSetups put the stocktake and person screens in a known state.
var stocktakeSetups = []struct {
	name  string
	setup func(h *harness)
	want  []string
}{
	{"stocktake-pick", func(h *harness) { h.typeSlow("s") }, []string{"Which location do you count?", "location:"}},
	{"stocktake-scanning", func(h *harness) {
		shelf(h.t, h.db, 6)
		h.typeSlow("s")
		h.scan("SHELF-A")
		h.scan("TD-000001")
		h.scan("TD-000009")
		h.scan("TD-000001")
		h.scan("NOPE-1")
	}, []string{"expected 6", "found 1", "missing 5", "unexpected 1", "unknown 1", "Still missing (5)", "NOPE-1: unknown code"}},
	{"stocktake-report", func(h *harness) {
		shelf(h.t, h.db, 3)
		h.typeSlow("s")
		h.scan("SHELF-A")
		h.scan("TD-000002")
		h.scan("TD-000010")
		h.scan("ODD-CODE")
		h.press("ctrl+g")
		h.typeSlow("y")
	}, []string{"Missing (2)", "Unexpected (1)", "Unknown codes (1)"}},
	{"person", func(h *harness) {
		holdFor(h.t, h.db, "B1001", "2026-10-30", "TD-000001")
		holdFor(h.t, h.db, "B1001", "2026-12-31", "TD-000002")
		h.typeSlow("p")
		h.scan("B1001")
	}, []string{"Alice Smith", "Holds 2 item(s), 1 overdue", "OVERDUE", "TD-000002"}},
	{"person-offboarded", func(h *harness) {
		holdFor(h.t, h.db, "B1001", "", "TD-000001", "TD-000002", "TD-000003", "TD-000004", "TD-000005", "TD-000006", "TD-000007", "TD-000008", "TD-000009", "TD-000010", "TD-000011", "TD-000012")
		h.typeSlow("p")
		h.scan("B1001")
		h.typeSlow("x")
		h.typeSlow("y")
	}, []string{"offboarded Alice Smith: 12 item(s) checked in", "Returned", "nothing checked out"}},
}

// holdFor checks tags out to who, due on due.
func holdFor(t testing.TB, db *store.DB, who, due string, tags ...string) {
	t.Helper()
	ctx := context.Background()
	hd, err := db.ResolveHolder(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags {
		if _, err := db.CheckOutTo(ctx, tag, hd, due); err != nil {
			t.Fatalf("check out %s: %v", tag, err)
		}
	}
}

func TestStocktakeLayout_Sizes(t *testing.T) {
	for _, sc := range stocktakeSetups {
		for _, sz := range sizes {
			t.Run(sc.name+"-"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				h := newHarness(t, newGoldenDB(t), Options{Operator: "clerk"}, sz.w, sz.h)
				sc.setup(h)
				checkLayout(t, h.m.render(), sz.w, sz.h, sc.want)
				for _, r := range sizes {
					h.send(tea.WindowSizeMsg{Width: r.w, Height: r.h})
					checkLayout(t, h.m.render(), r.w, r.h, sc.want)
				}
			})
		}
	}
}

func TestStocktakeViews_Golden(t *testing.T) {
	for _, sc := range stocktakeSetups {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
			name := sc.name + "-" + itoa(sz.w) + "x" + itoa(sz.h)
			t.Run(name, func(t *testing.T) {
				h := newHarness(t, newGoldenDB(t), Options{Operator: "clerk"}, sz.w, sz.h)
				sc.setup(h)
				golden(t, name, h.view())
			})
		}
	}
}

func TestPerson_Offboard(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 5)
	holdFor(t, db, "B1001", "2026-10-30", "TD-000001")
	holdFor(t, db, "B1001", "", "TD-000002", "TD-000003")
	holdFor(t, db, "B1002", "", "TD-000004")
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("p")
	// A badge scanned on People opens that person.
	h.scan("B1001")
	if h.title() != "Person Alice Smith" {
		t.Fatalf("badge scan opened %q", h.title())
	}
	h.wantView("Holds 3 item(s), 1 overdue", "TD-000001", "2026-10-30", "OVERDUE", "TD-000003")
	// x asks, tab picks the condition, y offboards in one store call.
	h.typeSlow("x")
	h.wantView("Offboard Alice Smith: check in all 3 item(s) as ok")
	h.press("tab")
	h.wantView("as needs repair")
	// A scan while the question is open neither answers it nor leaves,
	// and says so.
	bells := h.bells
	h.scan("B1002")
	h.wantView("B1002: not opened: answer the question first", "Offboard Alice Smith")
	if h.bells != bells+1 || h.title() != "Person Alice Smith" {
		t.Fatalf("a scan during the question: bells %d → %d, screen %q", bells, h.bells, h.title())
	}
	h.typeSlow("y")
	h.wantView("offboarded Alice Smith: 3 item(s) checked in", "Returned", "nothing checked out", "offboarded")
	for _, tag := range []string{"TD-000001", "TD-000002", "TD-000003"} {
		if a := h.asset(tag); a.Status != store.StatusInRepair || a.Custodian != "" {
			t.Errorf("%s: %s held by %q", tag, a.Status, a.Custodian)
		}
	}
	if a := h.asset("TD-000004"); a.Status != store.StatusDeployed {
		t.Errorf("Bob's asset was taken back: %s", a.Status)
	}
	p, err := db.Person(context.Background(), "B1001")
	if err != nil || p.Active {
		t.Fatalf("person after offboarding: %+v %v", p, err)
	}
	// Twice: refused with the bell, nothing changed.
	bells = h.bells
	h.typeSlow("x")
	h.advance(bellWait)
	if h.bells != bells+1 {
		t.Fatal("no bell offboarding twice")
	}
	h.wantView("already offboarded")
	// Esc cancels a confirmation without changing anything.
	h.press("esc")
	h.scan("B1002")
	h.wantView("Person Bob Jones")
	h.typeSlow("x")
	h.press("esc")
	if a := h.asset("TD-000004"); a.Status != store.StatusDeployed {
		t.Fatalf("esc offboarded anyway: %s", a.Status)
	}
	if h.title() != "Person Bob Jones" {
		t.Fatalf("esc in the confirmation left the screen: %q", h.title())
	}
	// From a desk-day hunt: a scanner's Enter that came late (its code
	// cut off) offboarded them; only y does. And the question counts what
	// they hold now (TD-000005 given from the command line meanwhile),
	// not what the screen showed.
	holdFor(t, db, "B1002", "", "TD-000005")
	h.typeSlow("x")
	h.wantView("Offboard Bob Jones: check in all 2 item(s)")
	h.press("enter")
	if p, err := db.Person(context.Background(), "B1002"); err != nil || !p.Active {
		t.Fatalf("enter offboarded Bob: %+v %v", p, err)
	}
	h.wantView("Offboard Bob Jones")
}

// Home paints its counts before the dashboard figures arrive, and shows
// them (and the chart by site, where there is room) once they do.
func TestHome_DashboardLoadsAfterFirstPaint(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	shelf(t, db, 4)
	ctx := context.Background()
	st, err := db.StartStocktake(ctx, "SHELF-A")
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"TD-000001", "TD-000002", "TD-000003"} {
		if _, err := db.ScanIntoStocktake(ctx, st.UID, tag); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	holdFor(t, db, "B1001", "2026-10-30", "TD-000005")

	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 40)
	home := newHome(h.m.c)
	home.SetSize(120, 38)
	batch, ok := home.Init()().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("home Init is not two commands: %T", batch)
	}
	home.Update(batch[0]())
	v := ansi.Strip(home.View())
	if !strings.Contains(v, "in stock") || !strings.Contains(v, "computing the figures") {
		t.Fatalf("first paint:\n%s", v)
	}
	home.Update(batch[1]())
	v = ansi.Strip(home.View())
	for _, want := range []string{"inventory accuracy 75.0% (1 location(s))", "deployed with an owner 100.0%", "overdue returns 1", "Assets by site", "HQ"} {
		if !strings.Contains(v, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, v)
		}
	}
	// At 80x24 the figures are compact and the rest still fits.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantView("accuracy 75.0% (1 location(s)) · owner share 100.0% · overdue 1", "r receive", "Needs attention")
}

// From a stocktake hunt: counts of places where nothing was expected read
// "accuracy 0.0%" on Home (a total loss); the CLI says there is no figure.
func TestHome_AccuracyNothingExpected(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	ctx := context.Background()
	if _, err := db.AddLocation(ctx, "EMPTY-1", "Empty shelf", ""); err != nil {
		t.Fatal(err)
	}
	st, err := db.StartStocktake(ctx, "EMPTY-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.wantView("accuracy — (1 location(s), nothing expected)")
	if strings.Contains(h.view(), "0.0%") {
		t.Errorf("a percentage:\n%s", h.view())
	}
}

// Home back at the top after a change shows figures of the register as it
// is, not the minute-old ones beside fresh counts ("no stocktake yet" next
// to a stocktake just finished); with no change it keeps the ones it has.
func TestHome_FiguresFollowTheLog(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	shelf(t, db, 4)
	ctx := context.Background()
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.wantView("accuracy no stocktake yet")
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000001")
	h.press("ctrl+g")
	h.typeSlow("y")
	h.wantView("finished")
	h.press("esc")
	if h.title() != "Home" {
		t.Fatalf("esc went to %q", h.title())
	}
	h.wantView("accuracy 25.0% (1 location(s))")
	// Nothing changed: the figures are kept, not read again.
	mark, err := db.LogMark(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.typeSlow("s")
	h.press("esc")
	if again, _ := db.LogMark(ctx); again != mark {
		t.Fatalf("the log moved: %d, %d", mark, again)
	}
	h.wantView("accuracy 25.0% (1 location(s))")
}

// BenchmarkStocktake_Scan counts a shelf of 10,000 expected assets through
// the screen: opening it (start, expected set, missing list) once, then one
// scan per iteration end to end (scan message, classify and record, live
// counts, new view). It reports the open time and the p99 scan.
func BenchmarkStocktake_Scan(b *testing.B) {
	const shelfSize = 10000
	db := newTestDB(b)
	seed(b, db, 0)
	ctx := context.Background()
	var rs []store.Receipt
	for i := 0; i < shelfSize; i++ {
		rs = append(rs, store.Receipt{Serial: "BENCH" + itoa(1000000+i), Model: "LAT5440", Location: "SHELF-A"})
	}
	if _, err := db.ReceiveAll(ctx, rs); err != nil {
		b.Fatal(err)
	}
	h := newHarness(b, db, Options{Operator: "bench"}, 100, 30)
	h.typeSlow("s")
	// Opening, in two steps as the screen does them: the stocktake with its
	// counters, then the missing list.
	h.hold = true
	h.send(scanMsg{code: "SHELF-A"})
	h.hold = false
	if len(h.pending) != 1 {
		b.Fatalf("%d commands for a location scan", len(h.pending))
	}
	t0 := time.Now()
	_, listCmd := h.m.Update(h.pending[0]())
	open := time.Since(t0)
	h.pending = nil
	t0 = time.Now()
	h.run(listCmd)
	list := time.Since(t0)
	s := h.m.active().(*stocktakeScreen)
	if !s.listed || len(s.missing) != shelfSize {
		b.Fatalf("missing list: %v %d", s.listed, len(s.missing))
	}
	if s.phase != stScanning || s.st.Expected != shelfSize {
		b.Fatalf("phase %d expected %d", s.phase, s.st.Expected)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		h.send(scanMsg{code: "TD-" + strings.Repeat("0", 6-len(itoa(i%shelfSize+1))) + itoa(i%shelfSize+1)})
		_ = h.m.render()
		lat = append(lat, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(open.Microseconds())/1000, "open-ms")
	b.ReportMetric(float64(list.Microseconds())/1000, "list-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// The location step lists the assets due for audit within the warning days.
func TestStocktake_AuditDueListed(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	shelf(t, db, 2)
	ctx := context.Background()
	if err := db.SetSetting(ctx, store.SettingAuditMonths, "1"); err != nil {
		t.Fatal(err)
	}
	st, err := db.StartStocktake(ctx, "SHELF-A")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ScanIntoStocktake(ctx, st.UID, "TD-000001"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.typeSlow("s")
	h.wantView("Due for audit (1)", "TD-000001 Latitude 5440 at SHELF-A · next audit 2026-12-02")
	if strings.Contains(h.view(), "OVERDUE") {
		t.Fatalf("a future audit is marked overdue:\n%s", h.view())
	}
	// With no warning days the next month's audit is not listed.
	if err := db.SetSetting(ctx, store.SettingAuditWarnDays, "0"); err != nil {
		t.Fatal(err)
	}
	h.press("esc")
	h.typeSlow("s")
	if strings.Contains(h.view(), "Due for audit") {
		t.Fatalf("listed with 0 warning days:\n%s", h.view())
	}
}

// ctrl+o with nothing to move says so (and rings) instead of doing nothing.
func TestStocktake_MoveWithNothingToMove(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	bells := h.bells
	h.press("ctrl+o")
	h.wantView("nothing to move")
	if h.bells != bells+1 {
		t.Fatalf("no bell for ctrl+o with nothing to move")
	}
}

// An asset recorded elsewhere, scanned again after other scans, is ctrl+o's
// again (scanning it is how one points at it); and the report says of an
// unexpected asset checked out that it is, not that it was moved here.
func TestStocktake_RescanToMoveAndCheckedOutInReport(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 8)
	shelf(t, db, 2)
	if _, err := db.Move(context.Background(), "TD-000003", "SHELF-A"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(context.Background(), "TD-000003", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000007") // recorded at HQ
	h.scan("TD-000003") // checked out: nothing to move
	h.press("ctrl+o")   // says why, not that it is not recorded elsewhere
	h.wantView("nothing to move: TD-000003 ")
	if strings.Contains(h.view(), "scan an asset recorded elsewhere") {
		t.Fatalf("ctrl+o after a checked-out asset:\n%s", h.view())
	}
	h.scan("TD-000007") // again, to move it
	h.wantView("TD-000007 already scanned: not counted twice; recorded at HQ: ctrl+o moves")
	h.press("ctrl+o")
	if a := h.asset("TD-000007"); a.LocationCode != "SHELF-A" {
		t.Fatalf("ctrl+o after a re-scan left TD-000007 at %s", a.LocationCode)
	}
	// ctrl+o again: nothing to move, and not the checked-out one's reason
	// from before (a review found it stale).
	h.press("ctrl+o")
	if v := h.view(); strings.Count(v, "nothing to move: TD-000003") != 1 {
		t.Fatalf("ctrl+o named a stale asset:\n%s", v) // (once, in the log: the first ctrl+o)
	}
	h.press("ctrl+g")
	h.typeSlow("y")
	h.wantView("TD-000003 Latitude 5440 checked out to Alice Smith", "TD-000007 Latitude 5440 recorded here")
	if strings.Contains(h.view(), "TD-000003 Latitude 5440 moved here") {
		t.Errorf("the report says a checked-out asset was moved here:\n%s", h.view())
	}
}

// Keys at the question "Finish?": a key pressed while the help covers it
// only closes the help (enter does not answer it unseen), and q is typed
// into the field, not a quit.
func TestStocktake_ConfirmKeys(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.press("ctrl+g")
	h.wantView("Finish? 2 not found")
	h.press("f1")
	h.wantView("Keys: Stocktake")
	h.press("enter")
	h.wantView("Finish? 2 not found")
	if a := h.asset("TD-000001"); a.Status == store.StatusMissing {
		t.Fatal("enter behind the help finished the count")
	}
	h.typeSlow("q")
	if h.quit {
		t.Fatal("q at the question quit")
	}
	h.wantView("› q")
}

// From a desk-day hunt: the first tags scanned while the count was still
// opening were each taken for a location to count, refused, and their
// assets marked missing at the finish. They are counted once it is open.
func TestStocktake_ScansWhileOpeningAreCounted(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	shelf(t, db, 4)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.hold = true
	h.send(scanMsg{code: "SHELF-A"})
	h.send(scanMsg{code: "TD-000001"})
	h.send(scanMsg{code: "TD-000002"})
	h.hold = false
	if len(h.pending) != 1 {
		t.Fatalf("%d commands: the tags scanned while opening started counts of their own", len(h.pending))
	}
	h.wantView("opening the stocktake of SHELF-A… 2 scan(s) waiting")
	// esc while they wait says so first (the count may have started).
	h.press("esc")
	h.wantView("2 scan(s) wait for the count to open: esc again leaves them uncounted")
	if h.title() != "Stocktake" {
		t.Fatalf("one esc left the screen with scans waiting: %q", h.title())
	}
	h.release()
	h.wantView("expected 4", "found 2", "missing 2", "✓ TD-000002")
	if st, err := db.CurrentStocktake(context.Background(), "SHELF-A"); err != nil || st.Found != 2 {
		t.Fatalf("the store's count: %+v, %v", st, err)
	}

	// A count that does not open says the scans made meanwhile were not
	// counted, rather than dropping them unseen.
	h.press("esc")
	h.press("esc")
	h.typeSlow("s")
	h.hold = true
	h.send(scanMsg{code: "NO-SUCH-PLACE"})
	h.send(scanMsg{code: "TD-000003"})
	h.hold = false
	h.release()
	h.wantView(`no location "NO-SUCH-PLACE" (by code or name) · not counted: TD-000003`)
}

// A disposed laptop found on the shelf: the report says it is disposed,
// not only where it is recorded.
func TestStocktake_ReportNamesStatusOfUnexpected(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	shelf(t, db, 2)
	ctx := context.Background()
	if _, err := db.Retire(ctx, "TD-000004", "broken"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Dispose(ctx, "TD-000004", store.Disposal{Method: "shredded"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000001")
	h.scan("TD-000002")
	h.scan("TD-000004")
	h.press("ctrl+g")
	h.typeSlow("y")
	h.wantView("Unexpected (1)", "TD-000004 Latitude 5440 disposed, recorded at HQ")
}

// The counters add up: what is installed in an asset found (a dock in a
// laptop on the shelf) is neither found nor missing, and counted apart.
func TestStocktake_CountersAddUp(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 3)
	if _, err := db.CheckOut(context.Background(), "TD-000002", "TD-000001", ""); err != nil {
		t.Fatal(err) // TD-000002 installed in TD-000001
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000001")
	h.wantView("expected 3  found 1  missing 1  unexpected 0  unknown 0  inside/away 1")
}

// From a hunt of the screens: the newest scan's line was cut at 80
// columns, and what it says to do is at its end ("check it in if it is
// back"): it goes on a second line.
func TestStocktake_LatestLineWraps(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 8)
	shelf(t, db, 3)
	ctx := context.Background()
	if _, err := db.UpdatePerson(ctx, "B1001", map[string]string{"name": "Alice Smith-Featherstonehaugh-Cholmondeley"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-000002", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("expected 2")
	h.scan("TD-000002")
	h.wantView("check it in if it is back")
}

// From a hunt of the screens: with Home open, a check-out on the command
// line showed in the header's pending figure and not in Home's own figures
// (stale until a key): they read again when the desk's pending changes.
func TestHome_FiguresFollowChangesWhileOpen(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	before := h.view()
	if _, err := db.CheckOut(context.Background(), "TD-000003", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before, "deployed             0") {
		t.Fatalf("before:\n%s", before)
	}
	h.advance(6 * time.Second)
	after := h.view()
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(after, "deployed             1") || !strings.Contains(after, fmt.Sprintf("Pending sync: %d event(s)", st.Pending)) {
		t.Errorf("Home's figures after a check-out made elsewhere (%d pending):\n%s", st.Pending, after)
	}
}

// The shelf's own label scanned again during its count, or another
// place's, was kept as an unknown code: it is said, and nothing counted.
func TestStocktake_PlaceLabelScanCountsNothing(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.wantView("expected 2", "unknown 0")
	h.scan("SHELF-A")
	h.wantView("SHELF-A: the label of the place being counted: nothing recorded")
	h.scan("HQ")
	h.wantView("HQ: another place's label: finish this count to count it")
	h.scan("TD-000001")
	h.wantView("found 1", "unknown 0")
}
