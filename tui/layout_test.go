package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

// screenSetups put the UI on each screen with some content.
var screenSetups = []struct {
	name  string
	setup func(h *harness)
	want  []string // must be visible at every size
}{
	{"home", func(h *harness) {}, []string{"Assets by status", "Needs attention", "r receive"}},
	{"checkout", func(h *harness) {
		h.typeSlow("o")
		h.scan("B1001")
		h.scan("TD-000001")
		h.scan("TD-000001")
	}, []string{"To: Alice Smith", "Checked out: 1", "Refused (1):"}},
	{"checkin", func(h *harness) {
		h.typeSlow("i")
		h.scan("TD-000002")
	}, []string{"Return to:", "Checked in: 0", "is not checked out"}},
	{"receive-setup", func(h *harness) { h.typeSlow("r") }, []string{"model:", "order:", "location:"}},
	{"receive-scanning", func(h *harness) {
		h.typeSlow("r")
		h.press("enter")
		h.press("enter")
		h.scan("HQ")
		h.scan("NEW-1")
	}, []string{"Received: 1", "← serial NEW-1"}},
	{"find", func(h *harness) { h.typeSlow("/"); h.typeSlow("lat") }, []string{"find: lat", "match(es)", "TD-000001"}},
	{"detail", func(h *harness) { h.scan("TD-000001") }, []string{"TD-000001", "History (1 event,", "received as TD-000001"}},
	{"detail-full-checkin", func(h *harness) {
		// An asset with every field and custom fields: the check-in prompt
		// and the history still show at 80x24.
		ctx := context.Background()
		if _, err := h.db.CheckOut(ctx, "TD-000001", "B1001", "2026-12-01"); err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.db.UpdateAsset(ctx, "TD-000001", map[string]string{"notes": "loaner pool, charger in drawer 3", "cost_centre": "CC-1", "order_number": "PO-9",
			"purchase_date": "2026-01-02", "purchase_cost": "1200", "currency": "EUR", "warranty_end": "2029-01-02", "eol_date": "2030-01-02", "next_audit": "2027-01-01",
			"custom:Asset owner": "Finance", "custom:Encryption": "BitLocker", "custom:BIOS password": "set", "custom:RAM": "16 GB", "custom:Storage": "512 GB"}); err != nil {
			h.t.Fatal(err)
		}
		h.scan("TD-000001")
		h.typeSlow("i")
	}, []string{"check in, ok", "History (3 events,", "cost_centre \"\" → \"CC-1\""}},
	{"people", func(h *harness) { h.typeSlow("p") }, []string{"Alice Smith", "B1002"}},
	{"help", func(h *harness) { h.typeSlow("?") }, []string{"Keys: Home", "check out"}},
}

var sizes = []struct{ w, h int }{{80, 24}, {100, 30}, {120, 40}, {200, 50}}

func checkLayout(t *testing.T, view string, w, h int, want []string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Errorf("%dx%d: line %d is %d cells wide: %q", w, h, i, got, l)
		}
	}
	plain := ansi.Strip(view)
	for _, s := range want {
		if !strings.Contains(plain, s) {
			t.Errorf("%dx%d: %q cut from the view:\n%s", w, h, s, plain)
		}
	}
}

func TestLayout_Sizes(t *testing.T) {
	for _, sc := range screenSetups {
		for _, sz := range sizes {
			// Unique names: a '#' in the database path would confuse SQLite's URI.
			t.Run(sc.name+"-"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				h := newHarness(t, newGoldenDB(t), Options{Operator: "clerk"}, sz.w, sz.h)
				sc.setup(h)
				checkLayout(t, h.m.render(), sz.w, sz.h, sc.want)
				// Resize down and up again: the layout follows.
				for _, r := range sizes {
					h.send(tea.WindowSizeMsg{Width: r.w, Height: r.h})
					checkLayout(t, h.m.render(), r.w, r.h, sc.want)
				}
			})
		}
	}
}

