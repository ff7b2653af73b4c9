package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// From a desk-day hunt: a scan the asset screen's check-out, move or swap
// prompt refused (a mistyped badge, a badge where a place was asked) closed
// the prompt, so the corrected scan opened that person or place instead of
// answering it, and nothing was done. The prompt asks again.
func TestDetail_RefusedScanAsksAgain(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.typeSlow("o")
	h.scan("B9999")
	h.wantView(`no person, location or asset "B9999"`, "check out to (scan a badge")
	h.scan("B1001")
	if h.title() != "Asset TD-000001" {
		t.Fatalf("the corrected badge opened %q", h.title())
	}
	if a := h.asset("TD-000001"); a.Status != store.StatusDeployed || a.CustodianName != "Alice Smith" {
		t.Fatalf("TD-000001 %s to %q, want checked out to Alice Smith", a.Status, a.CustodianName)
	}
	h.wantView("TD-000001 checked out to B1001")

	// A swap's replacement mistyped (a letter O for a zero), then scanned.
	h.typeSlow("w")
	h.scan("TD-00O002")
	h.wantView("no asset has the tag or serial TD-00O002", "swap: scan its replacement")
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.CustodianName != "Alice Smith" {
		t.Fatalf("the replacement went to %q", a.CustodianName)
	}
	if a := h.asset("TD-000001"); a.Status == store.StatusDeployed {
		t.Fatalf("TD-000001 still %s after the swap", a.Status)
	}

	// A move answered with a badge, then with a place.
	h.press("esc")
	h.scan("TD-000003")
	h.typeSlow("m")
	h.scan("B1002")
	h.wantView(`no location "B1002"`, "move to location")
	h.scan("SHELF-A")
	if h.title() != "Asset TD-000003" {
		t.Fatalf("the place scanned opened %q", h.title())
	}
	if a := h.asset("TD-000003"); a.LocationCode != "SHELF-A" {
		t.Fatalf("TD-000003 at %s, want SHELF-A", a.LocationCode)
	}
	// esc still cancels an asked-again prompt.
	h.typeSlow("m")
	h.scan("B1002")
	h.press("esc")
	if v := h.view(); strings.Contains(v, "move to location") {
		t.Fatalf("esc left the prompt open:\n%s", v)
	}
}

