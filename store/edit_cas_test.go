package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// An edit made from what a screen showed: another process (the command
// line, a sync applying another desk's edit) changed the field after the
// screen read it. The edit is refused, in the transaction that would have
// written it, and changes nothing; made from the value as it is, it goes
// through.
func TestUpdateAssetIf_RefusesAFieldChangedSinceRead(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB-STORE", "TD-1")
	if _, err := db.AddModel(ctx, "Latitude 7440", "L7440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	shown, err := db.Asset(ctx, "TD-1") // what the screen shows
	if err != nil {
		t.Fatal(err)
	}
	// Another tagdesk process on the same database file.
	other, err := store.Open(ctx, db.Path(), store.Options{Operator: "other", Now: func() time.Time { return time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.UpdateAsset(ctx, "TD-1", map[string]string{"notes": "loaner pool", "home_location": "DUB", "model": "L7440"}); err != nil {
		t.Fatal(err)
	}
	_, before, err := db.AssetHistory(ctx, "TD-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"notes", "home_location", "model"} {
		was, ok := shown.Field(f)
		if !ok {
			t.Fatalf("no field %s", f)
		}
		_, err := db.UpdateAssetIf(ctx, "TD-1", map[string]string{f: was}, map[string]string{f: "x"})
		if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), f+" was changed meanwhile") || !strings.Contains(store.ErrorMessage(err), "nothing changed") {
			t.Fatalf("%s: err = %v, want a conflict saying it changed", f, err)
		}
	}
	a, after, err := db.AssetHistory(ctx, "TD-1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Notes != "loaner pool" || a.HomeLocationCode != "DUB" || a.Model != "Latitude 7440" || len(after) != len(before) {
		t.Fatalf("refused edits changed something: notes %q home %q model %q, %d events (were %d)", a.Notes, a.HomeLocationCode, a.Model, len(after), len(before))
	}
	// From the value as it is now: written.
	now, _ := a.Field("notes")
	if a, err = db.UpdateAssetIf(ctx, "TD-1", map[string]string{"notes": now}, map[string]string{"notes": now + " (checked)"}); err != nil || a.Notes != "loaner pool (checked)" {
		t.Fatalf("edit of the current value: %v, notes %q", err, a.Notes)
	}
	// A field the expectation names but that no asset has is bad input.
	if _, err := db.UpdateAssetIf(ctx, "TD-1", map[string]string{"colour": ""}, map[string]string{"notes": "y"}); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("unknown field: %v", err)
	}
	// A custom field reads as the screen shows it, its name's case aside.
	if _, err := db.UpdateAsset(ctx, "TD-1", map[string]string{"custom:RAM": "8GB"}); err != nil {
		t.Fatal(err)
	}
	if a, err = db.UpdateAssetIf(ctx, "TD-1", map[string]string{"custom:ram": "8GB"}, map[string]string{"custom:RAM": "16GB"}); err != nil || a.Custom["RAM"] != "16GB" {
		t.Fatalf("custom field edit: %v, %v", err, a.Custom)
	}
	if _, err = db.UpdateAssetIf(ctx, "TD-1", map[string]string{"custom:RAM": "8GB"}, map[string]string{"custom:RAM": "32GB"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("custom field changed since: %v", err)
	}
}