func TestViews_Golden(t *testing.T) {
	for _, sc := range screenSetups {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
			name := sc.name + "-" + itoa(sz.w) + "x" + itoa(sz.h)
			t.Run(name, func(t *testing.T) {
				h := newHarness(t, newGoldenDB(t), Options{Operator: "clerk"}, sz.w, sz.h)
				sc.setup(h)
				golden(t, name, h.view())
			})
		}
	}
}

// newGoldenDB is a fresh seeded database per case, so that earlier cases'
// changes never leak into later views.
func newGoldenDB(t *testing.T) *store.DB {
	t.Helper()
	db := newTestDB(t)
	seed(t, db, 12)
	return db
}

// More fields than two columns hold at 80x24: the last field line counts
// those left out, and the actions and the history stay in view.
func TestDetail_TooManyFields(t *testing.T) {
	db := newGoldenDB(t)
	fields := map[string]string{}
	for i := 0; i < 40; i++ {
		fields["custom:Field "+itoa(i+10)] = "value " + itoa(i)
	}
	// (A name longer than the label column, with a long value: the line
	// still fits.)
	fields["custom:AAA Operating system"] = "Windows 11 Enterprise 23H2 build 22631.4460"
	if _, err := db.UpdateAsset(context.Background(), "TD-000002", fields); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000002")
	checkLayout(t, h.m.render(), 80, 24, []string{"more field(s): e to edit, or tagdesk asset show TD-000002", "o check out · t status", "History (2 events,"})
}

// A refused scan's message on Home stays in view at 80x24, the dashboard
// giving way (it was drawn one line too tall, and the message fell off).
func TestHome_RefusedScanInView(t *testing.T) {
	db := newGoldenDB(t)
	for i := 1; i <= 6; i++ { // overdue loans and warranties ending: a tall attention list
		if _, err := db.CheckOut(context.Background(), "TD-00000"+itoa(i), "B1001", "2020-01-0"+itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 7; i <= 9; i++ {
		if _, err := db.UpdateAsset(context.Background(), "TD-00000"+itoa(i), map[string]string{"warranty_end": "2026-12-01"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sz := range append([]struct{ w, h int }{{80, 23}}, sizes...) {
		h := newHarness(t, db, Options{Operator: "clerk"}, sz.w, sz.h)
		h.scan("NOPE123")
		checkLayout(t, h.m.render(), sz.w, sz.h, []string{`unknown code "NOPE123"`, "Workflows"})
	}
}

// A long screen title gives way to the sync status in the header (the
// status went, "N refused" and "offline" with it).
func TestHeader_SyncStatusStays(t *testing.T) {
	db := newGoldenDB(t)
	if _, err := db.AddPerson(context.Background(), store.PersonInput{Name: "Maria del Carmen Fernandez de la Vega", Badge: "B7777"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B7777")
	header := ansi.Strip(strings.Split(h.m.render(), "\n")[0])
	if !strings.Contains(header, "pending") || !strings.Contains(header, "Person Maria") {
		t.Fatalf("header: %q", header)
	}
}

// A scan made while the help is open acts on the screen and closes the
// help: its result is not hidden behind it.
func TestHelp_ClosedByAScan(t *testing.T) {
	h := newHarness(t, newGoldenDB(t), Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.scan("B1001")
	h.press("f1")
	h.wantView("Keys: ")
	h.scan("TD-000001") // checked out from behind the help
	h.wantView("TD-000001", "→ Alice Smith")
	if strings.Contains(ansi.Strip(h.m.render()), "Keys: ") {
		t.Fatal("the help stayed over the scan's result")
	}
}

// A window one row high (a terminal dragged small, a tmux pane) made
// fit's slice capacity negative: the UI panicked and tagdesk exited 0.
func TestView_OneRowWindow(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 1)
	_ = h.view()
}
