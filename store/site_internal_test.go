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
