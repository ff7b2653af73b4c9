package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A desk whose site was set before sites were part of the history states
// it before its next change, once; opening it (a command that only reads)
// writes nothing.
func TestSiteStatedBeforeTheNextChangeAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path, Options{Operator: "tester"})
	if err != nil {
		t.Fatal(err)
	}
	// As an older tagdesk wrote it: the setting alone.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, 'Galway')`, SettingSite); err != nil {
		t.Fatal(err)
	}
	db.Close()
	types := func(db *DB) string {
		t.Helper()
		var ts string
		if err := db.w.QueryRowContext(ctx, `SELECT coalesce(group_concat(type, ','), '') FROM (SELECT type FROM events ORDER BY seq)`).Scan(&ts); err != nil {
			t.Fatal(err)
		}
		return ts
	}
	want := []string{"", "device.site,location.created", "device.site,location.created,location.created"}
	for i, code := range []string{"", "GAL", "GAL-2"} {
		db, err = Open(ctx, path, Options{Operator: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		if code != "" {
			if _, err := db.AddLocation(ctx, code, "Galway "+code, ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := types(db); got != want[i] {
			t.Fatalf("events after open %d: %q, want %q", i, got, want[i])
		}
		verifyOK(t, db)
		db.Close()
	}
}

// A desk states only its own site: an event naming another device is
// refused, and nothing changes.
func TestSiteOfAnotherDeviceRefused(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	_, err := db.write(ctx, func(w *wtx) error {
		return w.emit(EvDeviceSite, "another-desk", SitePayload{Site: "Nowhere"})
	})
	if err == nil || !strings.Contains(ErrorMessage(err), "states only its own site") {
		t.Fatalf("got %v", err)
	}
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM device_sites) + (SELECT count(*) FROM events)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after the refusal: %d %v", n, err)
	}
}

// A desk open in two processes (the UI and the command line): a site an
// older tagdesk wrote through the other is stated before this one's next
// change, not only after a restart.
func TestSiteRestatedAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	ui, err := Open(ctx, path, Options{Operator: "ui"})
	if err != nil {
		t.Fatal(err)
	}
	defer ui.Close()
	if err := ui.SetSetting(ctx, SettingSite, "Galway"); err != nil {
		t.Fatal(err)
	}
	if _, err := ui.AddLocation(ctx, "GAL", "Galway office", ""); err != nil {
		t.Fatal(err)
	}
	cli, err := Open(ctx, path, Options{Operator: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, err := cli.w.ExecContext(ctx, `UPDATE settings SET value = 'Dublin' WHERE key = ?`, SettingSite); err != nil {
		t.Fatal(err)
	}
	if _, err := ui.AddLocation(ctx, "DUB", "Dublin office", ""); err != nil {
		t.Fatal(err)
	}
	var uid string
	if err := ui.r.QueryRowContext(ctx, `SELECT uid FROM locations WHERE code = 'DUB'`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	evs, err := ui.History(ctx, uid)
	if err != nil || len(evs) != 1 {
		t.Fatalf("history of DUB: %v %v", evs, err)
	}
	if site := evs[0].Site; site != "Dublin" {
		t.Errorf("the UI's change after the setting moved is recorded at %q", site)
	}
	verifyOK(t, ui)
}