// From a desk-day hunt: an asset back from repair could not be put back in
// stock on the screen (check-in refuses it: it is not out), only with
// tagdesk status. t sets in stock, in repair or missing, as the store
// allows from where it is, with a reason; the action line offers what the
// asset's state allows.
func TestDetail_StatusBackFromRepair(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	if _, err := db.SetStatus(t.Context(), "TD-000001", store.StatusInRepair, "screen"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.wantView("t status · m move · e edit · x retire")
	if strings.Contains(h.view(), "o check out ·") {
		t.Errorf("an asset in repair offers a check-out:\n%s", h.view())
	}
	h.typeSlow("t")
	h.wantView("set in stock (tab changes)")
	h.press("tab")
	h.wantView("set missing (tab changes)")
	h.press("tab")
	h.wantView("set in stock (tab changes)")
	h.typeSlow("new screen")
	h.press("enter")
	if a := h.asset("TD-000001"); a.Status != store.StatusInStock {
		t.Fatalf("after t: %s", a.Status)
	}
	h.wantView("TD-000001 now in stock", "in repair → in stock: new screen")
	// A disposed asset offers nothing it would refuse.
	if _, err := db.Retire(t.Context(), "TD-000002", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Dispose(t.Context(), "TD-000002", store.Disposal{Method: "shredded"}); err != nil {
		t.Fatal(err)
	}
	h.scan("TD-000002")
	h.wantView("disposed: a disposal is final")
	h.typeSlow("t")
	h.wantView("TD-000002 is disposed: no status to set here (a disposal is final)")
	// e, m and o say so at the key, not after a prompt (a review).
	for _, k := range []string{"e", "m", "o"} {
		h.typeSlow(k)
		if v := h.view(); strings.Contains(v, "Edit which field?") || strings.Contains(v, "move to location") || strings.Contains(v, "check out to") {
			t.Fatalf("%s on a disposed asset opened a prompt:\n%s", k, v)
		}
		h.wantView("TD-000002 is disposed: a disposal is final")
	}
}

// From a desk-day hunt: a badge scanned on Find at a shelf listed what the
// person holds at that shelf (nothing), under "Holdings of"; a scan says
// what to list, a place's assets or a person's holdings.
func TestFind_ScanReplacesTheOtherFilter(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	holdFor(t, db, "B1001", "", "TD-000001", "TD-000002")
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("SHELF-A")
	if h.title() != "Find at SHELF-A" {
		t.Fatalf("screen %q", h.title())
	}
	h.scan("B1001")
	h.wantView("TD-000001", "TD-000002")
	if v := h.view(); strings.Contains(v, "at: SHELF-A") {
		t.Fatalf("the place stayed a filter of the holdings:\n%s", v)
	}
}

// After a review: a check-in prompt's refused place scan asks again (the
// corrected scan opened the place, and nothing was checked in); a scan
// typed over in a reason field is the person's reason; the status prompt's
// warning names its own action.
func TestDetail_CheckInAsksAgainAndTypedOverScan(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	shelf(t, db, 1)
	holdFor(t, db, "B1001", "", "TD-000002")
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.scan("TD-000002")
	h.typeSlow("i")
	h.scan("SHELF-X")
	h.wantView(`no location "SHELF-X"`, "check in, ok (tab changes)")
	h.scan("SHELF-A")
	if h.title() != "Asset TD-000002" {
		t.Fatalf("the corrected place scan opened %q", h.title())
	}
	if a := h.asset("TD-000002"); a.Status != store.StatusInStock || a.LocationCode != "SHELF-A" {
		t.Fatalf("TD-000002 %s at %s", a.Status, a.LocationCode)
	}
	// A scan landing in the reason, typed over: one Enter retires.
	h.typeSlow("x")
	for _, r := range "TD-000001" { // a burst whose Enter never came
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.advance(400 * time.Millisecond)
	h.wantView("retire: reason", "TD-000001")
	for range "TD-000001" {
		h.press("backspace")
	}
	h.typeSlow("dead")
	h.press("enter")
	if a := h.asset("TD-000002"); a.Status != store.StatusRetired {
		t.Fatalf("a reason typed over a scan did not retire: %s\n%s", a.Status, h.view())
	}
}

// From a lifecycle hunt: refusals shown on the screens told the clerk to
// run command lines ("take it out first (tagdesk checkin TD-33)").
func TestErrTextSaysTheScreensWay(t *testing.T) {
	for in, want := range map[string]string{
		"TD-33 is installed in TD-1: take it out first (tagdesk checkin TD-33), or move TD-1, which takes it along":                         "TD-33 is installed in TD-1: take it out first, or move TD-1, which takes it along",
		"TD-1 is marked missing, not checked out: found, it goes back in stock with tagdesk status TD-1 in_stock, or by a stocktake's scan": "TD-1 is marked missing, not checked out: found, it goes back in stock with t (status) on its asset screen, or by a stocktake's scan",
	} {
		if got := errText(store.Errorf(store.EINVALID, "%s", in)); got != want {
			t.Errorf("errText(%q) = %q", in, got)
		}
	}
}

// Opening a long note in the asset screen's editor and pressing enter
// without typing must not cut it: the field kept only its first 256
// characters and saved them as "notes changed".
func TestDetail_EditKeepsLongNotes(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	long := strings.Repeat("Line of a long repair log entry. ", 30) + "THE END"
	if _, err := db.UpdateAsset(t.Context(), "TD-000001", map[string]string{"notes": long}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.typeSlow("e")
	h.wantView("Edit which field?")
	h.press("down")
	h.press("down")
	h.press("enter")
	h.wantView("notes: ")
	h.typeSlow("!")
	h.press("enter")
	if got := h.asset("TD-000001").Notes; got != long+"!" {
		t.Fatalf("notes after an edit adding \"!\": %d characters, ending %q", len(got), got[max(0, len(got)-20):])
	}
}

// From a hunt of the screens with odd data: a note of several lines broke
// the asset screen's grid (its later lines at column 0, the next field on
// them), and custom field names cut to 11 characters looked alike.
func TestDetail_MultiLineNotesAndLongFieldNames(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.UpdateAsset(t.Context(), "TD-000001", map[string]string{
		"notes":                         "Screen replaced\nReturned by courier\tbox 3",
		"custom:MAC Address (Ethernet)": "3C:52:82:AA:BB:01",
		"custom:MAC Address (Wi-Fi)":    "3C:52:82:AA:BB:02",
	}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{80, 120} {
		h := newHarness(t, db, Options{Operator: "clerk"}, w, 24)
		h.scan("TD-000001")
		h.wantView("Screen replaced ⏎ Returned by", "3C:52:82:AA:BB:02", "3C:52:82:AA:BB:01")
		for _, l := range strings.Split(h.view(), "\n") {
			if strings.HasPrefix(l, "Returned") {
				t.Errorf("at %d columns a note's second line starts a line:\n%s", w, h.view())
			}
			// Each value beside a label that tells it from the other.
			if strings.Contains(l, `"`) { // (the history's lines)
				continue
			}
			if strings.Contains(l, "3C:52:82:AA:BB:02") && !strings.Contains(l, "Wi-Fi)") || strings.Contains(l, "3C:52:82:AA:BB:01") && !strings.Contains(l, "ernet)") {
				t.Errorf("at %d columns: %q", w, l)
			}
		}
	}
}
