package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// A burst just past 256 bytes (no prefix, no AIM identifier, which alone
// earn room for their framing) is longer than any code: with Enter, ending
// in a tag, it acts on nothing; without Enter it is dropped whole, not left
// in the field.
func TestScan_BurstJustPastTheLimit(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.scan("B1001")
	h.wantView("To: Alice Smith (B1001)")
	h.scan(strings.Repeat("J", 256) + "TD-000001")
	if a := h.asset("TD-000001"); a.Status != store.StatusInStock {
		t.Fatalf("TD-000001 after a 265-byte scan ending in its tag: %s", a.Status)
	}
	if h.bells != 1 {
		t.Errorf("bells %d after a 265-byte scan", h.bells)
	}
	if strings.Contains(fieldText(h.view()), "JJJJ") {
		t.Errorf("the 265-byte scan was left in the field:\n%s", h.view())
	}
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.Status != store.StatusDeployed {
		t.Fatalf("TD-000002 after it: %s", a.Status)
	}
	for range 265 {
		h.send(keyFor('K'))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.advance(300 * time.Millisecond)
	if strings.Contains(fieldText(h.view()), "KKKK") {
		t.Errorf("a 265-byte burst without Enter was left in the field:\n%s", h.view())
	}
}

// fieldText is the view's input line (the one the cursor mark starts).
func fieldText(view string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "›") {
			return l
		}
	}
	return ""
}
