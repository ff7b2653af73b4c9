package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// serviceSetups put the UI on the Labels and Sync screens with content.
var serviceSetups = []struct {
	name  string
	opt   func(t *testing.T, db *store.DB) Options
	setup func(h *harness)
	want  []string // must be visible at every size
}{
	{"labels", func(t *testing.T, db *store.DB) Options {
		queue(t, db, "TD-000001", "TD-000002", "TD-000003")
		js, err := db.QueuedJobs(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPrintError(context.Background(), js[2].ID, "tag too long for the template", true); err != nil {
			t.Fatal(err)
		}
		return labelsOptions(&fakePrinter{db: db})
	}, func(h *harness) { h.typeSlow("l") }, []string{"Queue: 2 queued · 1 failed", "Preview: TD-000001", "TD-000003", "p print queue"}},
	{"sync", func(t *testing.T, db *store.DB) Options {
		return Options{Operator: "clerk", SyncState: &fakeSyncState{st: conflictStatus()}}
	}, func(h *harness) { h.typeSlow("y") }, []string{"http://127.0.0.1:7420", "Needs attention: 2 refused change(s)", "already checked out to Alice Smith"}},
	{"home-sync-problems", func(t *testing.T, db *store.DB) Options {
		return Options{Operator: "clerk", SyncState: &fakeSyncState{st: conflictStatus()}}
	}, func(h *harness) {}, []string{"2 change(s) refused by the server (y)"}},
}

func newServicesHarness(t *testing.T, i int, w, h int) *harness {
	t.Helper()
	db := newTestDB(t)
	seed(t, db, 12)
	clearQueue(t, db)
	sc := serviceSetups[i]
	hs := newHarness(t, db, sc.opt(t, db), w, h)
	sc.setup(hs)
	return hs
}

func TestServicesLayout_Sizes(t *testing.T) {
	for i, sc := range serviceSetups {
		for _, sz := range sizes {
			t.Run(sc.name+"-"+itoa(sz.w)+"x"+itoa(sz.h), func(t *testing.T) {
				h := newServicesHarness(t, i, sz.w, sz.h)
				checkLayout(t, h.m.render(), sz.w, sz.h, sc.want)
				for _, r := range sizes {
					h.send(tea.WindowSizeMsg{Width: r.w, Height: r.h})
					checkLayout(t, h.m.render(), r.w, r.h, sc.want)
				}
			})
		}
	}
}

func TestServicesViews_Golden(t *testing.T) {
	for i, sc := range serviceSetups {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
			name := sc.name + "-" + itoa(sz.w) + "x" + itoa(sz.h)
			t.Run(name, func(t *testing.T) {
				h := newServicesHarness(t, i, sz.w, sz.h)
				golden(t, name, h.view())
			})
		}
	}
}
