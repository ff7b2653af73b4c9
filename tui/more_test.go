package tui

import (
	"context"
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

func TestScannerPrefix(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	if err := db.SetSetting(context.Background(), SettingScannerPrefix, "~"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	// Even typed slowly, input starting with the prefix is a scan.
	h.typeSlow("~TD-000002")
	h.press("enter")
	if h.title() != "Asset TD-000002" {
		t.Fatalf("screen %q after a slow prefixed scan", h.title())
	}
}

func TestScanInFocusedSearchField(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("/")
	h.typeSlow("lat")
	// A scan while the search field has focus opens the asset; the query
	// keeps what the person typed.
	h.scan("TD-000001")
	if h.title() != "Asset TD-000001" {
		t.Fatalf("screen %q", h.title())
	}
	h.press("esc")
	if f := h.m.active().(*findScreen); f.input.Value() != "lat" {
		t.Fatalf("query %q", f.input.Value())
	}
	// An unknown scan becomes the query.
	h.scan("SNQR0002")
	h.wantView("find: SNQR0002", "1 match(es)")
}

func TestCheckOut_DueDateAndHolderPick(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.typeSlow("bob")
	h.wantView("Bob Jones")
	h.press("down")
	h.press("enter")
	h.wantView("To: Bob Jones (B1002)")
	h.press("tab")
	h.typeSlow(epoch.AddDate(-1, 0, 0).Format("2006-01-02"))
	h.press("enter")
	h.wantView("has passed: what you check out")
	h.press("tab")
	h.press("ctrl+u")
	h.typeSlow("+14")
	h.press("enter")
	h.scan("TD-000001")
	want := epoch.AddDate(0, 0, 14).Format("2006-01-02")
	if a := h.asset("TD-000001"); a.DueDate != want || a.Custodian != "B1002" {
		t.Fatalf("due %q held by %q, want %s B1002", a.DueDate, a.Custodian, want)
	}
	h.wantView("due " + want)
	// A new badge scanned in the asset loop switches the holder.
	h.scan("B1001")
	h.wantView("To: Alice Smith (B1001)")
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.Custodian != "B1001" {
		t.Fatalf("held by %q", a.Custodian)
	}
}

func TestHome_Attention(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	ctx := context.Background()
	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", epoch.AddDate(0, 0, -3).Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, "TD-000002", map[string]string{"warranty_end": epoch.AddDate(0, 0, 30).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.wantView("1 overdue return(s)", "TD-000001 due 2026-10-30 Alice Smith", "1 warranty(ies) end within 90 days", "deployed             1")
}

func TestStyles_BackgroundAndNoColor(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(tea.BackgroundColorMsg{Color: color.White})
	if h.m.c.styles.dark {
		t.Error("a white background kept the dark styles")
	}
	plain := newHarness(t, db, Options{Operator: "clerk", NoColor: true}, 80, 24)
	if v := plain.m.render(); strings.Contains(v, "\x1b[38") || strings.Contains(v, "\x1b[48") {
		t.Errorf("NO_COLOR view has colours: %q", v[:min(200, len(v))])
	}
}

func TestQuitNeverWhileTyping(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("/")
	h.typeSlow("q?")
	if h.quit || h.m.showHelp {
		t.Fatal("q or ? acted as a shortcut in the search field")
	}
	h.wantView("find: q?")
	h.press("ctrl+c") // not while text is typed (TestCtrlCNotWhileTyping)
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c twice did not quit")
	}
}

func TestOpenAfterFirstFrame(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	opened := false
	clk := &fakeClock{now: epoch}
	m := New(context.Background(), nil, Options{Operator: "clerk", Clock: clk, Open: func(context.Context) (Store, error) {
		opened = true
		return db, nil
	}})
	h := &harness{t: t, clk: clk, db: db, m: m}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !strings.Contains(h.view(), "opening…") || opened {
		t.Fatalf("first frame before opening:\n%s", h.view())
	}
	h.run(m.Init())
	if !opened || h.title() != "Home" || m.Store() == nil {
		t.Fatalf("after boot: opened %v screen %q", opened, h.title())
	}

	bad := New(context.Background(), nil, Options{Operator: "clerk", Clock: clk, Open: func(context.Context) (Store, error) {
		return nil, store.Errorf(store.EINVALID, "not a database")
	}})
	hb := &harness{t: t, clk: clk, db: db, m: bad}
	hb.run(bad.Init())
	if !hb.quit || bad.Err() == nil || !strings.Contains(bad.Err().Error(), "not a database") {
		t.Fatalf("open failure: quit %v err %v", hb.quit, bad.Err())
	}
}

// The due date that applies is the one the field shows: tabbing out of it
// or scanning straight from it applies what was typed; a bad entry is
// refused and the field shows the date that still applies.
func TestCheckOut_DueFieldShowsWhatApplies(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.scan("B1002")
	h.press("tab")
	h.typeSlow("+7")
	h.press("tab") // out of the field without Enter
	h.scan("TD-000001")
	week := epoch.AddDate(0, 0, 7).Format("2006-01-02")
	if a := h.asset("TD-000001"); a.DueDate != week {
		t.Fatalf("due %q after tabbing out of +7, want %s", a.DueDate, week)
	}
	h.press("tab")
	h.press("ctrl+u")
	h.typeSlow("+3d")
	h.press("enter")
	h.wantView("is not a number of days", "still due "+week, "due: "+week)
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.DueDate != week {
		t.Fatalf("due %q after a refused entry, want the one shown (%s)", a.DueDate, week)
	}
	h.press("tab")
	h.press("ctrl+u")
	h.typeSlow("+2")
	h.scan("TD-000003") // straight from the due field
	two := epoch.AddDate(0, 0, 2).Format("2006-01-02")
	if a := h.asset("TD-000003"); a.DueDate != two {
		t.Fatalf("due %q scanning from the field, want %s", a.DueDate, two)
	}
	h.press("tab")
	h.press("ctrl+u")
	h.typeSlow("soon")
	h.scan("TD-000004")
	h.wantView("TD-000004: not checked out: the due date above is not a date")
	if a := h.asset("TD-000004"); a.Status == store.StatusDeployed {
		t.Fatal("checked out with a due date that is not a date")
	}
}

// At 60 columns a long attention line is cut alone, not every line of its
// column (the column no wider than what the left one leaves).
func TestHome_NarrowAttentionColumn(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	ctx := context.Background()
	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", epoch.AddDate(0, 0, -3).Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, "TD-000002", map[string]string{"warranty_end": epoch.AddDate(0, 0, 30).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 60, 20)
	h.wantView("1 warranty(ies) end within")
	for i, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, "Assets by status") && strings.HasSuffix(strings.TrimRight(l, " "), "…") {
			t.Errorf("line %d cut although it fits: %q", i, l)
		}
		if strings.Contains(l, "Pending sync") && strings.HasSuffix(strings.TrimRight(l, " "), "…") {
			t.Errorf("line %d cut although it fits: %q", i, l)
		}
	}
}

