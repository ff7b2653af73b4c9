package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/tagdesk/tagdesk/store"
)

// A fast typist's two quick pairs chain into a lead of four runes: the
// Person's own Enter becomes a scan of the pairs, and the field's earlier
// Text is dropped.
func TestTwoQuickPairsAreNotAScan(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{}, 80, 24)
	h.typeSlow("j")
	h.burst("sm")                    // rollover pair
	h.advance(60 * time.Millisecond) // pair given back at +40ms
	h.burst("it")                    // next pair 60ms later (20ms after the give-back)
	h.advance(60 * time.Millisecond)
	h.burst("h")
	h.advance(100 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	h.wantView("operator: jsmith")
}

// Same, 2 pairs only, at the find screen: "lat" typed + "it"+"ud"
func TestTwoQuickPairsFind(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("/")
	h.typeSlow("lat")
	h.burst("it")
	h.advance(60 * time.Millisecond)
	h.burst("ud")
	h.advance(100 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	if h.title() != "Asset TD-000001" {
		t.Fatalf("find latitud + enter opened %q\n%s", h.title(), h.view())
	}
}

// A burst given back, then a key that is not text (down to pick a
// Suggested person), then the person's Enter: the lead was kept across
// The arrow key, and the Enter became a scan of the burst.
func TestLeadSurvivesArrowKey(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.burst("al") // a person's two rollover pairs
	h.advance(60 * time.Millisecond)
	h.burst("ic")
	h.advance(60 * time.Millisecond)
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.advance(60 * time.Millisecond)
	h.press("enter")
	h.wantView("checking out to Alice Smith")
}

// A late suffix from the check-out's due field: the code went into the
// Due field as text, the scan then commits the due field holding it.
func TestLateEnterFromDueField(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.scan("B1001")
	h.wantView("checking out to Alice Smith")
	h.press("tab")
	h.scanLate("TD-000001", 70*time.Millisecond, enterKey)
	if a := h.asset("TD-000001"); a.Status != store.StatusDeployed {
		t.Fatalf("late Enter from the due field: TD-000001 is %s\n%s", a.Status, h.view())
	}
}

// The duplicate scan line keeps "ctrl+o moves it here" after ctrl+o
// Became another asset's.
func TestStocktakeDuplicateHintStale(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 160, 30)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000003")
	h.scan("TD-000003")
	h.scan("TD-000004")
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, "TD-000003") && strings.Contains(l, "ctrl+o moves it here") {
			t.Fatalf("a TD-000003 line still offers ctrl+o, which is TD-000004's:\n%s", h.view())
		}
	}
}

// A person types a name in two quick pairs and presses Enter: a scan
// (no name look-up), refused, where typed it finds Alice.
func TestTwoQuickPairsCheckOutName(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.burst("al")
	h.advance(60 * time.Millisecond)
	h.burst("ic")
	h.advance(100 * time.Millisecond)
	h.press("enter")
	h.wantView("checking out to Alice Smith")
}

// A burst given back, then esc to leave the screen, then Enter on
// Home: the Enter is a scan of the burst typed on the other screen.
func TestLeadSurvivesScreenChange(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("/")
	h.burst("TD-000002") // a scanner set to no suffix, or pasted without brackets
	h.advance(60 * time.Millisecond)
	h.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	h.advance(100 * time.Millisecond)
	h.press("enter")
	if h.title() != "Home" {
		t.Fatalf("an Enter on Home opened %q (the burst typed into Find before esc)", h.title())
	}
}

// An over-long burst whose hold timer ran late is ended by a person's
// Key after a pause (dropWhole in press): dropped is set after the line
// That clears it for "other input", so the person's own Enter that
// Follows their one key is swallowed.
func TestDroppedSurvivesTheNextKey(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{}, 80, 24)
	for i := 0; i < store.MaxScanLen+20; i++ {
		h.send(keyFor('A'))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.clk.now = h.clk.now.Add(100 * time.Millisecond) // the process was starved: no timer ran
	h.send(keyFor('x'))                               // the person's key, after a pause
	h.advance(100 * time.Millisecond)
	h.send(enterKey) // their Enter, 100 ms later
	h.advance(150 * time.Millisecond)
	if h.title() != "Home" {
		t.Fatalf("the person's x + Enter did not set the operator: %q\n%s", h.title(), h.view())
	}
}

