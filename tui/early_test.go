package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// startSlow makes a harness whose start-up (opening the database) has not
// finished: its boot command is held until release.
func startSlow(t *testing.T, opt Options) *harness {
	t.Helper()
	db := newTestDB(t)
	seed(t, db, 3)
	clk := &fakeClock{now: epoch}
	opt.Clock, opt.Location = clk, time.UTC
	h := &harness{t: t, clk: clk, db: db, m: New(context.Background(), db, opt)}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.hold = true
	h.run(h.m.Init())
	h.hold = false
	return h
}

// From the session's not-done list: a scan made while the desk was still
// starting (the database opening) was dropped, key by key, and the rest
// of it, if any, went to the first screen as typing. It is kept and acts
// once the first screen is open.
func TestScanWhileStartingIsKept(t *testing.T) {
	h := startSlow(t, Options{Operator: "tester"})
	for _, r := range "TD-000002" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.send(enterKey)
	h.clk.now = h.clk.now.Add(200 * time.Millisecond) // the database opens
	h.release()
	h.advance(100 * time.Millisecond)
	h.wantView("TD-000002", "Latitude 5440")
	if !strings.Contains(h.title(), "TD-000002") {
		t.Errorf("screen %q, want the asset TD-000002 the scan named", h.title())
	}
}

// Keys typed by hand while the desk starts stay typing (each at the time it
// came): not taken for a scan, not lost.
func TestTypingWhileStartingStaysTyping(t *testing.T) {
	h := startSlow(t, Options{Operator: "tester"})
	h.send(keyFor('/')) // find
	h.clk.now = h.clk.now.Add(150 * time.Millisecond)
	for _, r := range "smith" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(150 * time.Millisecond)
	}
	h.release()
	h.advance(time.Second)
	if !strings.Contains(strings.ToLower(h.title()), "find") {
		t.Fatalf("screen %q, want find", h.title())
	}
	h.wantView("smith")
}

// A scanner set to end its codes with a line feed (ctrl+j as the terminal
// delivers it), and a scan typed while the terminal was still in line
// mode as the desk started (its Enter turned into a line feed), were
// "fast input without Enter" and lost: a line feed ends a scan too, and
// the LF of a CR LF suffix does nothing more.
func TestLineFeedEndsAScan(t *testing.T) {
	ctrlJ := tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl}
	for _, suffix := range [][]tea.KeyPressMsg{{ctrlJ}, {enterKey, ctrlJ}} {
		db := newTestDB(t)
		seed(t, db, 3)
		h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
		h.typeSlow("o") // check out
		for _, code := range []string{"B1001", "TD-000001", "TD-000002"} {
			for _, r := range code {
				h.send(keyFor(r))
				h.clk.now = h.clk.now.Add(2 * time.Millisecond)
			}
			for _, k := range suffix {
				h.send(k)
			}
			h.advance(100 * time.Millisecond)
		}
		for _, tag := range []string{"TD-000001", "TD-000002"} {
			if a := h.asset(tag); a.Custodian != "B1001" {
				t.Errorf("suffix %v: %s held by %q, want B1001", suffix, tag, a.Custodian)
			}
		}
		if h.bells != 0 {
			t.Errorf("suffix %v: %d bells", suffix, h.bells)
		}
	}
}