// ctrl+c does not quit while text is typed: it says how, and a second one
// quits.
func TestCtrlCNotWhileTyping(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("/")
	h.typeSlow("lat")
	h.press("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c quit while a search was being typed")
	}
	h.wantView("ctrl+c again to quit")
	h.press("ctrl+c")
	if !h.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
	// With nothing typed, one is enough.
	h2 := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h2.press("ctrl+c")
	if !h2.quit {
		t.Fatal("ctrl+c on Home did not quit")
	}
}

// A long opening (the search index rebuilt after an upgrade: a minute at
// 1M assets) showed only "opening…": what the store says it is doing is
// shown under it until the desk opens.
func TestOpeningSaysWhatItDoes(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	clk := &fakeClock{now: epoch}
	m := New(context.Background(), nil, Options{Operator: "clerk", Clock: clk, Open: func(context.Context) (Store, error) {
		return db, nil
	}})
	h := &harness{t: t, clk: clk, db: db, m: m}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.send(OpeningMsg{Text: "rebuilding the search index of 1000000 assets (once, after an upgrade: about a minute per million assets)..."})
	if v := h.view(); !strings.Contains(v, "opening…") || !strings.Contains(v, "rebuilding the search index of 1000000 assets") || !strings.Contains(v, "a minute per million assets)...") {
		t.Fatalf("opening with a notice:\n%s", v)
	}
	h.run(m.Init())
	if h.title() != "Home" || strings.Contains(h.view(), "rebuilding") {
		t.Fatalf("after boot:\n%s", h.view())
	}
}
