package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// scanLate types code at scanner speed and sends its suffix (Enter, or
// Tab) after pause: a scanner pausing before its suffix, a remote link.
func (h *harness) scanLate(code string, pause time.Duration, suffix tea.KeyPressMsg) {
	h.t.Helper()
	for _, r := range code {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.advance(pause)
	h.send(suffix)
	h.advance(150 * time.Millisecond)
}

// A scan whose Enter comes up to three key windows late is still one
// scan: the Enter never passes alone as a key, where it would answer the
// question on screen (confirm a retirement with the code as its reason)
// or be lost (Home).
func TestScan_LateEnterIsStillAScan(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	for _, pause := range []time.Duration{50 * time.Millisecond, 70 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond} {
		h.press("esc")
		h.scanLate("TD-000002", pause, enterKey)
		if h.title() != "Asset TD-000002" || h.bells != 0 {
			t.Fatalf("Enter %v late on Home: %q (%d bells)\n%s", pause, h.title(), h.bells, h.view())
		}
	}
	h.typeSlow("x")
	h.wantView("retire: reason")
	h.scanLate("TD-000001", 70*time.Millisecond, enterKey)
	if a := h.asset("TD-000002"); a.Status != store.StatusInStock {
		t.Fatalf("a late Enter in the retire prompt: TD-000002 is %s", a.Status)
	}
	if h.title() != "Asset TD-000001" {
		t.Fatalf("the scan opened %q", h.title())
	}
	// Check-in: a late Tab ends the scan; it does not change the condition
	// and leave the code in the field for the next scan to drop.
	if _, err := db.CheckOut(t.Context(), "TD-000003", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h.press("esc")
	h.typeSlow("i")
	h.scanLate("TD-000003", 70*time.Millisecond, tea.KeyPressMsg{Code: tea.KeyTab})
	if a := h.asset("TD-000003"); a.Status != store.StatusInStock {
		t.Fatalf("a scan with a late Tab in check-in: TD-000003 is %s\n%s", a.Status, h.view())
	}
	h.wantView("Condition: ok")
}

// From a desk-day hunt: an Enter later than a scan's late window (a slow
// link, a scanner that pauses) passed as a key, and retired the asset with
// the scanned code as its reason. Text that came as a burst needs a second
// Enter, pressed; a reason typed needs one.
func TestDetail_VeryLateEnterDoesNotRetire(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000002")
	h.typeSlow("x")
	h.scanLate("TD-000001", 400*time.Millisecond, enterKey)
	if a := h.asset("TD-000002"); a.Status != store.StatusInStock {
		t.Fatalf("an Enter 400 ms after a scan retired TD-000002 (%s)", a.Status)
	}
	h.wantView("that reason came as a scan", "retire: reason")
	h.press("enter")
	if a := h.asset("TD-000002"); a.Status != store.StatusRetired {
		t.Fatalf("a second Enter did not retire: %s\n%s", a.Status, h.view())
	}
	// A reason typed retires with one Enter.
	h.press("esc")
	h.scan("TD-000003")
	h.typeSlow("x")
	h.typeSlow("dead")
	h.press("enter")
	if a := h.asset("TD-000003"); a.Status != store.StatusRetired {
		t.Fatalf("a typed reason did not retire: %s\n%s", a.Status, h.view())
	}
}

// A burst that never ends in Enter (a scanner set to no suffix) does not
// answer the stocktake's finish question with its first key (y finishes,
// n goes back and eats it): it is ignored, and said.
func TestStocktake_BurstDoesNotAnswerFinish(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.press("ctrl+g")
	h.wantView("Finish? 2 not found")
	for _, r := range "yz-0099" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.advance(500 * time.Millisecond)
	if a := h.asset("TD-000001"); a.Status == store.StatusMissing {
		t.Fatal("a burst starting with y finished the count")
	}
	h.wantView("Finish? 2 not found", "answer it first")
	h.typeSlow("y")
	if a := h.asset("TD-000001"); a.Status != store.StatusMissing {
		t.Fatalf("y typed did not finish: %s\n%s", a.Status, h.view())
	}
}

// A bad scan in the receive setup, after an order was chosen, leaves the
// order in its field: it still counts, so it shows.
func TestReceive_BadScanKeepsTheOrderShown(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.AddPurchaseOrder(t.Context(), "PO-7", "Dell", map[string]int{"LAT5440": 3}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("r")
	h.typeSlow("lat")
	h.press("enter")
	h.scan("PO-7")
	h.wantView("order PO-7: Latitude 5440 0/3")
	h.scan("ZZZNOPE99")
	h.wantView(`"ZZZNOPE99" is not a location code`, "order:    PO-7", "order PO-7: Latitude 5440 0/3")
	h.scan("SHELF-A")
	h.scan("NEW-SN-1")
	if a := h.asset("TD-000002"); a.PONumber != "PO-7" {
		t.Fatalf("received against %q", a.PONumber)
	}
}

// A person offboarded while their screen was open (from the command line,
// another desk) is refused as soon as the check-out opens from it, and a
// badge scanned mid-run for an offboarded person does not become the
// holder.
func TestCheckOut_OffboardedHolderRefusedAtOnce(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1002")
	h.wantView("Bob Jones")
	if _, err := db.Offboard(t.Context(), "B1002", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h.typeSlow("o")
	h.wantView("Bob Jones (B1002) has been offboarded")
	if strings.Contains(h.view(), "checking out to Bob") {
		t.Fatalf("an offboarded holder taken:\n%s", h.view())
	}
	h.press("esc")
	h.press("esc")
	h.typeSlow("o")
	h.scan("B1001")
	h.wantView("checking out to Alice Smith")
	h.scan("B1002")
	h.wantView("Bob Jones (B1002) has been offboarded")
	h.scan("TD-000001")
	if a := h.asset("TD-000001"); a.CustodianName != "Alice Smith" {
		t.Fatalf("TD-000001 went to %q\n%s", a.CustodianName, h.view())
	}
}

// Home's line about the last scan is of before once another screen has
// been used: coming back, it is gone.
func TestHome_OldScanMessageGoesOnReturn(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("NOSUCH-99")
	h.wantView("NOSUCH-99")
	h.typeSlow("r")
	h.press("esc")
	if h.title() != "Home" || strings.Contains(h.view(), "NOSUCH-99") {
		t.Fatalf("back on Home:\n%s", h.view())
	}
}

// The asset screen's check-in prompt is longer than 80 columns: it goes
// above the field, and what is typed shows.
func TestDetail_LongPromptLeavesRoomToType(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.CheckOut(t.Context(), "TD-000001", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.typeSlow("i")
	h.typeSlow("SHELF")
	h.wantView("check in, ok", "› SHELF")
	for _, l := range strings.Split(h.view(), "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Fatalf("a line of %d columns: %q", w, l)
		}
	}
}

// A print run's message at 80 columns is wrapped, not cut: what to do is
// at its end. So is a refusal on the asset screen.
func TestLongMessagesWrapAt80(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002")
	p := &fakePrinter{db: db, fail: errors.New("no printer is set: tagdesk setting set printer URI (tcp://HOST:9100, cups://QUEUE, lp://QUEUE or a file path), or give one to this run")}
	h := newHarness(t, db, labelsOptions(p), 80, 24)
	h.typeSlow("l")
	h.press("ctrl+p")
	h.wantView("✗ printed 0, waiting 2", "or give one to this run")
	lines := strings.Split(h.view(), "\n")
	if len(lines) > 24 {
		t.Fatalf("%d lines at 80x24:\n%s", len(lines), h.view())
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 80 {
			t.Fatalf("a line of %d columns: %q", w, l)
		}
	}
}

// burst types s at scanner speed (2 ms a key), no Enter: a person's two
// keys pressed together.
func (h *harness) burst(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
}

// A person's quick pair of keys, then their Enter a moment later, is
// their typing: the Enter submits the whole field (a late suffix ends only
// a burst as long as a code). The operator's name, a search, a due date.
func TestLateEnterAfterAPersonsQuickKeysIsTheirs(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{}, 80, 24)
	h.typeSlow("jsmi")
	h.burst("th")
	h.advance(80 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	h.wantView("operator: jsmith")
	h.typeSlow("/")
	h.typeSlow("lat")
	h.burst("it")
	h.advance(80 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	if h.title() != "Asset TD-000001" {
		t.Fatalf("find latit + enter opened %q\n%s", h.title(), h.view())
	}
	h.press("esc")
	h.press("esc")
	h.typeSlow("o")
	h.scan("B1001")
	h.press("tab")
	h.typeSlow("+")
	h.burst("14")
	h.advance(80 * time.Millisecond)
	h.press("enter")
	h.advance(150 * time.Millisecond)
	h.wantView("due date 2026-11-16")
}

// The Enter of a burst refused whole (longer than any code, or with a
// stray control character inside), come late, is dropped with it: alone
// it confirmed the retire prompt with an empty reason.
func TestScan_LateEnterOfARefusedBurstIsDropped(t *testing.T) {
	for name, send := range map[string]func(h *harness){
		"too long": func(h *harness) {
			h.scanLate(strings.Repeat("A", store.MaxScanLen+20), 60*time.Millisecond, enterKey)
		},
		"stray key": func(h *harness) {
			h.burst("TD-0")
			h.send(tea.KeyPressMsg{Code: 'a', Mod: tea.ModCtrl})
			h.clk.now = h.clk.now.Add(2 * time.Millisecond)
			h.scanLate("00001", 60*time.Millisecond, enterKey)
		},
	} {
		t.Run(name, func(t *testing.T) {
			db := newTestDB(t)
			seed(t, db, 1)
			h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
			h.scan("TD-000001")
			h.typeSlow("x")
			h.wantView("retire: reason")
			send(h)
			if a := h.asset("TD-000001"); a.Status == store.StatusRetired {
				t.Fatalf("the late Enter of a refused burst retired TD-000001\n%s", h.view())
			}
		})
	}
}

// Check-out opened from the screen of someone offboarded since: they stay
// the holder, so that each asset scanned is refused (with no holder, the
// first asset scanned became it, and the next went into it).
func TestCheckOut_OffboardedPresetRefusesEveryAsset(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1002")
	h.wantView("Bob Jones")
	if _, err := db.Offboard(t.Context(), "B1002", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h.typeSlow("o")
	h.scan("TD-000001")
	h.scan("TD-000002")
	for _, tag := range []string{"TD-000001", "TD-000002"} {
		if a := h.asset(tag); a.Status != store.StatusInStock {
			t.Errorf("%s is %s, held by %q", tag, a.Status, a.Custodian)
		}
	}
}

// A stocktake line offers ctrl+o while ctrl+o is its own: after a found
// scan it still is; after another asset recorded elsewhere it is not, and
// the line says to scan it again.
func TestStocktake_MoveHintFollowsCtrlO(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 4)
	shelf(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 160, 30)
	h.typeSlow("s")
	h.scan("SHELF-A")
	h.scan("TD-000003")
	h.scan("TD-000001")
	h.wantView("TD-000003 Latitude 5440 is recorded at HQ: ctrl+o moves it here")
	h.scan("TD-000004")
	h.wantView("TD-000003 Latitude 5440 is recorded at HQ: scan it again for ctrl+o", "TD-000004 Latitude 5440 is recorded at HQ: ctrl+o moves it here")
	h.press("ctrl+o")
	if a := h.asset("TD-000004"); a.LocationCode != "SHELF-A" {
		t.Fatalf("ctrl+o did not move TD-000004:\n%s", h.view())
	}
	if a := h.asset("TD-000003"); a.LocationCode == "SHELF-A" {
		t.Fatal("ctrl+o moved TD-000003")
	}
	if strings.Contains(h.view(), "ctrl+o moves it here") {
		t.Fatalf("a line still offers ctrl+o after the move:\n%s", h.view())
	}
}