// Check-out opened from the screen of someone already shown as
// Offboarded: the refusal is said twice (newCheckOut, then Init's re-read).
func TestOffboardedPresetRefusedTwice(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.Offboard(t.Context(), "B1002", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1002")
	h.wantView("Bob Jones")
	h.typeSlow("o")
	if n := strings.Count(h.view(), "has been offboarded"); n > 2 { // the feed line + one in the Refused list
		t.Fatalf("the refusal is said %d times:\n%s", n, h.view())
	}
}

// A late-suffix scan in the receive setup: the code went into the
// Focused setup field as text before the scan filled the setup.
func TestLateEnterReceiveSetup(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.AddPurchaseOrder(t.Context(), "PO-7", "Dell", map[string]int{"LAT5440": 3}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("r")
	h.scanLate("PO-7", 70*time.Millisecond, enterKey)
	t.Logf("\n%s", h.view())
}

// LeadFirst is set only when a burst starts a lead afresh; a burst that
// Follows a typed key (lead "") keeps the leadFirst of an older scanner
// Burst, and the person's Enter becomes a scan of their pair.
func TestLateSuffixNeedsAFreshLead(t *testing.T) {
	gap := 40 * time.Millisecond
	b := newScanBuffer(gap, "")
	now := time.Unix(1000, 0)
	press := func(k tea.KeyPressMsg) scanResult { r := b.press(k, now); return r }
	tick := func() scanResult { r := b.timeout(b.gen, now); return r }
	// a scanner's code, its Enter late: a scan (leadFirst = 6)
	for _, r := range "ABCD12" {
		press(keyFor(r))
		now = now.Add(2 * time.Millisecond)
	}
	now = now.Add(gap)
	tick()
	now = now.Add(60 * time.Millisecond)
	if r := press(tea.KeyPressMsg{Code: tea.KeyEnter}); r.scan != "ABCD12" {
		t.Fatalf("setup: late Enter gave %+v", r)
	}
	// seconds later a person types t, then the rollover pair "he", then Enter
	now = now.Add(5 * time.Second)
	press(keyFor('t'))
	now = now.Add(gap + time.Millisecond)
	tick() // t given back as typing: lead ""
	now = now.Add(20 * time.Millisecond)
	press(keyFor('h'))
	now = now.Add(10 * time.Millisecond)
	press(keyFor('e'))
	now = now.Add(gap + time.Millisecond)
	tick() // "he" given back as a burst following t: lead "he"
	now = now.Add(100 * time.Millisecond)
	r := press(tea.KeyPressMsg{Code: tea.KeyEnter})
	if r.scan != "" || !r.pass {
		t.Fatalf("the person's Enter after t+he became scan %q (late=%v), pass=%v", r.scan, r.late, r.pass)
	}
}

// The same at the screen: after one late-Enter scan, "lat" typed, "it" and
// "ud" rollover pairs and Enter search for "itud" by scan, not "latitud".
func TestLateSuffixNeedsAFreshLeadOnFind(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scanLate("TD-000002", 70*time.Millisecond, enterKey)
	h.t.Logf("after late scan: %q", h.title())
	h.press("esc")
	h.advance(200 * time.Millisecond)
	h.typeSlow("/")
	h.typeSlow("lat")
	h.burst("it")
	h.advance(60 * time.Millisecond)
	h.burst("ud")
	h.advance(100 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	if h.title() != "Asset TD-000001" {
		t.Fatalf("find latitud + enter opened %q\n%s", h.title(), h.view())
	}
}
