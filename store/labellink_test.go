package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// rev21: a pre-printed tag's QR label (a link ending in the tag) scanned in
// the receiving loop before that tag is on any asset was taken as a serial:
// a new asset got the link as its serial, and once the tag itself was
// received a scan of its own QR label found the first asset (a scan
// resolves serials before links), not the tagged one.
func TestRev21_PreprintedQRLinkIsNotASerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	link := "https://x.example/hardware/TD-900002"
	a, err := db.Receive(ctx, store.Receipt{Serial: link, Model: "L5440", Location: "DUB-STORE"})
	if err == nil {
		t.Errorf("received %s with the serial %q: a link naming a tag is a label, not a serial", a.Tag, a.Serial)
	}
	b, err := db.Receive(ctx, store.Receipt{Tag: "TD-900002", Serial: "SN-REAL-2", Model: "L5440", Location: "DUB-STORE"})
	if err != nil {
		t.Fatalf("receive the pre-printed tag itself: %v", err)
	}
	res, err := db.Resolve(ctx, link)
	if err != nil {
		t.Fatal(err)
	}
	if res.Asset == nil || res.Asset.Tag != b.Tag {
		got := "nothing"
		if res.Asset != nil {
			got = res.Asset.Tag + " (via " + res.Via + ")"
		}
		t.Fatalf("a scan of %s's own QR label %q finds %s, want %s", b.Tag, link, got, b.Tag)
	}
}

// Every path that sets a serial refuses a label's link naming a tag of
// the register's shape (the desk's prefix, a series it has) that no asset
// has yet, with one line and nothing changed: a receipt (with the
// duplicate override too, and a scanner's AIM prefix) and an asset's
// update. A serial with a slash, a maker's link, or a link naming no
// tag-shaped word, stays a serial.
func TestLabelLinkRefusedAsSerial(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-000001", "ACME-00001")
	for _, r := range []store.Receipt{
		{Serial: "https://x.example/hardware/TD-000777"},
		{Serial: "]Q1https://x.example/hardware/TD-000777"},
		{Serial: "https://x.example/view?tag=ACME-00012"},
		{Serial: "https://x.example/a/TD-000778", AllowDuplicateSerial: true},
	} {
		r.Model, r.Location = "L5440", "DUB"
		a, err := db.Receive(ctx, r)
		if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "is a label's link, not a serial: scan the serial") || strings.Contains(store.ErrorMessage(err), "\n") {
			t.Errorf("Receive(serial %q) = %s, %v; want it refused as a label's link", r.Serial, a.Tag, err)
		}
	}
	before := eventCount(t, db)
	if _, err := db.UpdateAsset(ctx, "TD-000001", map[string]string{"serial": "https://x.example/hardware/TD-000779"}); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "label's link") {
		t.Errorf("an update to a label's link as serial: %v", err)
	}
	if got := eventCount(t, db); got != before {
		t.Errorf("events: %d after the refusals, want %d", got, before)
	}
	// The link of an asset's own tag still names the asset.
	if _, err := db.Receive(ctx, store.Receipt{Serial: "https://x.example/a/TD-000001", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is asset TD-000001's") {
		t.Errorf("a link to TD-000001 as a serial: %v", err)
	}
	for _, sn := range []string{"CN0XK/12", "https://x.example/", "HTTP://MAKER.EXAMPLE/S/ABC123", "https://x.example/a/TD-12"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: sn, Model: "L5440", Location: "DUB"}); err != nil {
			t.Errorf("Receive(serial %q): %v", sn, err)
		}
	}
}

func TestLinkTags(t *testing.T) {
	for code, want := range map[string][2]string{
		"https://x.example/hardware/TD-900002":  {"TD-900002", ""},
		"]Q1https://x.example/hardware/td-9/":   {"TD-9", ""},
		"https://x.example/view?tag=ACME-00012": {"VIEW", "ACME-00012"},
		"https://x.example/a/TD-1?t=TD-2":       {"TD-1", "TD-2"},
		"TD-900002":                             {},
		"x.example/hardware/TD-1":               {},
		"CN0XK/12":                              {},
		"https://x.example/":                    {},
	} {
		if p, q := store.LinkTags(code); p != want[0] || q != want[1] {
			t.Errorf("LinkTags(%q) = %q, %q; want %q", code, p, q, want)
		}
	}
}
