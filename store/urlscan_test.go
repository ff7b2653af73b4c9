package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A link's path names its asset: a tag, asset_tag or t parameter after it
// (a cache-buster, a tracking parameter) opened another asset, or none.
// When path and query name two assets, the scan is refused, not guessed.
func TestURLScanPathIsAuthoritative(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1", "TD-2", "9")
	for scan, want := range map[string]string{
		"https://assets.example.com/a/TD-1?t=NOPE-7":         "TD-1", // a parameter naming no asset
		"https://assets.example.com/a/TD-1?utm_source=qr&t=": "TD-1",
		"https://assets.example.com/a/TD-1?tag=td-1":         "TD-1", // both name it
		"https://assets.example.com/a/TD-1/?t=x":             "TD-1",
		"https://assets.example.com/hardware/bytag/TD-2?t=z": "TD-2",
		// Shapes that worked stay.
		"https://assets.example.com/a/TD-1":           "TD-1",
		"https://assets.example.com/view?tag=TD-2":    "TD-2",
		"https://assets.example.com/view?asset_tag=9": "9",
		"https://assets.example.com/a/NOPE-7?t=TD-2":  "TD-2", // the path names no asset
		"?tag=TD-1": "TD-1",
		"https://assets.example.com/a/TD-2#t=TD-1":     "TD-2",
		"https://assets.example.com/view?t=TD-1&tag=9": "9",
	} {
		r, err := db.Resolve(ctx, scan)
		if err != nil || r.Asset == nil || r.Asset.Tag != want {
			t.Errorf("Resolve(%q) = %+v, %v; want asset %s", scan, r.Asset, err, want)
		}
	}
	for _, scan := range []string{
		"https://assets.example.com/a/TD-1?t=TD-2",
		"https://assets.example.com/a/TD-1?utm_source=qr&tag=9",
		"https://assets.example.com/a/9?asset_tag=TD-2",
	} {
		r, err := db.Resolve(ctx, scan)
		if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "two assets") || strings.Contains(store.ErrorMessage(err), "\n") {
			t.Errorf("Resolve(%q) = %+v, %v; want it refused as naming two assets", scan, r.Asset, err)
		}
		if _, err := db.ResolveAsset(ctx, scan); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("ResolveAsset(%q): %v; want it refused", scan, err)
		}
	}
	// A receipt refuses such a link as its serial: its scans would find
	// the asset its path names.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "https://x.example/a/TD-1?t=abc", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is asset TD-1's") {
		t.Errorf("a link to TD-1 as a serial: %v", err)
	}
}
