package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A desk whose site was set before sites were part of the history states
// it at its next open, once.
func TestSiteStatedAtOpenAfterUpgrade(t *testing.T) {
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
	for range 2 {
		db, err = Open(ctx, path, Options{Operator: "tester"})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		var site string
		if err := db.w.QueryRowContext(ctx, `SELECT count(*), max(site) FROM device_sites WHERE device_id = ?`, db.DeviceID()).Scan(&n, &site); err != nil {
			t.Fatal(err)
		}
		if n != 1 || site != "Galway" {
			t.Fatalf("after open: %d statements, site %q", n, site)
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
