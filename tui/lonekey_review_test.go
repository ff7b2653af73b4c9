package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Tests from a review of the lone first key's lookup (lonekey.go).

// A person presses i, then scans at once with the database busy (the
// lookup held too), then tab and esc: what comes of it (no view checked
// while held).
func TestLoneKey_EscAndTabOutcomeRightAfterShortcut(t *testing.T) {
	h := checkInLent(t, 3)
	h.scanHeld("TD-000001", "TD-000002")
	h.press("tab")
	h.press("esc")
	t.Logf("while held: recording=%d early=%d note=%q", h.m.recording(), len(h.m.early), h.m.note)
	h.release()
	h.advance(time.Second)
	t.Logf("after release: %q\n%s", h.titles(), h.view())
	for tag, want := range map[string]store.Status{"TD-000001": store.StatusInStock, "TD-000002": store.StatusInStock} {
		if a := h.asset(tag); a.Status != want {
			t.Errorf("%s is %s, want %s", tag, a.Status, want)
		}
	}
}

// The same on Labels: scans right after l, held, then esc.
func TestLoneKey_LabelsOutcomeRightAfterShortcut(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.scanHeld("TD-000001", "TD-999999", "TD-000002")
	h.press("esc")
	h.release()
	h.advance(time.Second)
	h.wantView("queued a label for TD-000002", "refused before it: TD-999999")
	if got := strings.Join(queuedTags(t, db), ","); got != "TD-000001,TD-000002" {
		t.Errorf("queued %q", got)
	}
	if h.title() != "Labels" {
		t.Errorf("esc typed while scans waited left Labels: %q", h.titles())
	}
}

// How long after a person's shortcut a scan still goes through the
// lone-key lookup (logged, not asserted): with the default gap and with
// scan_gap_ms 100 (the README's advice for slow scanners and remote links).
func TestLoneKey_LookupWindowAfterShortcut(t *testing.T) {
	for _, gap := range []time.Duration{0, 100 * time.Millisecond} {
		for _, after := range []time.Duration{100, 150, 170, 250, 350, 450} {
			db := newTestDB(t)
			seed(t, db, 2)
			clearQueue(t, db)
			o := labelsOptions(&fakePrinter{db: db})
			o.ScanGap = gap
			h := newHarness(t, db, o, 80, 24)
			h.send(keyFor('l'))
			h.advance(after * time.Millisecond)
			h.hold = true
			h.scan("TD-000001")
			t.Logf("gap %v, scan %d ms after l: lookup waiting=%v", gap, after, h.m.navCheck != nil)
			h.release()
		}
	}
}

// With a lookup waiting, ctrl+c counts the scans waiting, not a person's
// Tab (a check-in's condition) queued behind them.
func TestLoneKey_CtrlCCountsOnlyScansWaiting(t *testing.T) {
	h := checkInLent(t, 3)
	h.scanHeld("TD-000001", "TD-000002")
	h.press("tab")
	h.press("ctrl+c")
	if !strings.Contains(h.m.note, "2 scan(s) still being recorded") {
		t.Errorf("ctrl+c with 2 scans waiting says %q", h.m.note)
	}
	h.release()
}

// With the help shown, a scanner pausing after a code's first key: the
// key only closes the help; the whole code opens what it names (the rest
// alone was scanned and refused).
func TestLoneKey_FirstKeyClosingHelpTakenBack(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.press("f1")
	if !h.m.showHelp {
		t.Fatal("no help")
	}
	h.scanLoneFirst("TD-000002", 60*time.Millisecond)
	h.wantStack("help shown, T, 60 ms, D-000002 on Home", "Home", "Asset TD-000002")
	if h.m.showHelp {
		t.Error("the help came back")
	}
	// A person's letter with the help shown still only closes it.
	h.press("f1")
	h.typeSlow("p")
	h.wantStack("help shown, p typed", "Home", "Asset TD-000002")
	if h.m.showHelp {
		t.Error("p left the help shown")
	}
}

// The same on a screen with a field (check-in): the code is checked in.
func TestLoneKey_FirstKeyClosingHelpTakenBackInField(t *testing.T) {
	h := checkInLent(t, 1)
	h.press("f1")
	h.scanLoneFirst("TD-000001", 60*time.Millisecond)
	h.advance(time.Second)
	if a := h.asset("TD-000001"); a.Status != store.StatusInStock || h.bells != 0 {
		t.Fatalf("help shown, T, 60 ms, D-000001 on check-in: %s, %d bells:\n%s", a.Status, h.bells, h.view())
	}
}

// Keys a person typed while a scan after a lone key was looked up are
// given out again as they came: two keys 100 ms apart stay two keys (they
// came back as one burst, which a screen without a field ignored).
func TestLoneKey_KeysTypedDuringLookupStayKeys(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000002")
	h.wantStack("a scan on Home", "Home", "Asset TD-000002")
	h.send(keyFor('j')) // scroll: only navigates (navHere)
	h.advance(60 * time.Millisecond)
	h.hold = true       // the lookup is slow
	h.scan("TD-000001") // a scan right after: looked up
	if h.m.navCheck == nil {
		t.Fatal("no lookup")
	}
	h.send(keyFor('o')) // a person: o ...
	h.advance(100 * time.Millisecond)
	h.send(keyFor('x')) // ... then another key 100 ms later
	h.advance(100 * time.Millisecond)
	h.release()
	h.advance(time.Second)
	if strings.Contains(h.view(), "ignored fast input") {
		t.Fatalf("a person's keys typed during the lookup were ignored as a burst:\n%s", h.view())
	}
}

// The asset screen's i on an asset in stock refuses with a bell; a
// scanner pausing after the i of a place's code opens the place (the key
// taken back) without the refusal's bell: a good scan does not sound
// refused. A person's i alone still rings, once.
func TestLoneKey_TakenBackRefusalDoesNotRing(t *testing.T) {
	db := loneFirstDB(t)
	if _, err := db.AddLocation(context.Background(), "IT-ROOM", "IT room", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000002")
	h.wantStack("a scan on Home", "Home", "Asset TD-000002")
	h.scanLoneFirst("it-room", 60*time.Millisecond)
	if !strings.HasPrefix(h.title(), "Find") || h.bells != 0 {
		t.Fatalf("i, 60 ms, t-room on an asset in stock: %q (%d bells):\n%s", h.titles(), h.bells, h.view())
	}
	h.press("esc")
	if h.title() != "Asset TD-000002" {
		t.Fatalf("esc: %q", h.titles())
	}
	h.typeSlow("i")
	h.advance(time.Second)
	if h.bells != 1 {
		t.Errorf("i typed alone on an asset in stock: %d bells, want 1:\n%s", h.bells, h.view())
	}
	// The same key, then a scan that does not continue it: the refusal
	// rings, and the scan acts.
	h.bells = 0
	h.send(keyFor('i'))
	h.advance(60 * time.Millisecond)
	h.scan("TD-000001")
	h.advance(time.Second)
	if h.bells != 1 || h.title() != "Asset TD-000001" {
		t.Errorf("i then TD-000001: %q, %d bells, want the asset and 1 bell:\n%s", h.titles(), h.bells, h.view())
	}
}
