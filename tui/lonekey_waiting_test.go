package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Esc typed while a scan after a lone key is looked up waits its turn
// behind the keys the person typed before it: it clears them, as esc does
// in the field. (Answered at once, ahead of them, it left them there.)
func TestLoneKey_EscDuringLookupStillClearsTypedText(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.scanHeld("TD-000001") // right after l: looked up, held
	if h.m.navCheck == nil {
		t.Fatal("no lookup: the test no longer tests what it says")
	}
	h.send(keyFor('a')) // a person types...
	h.advance(200 * time.Millisecond)
	h.send(keyFor('b'))
	h.advance(200 * time.Millisecond)
	h.press("esc") // ... and takes it back with esc
	h.release()
	h.advance(time.Second)
	s, ok := h.m.active().(*labelsScreen)
	if !ok {
		t.Fatalf("not on Labels: %q", h.titles())
	}
	if v := s.input.Value(); v != "" {
		t.Errorf("esc typed after %q during the lookup left it in the field: %q\n%s", "ab", v, h.view())
	}
}

// Ctrl+c with a lookup waiting counts a code a person typed into
// check-in's field and entered: check-in records it as it records a scan,
// and ctrl+c again would lose it.
func TestLoneKey_CtrlCCountsTypedEntryDuringLookup(t *testing.T) {
	h := checkInLent(t, 3)
	h.scanHeld("TD-000001")
	if h.m.navCheck == nil {
		t.Fatal("no lookup: the test no longer tests what it says")
	}
	for _, r := range "TD-000002" {
		h.send(keyFor(r))
		h.advance(120 * time.Millisecond) // a person typing
	}
	h.press("enter")
	h.press("ctrl+c")
	note := h.m.note
	h.release()
	h.advance(time.Second)
	recorded := 0
	for _, tag := range []string{"TD-000001", "TD-000002"} {
		if h.asset(tag).Status == "in_stock" {
			recorded++
		}
	}
	if !strings.Contains(note, fmt.Sprintf("%d scan(s)", recorded)) {
		t.Errorf("ctrl+c said %q; %d were recorded once the lookup ended", note, recorded)
	}
}
