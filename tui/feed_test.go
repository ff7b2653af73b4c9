package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The newest refusal wraps instead of losing its end (often the reason);
// older lines stay one row each, and the feed keeps its height.
func TestFeed_NewestRefusalWraps(t *testing.T) {
	var f feed
	f.ok("TD-000001 ← serial A1")
	f.ok("TD-000002 ← serial A2")
	f.refuse("FALUH57ZG4: serial FALUH57ZG4 is on order as TD-004850, a MacBook Pro 14 (M3 Pro), not a MacBook Air 13 (M2)")
	view := ansi.Strip(f.view(NewStyles(true, true), 60, 8))
	lines := strings.Split(view, "\n")
	if len(lines) != 8 {
		t.Fatalf("%d rows, want 8:\n%s", len(lines), view)
	}
	if !strings.Contains(view, "not a MacBook Air 13 (M2)") || !strings.Contains(view, "✓ TD-000002") {
		t.Errorf("feed:\n%s", view)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 60 {
			t.Errorf("row wider than 60: %q", l)
		}
	}
}
