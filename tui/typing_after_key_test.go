package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// A typist on Home presses / (find) and types a query at ordinary speed,
// two letters of it 30 ms apart (a rollover: "la"). Before f72ff9f the /
// acted after 40 ms, Find opened and the query went into its field. Now
// the / is held 120 ms, the letters join it into one burst with no Enter,
// and the whole is dropped as "ignored fast input without Enter": Find
// never opens and the letters are lost.
func TestRev16_ShortcutThenFastTypingLost(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('/'))
	h.advance(70 * time.Millisecond)
	h.send(keyFor('l'))
	h.advance(30 * time.Millisecond)
	h.send(keyFor('a'))
	h.advance(300 * time.Millisecond)
	if !strings.HasPrefix(h.title(), "Find") {
		t.Fatalf("/ then \"la\" typed (l 70 ms after /, a 30 ms after l) on Home: title %q, want Find:\n%s", h.title(), h.view())
	}
}

// The same on an asset's screen: e (edit field) then text typed quickly
// after it: the e and the text are dropped as "ignored fast input".
func TestRev16_EditThenFastTypingLost(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	if h.title() != "Asset TD-000001" {
		t.Fatalf("scan: %q", h.title())
	}
	h.send(keyFor('e'))
	h.advance(70 * time.Millisecond)
	h.send(keyFor('b'))
	h.advance(30 * time.Millisecond)
	h.send(keyFor('r'))
	h.advance(300 * time.Millisecond)
	if strings.Contains(h.view(), "ignored fast input") {
		t.Fatalf("e then \"br\" typed on the asset screen: the e (edit) and the text were dropped:\n%s", h.view())
	}
}

// A key typed on Home, then a scan begun within the pause window (a clerk
// pressing i for check in and pulling the trigger): before f72ff9f the i
// acted at 40 ms and the scan checked the asset in. Now the i is the
// scan's first character: "iTD-000001" is looked up on Home, and nothing
// is checked in.
func TestRev16_KeyThenScanMerged(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	ctx := context.Background()
	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('i'))
	h.advance(100 * time.Millisecond)
	h.scan("TD-000001")
	if h.title() != "Check in" {
		t.Fatalf("i then a scan 100 ms later on Home: title %q (bells %d), want Check in:\n%s", h.title(), h.bells, h.view())
	}
}

// With scan_gap_ms 100 (the README's advice for slow scanners and remote
// links) the window is 300 ms: a person's i and a scan 250 ms later merge.
func TestRev16_KeyThenScanMergedGap100(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk", ScanGap: 100 * time.Millisecond}, 80, 24)
	h.send(keyFor('i'))
	h.advance(250 * time.Millisecond)
	h.scan("TD-000001")
	if h.title() != "Check in" {
		t.Fatalf("i then a scan 250 ms later on Home (gap 100 ms): title %q (bells %d):\n%s", h.title(), h.bells, h.view())
	}
}

// A typist on Home presses / and then the first letter of the query 70 ms
// later (no rollover, not a burst). The two keys are now held together and
// given back in one go, both to Home: the l is Home's labels shortcut, not
// the query's first letter. Before f72ff9f the / acted at 40 ms, Find was
// open when the l came, and the l went into its field.
func TestRev16_SecondKeyActsOnHome(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('/'))
	h.advance(70 * time.Millisecond)
	h.send(keyFor('l'))
	h.advance(300 * time.Millisecond)
	if !strings.HasPrefix(h.title(), "Find") || !strings.Contains(h.view(), "find: l") {
		t.Fatalf("/ then l 70 ms later on Home: title %q, want Find with \"l\" typed:\n%s", h.title(), h.view())
	}
}

// A key pressed on Home while a navigation is under way (a scan's lookup
// opening an asset, say) is held for the pause window, then acts on the
// screen that opened in the meantime, as typing in its field: pressed on
// Home, it lands in Find's query. (The same could happen in the 40 ms
// window before f72ff9f; the window is now three times as long.)
func TestRev16_HeldKeyActsOnNewScreen(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('o'))
	h.advance(60 * time.Millisecond)
	h.send(navigateMsg{to: scrFind})
	h.advance(300 * time.Millisecond)
	if strings.Contains(h.view(), "find: o") {
		t.Fatalf("o pressed on Home acted on Find (typed into its query):\n%s", h.view())
	}
}

// q (quit) pressed on Home, then ctrl+c 80 ms later by someone who saw
// nothing happen: the q is still held, so ctrl+c says "text is being
// typed: ctrl+c again" instead of quitting. Before f72ff9f q had quit at
// 40 ms.
func TestRev16_QThenCtrlC(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('q'))
	h.advance(80 * time.Millisecond)
	h.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if strings.Contains(h.m.note, "text is being typed") {
		t.Fatalf("q then ctrl+c 80 ms later: %q", h.m.note)
	}
}
