package tui

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// rev21: a pre-printed tag's QR label (a link ending in the tag) scanned at
// Receive was taken as a serial ("TD-000002 ← serial https://…"), and the
// label then opened that asset: it is the tag, paired with the next serial
// as a plain pre-printed tag is. So is the link of a tag of the register's
// series (a migration's ACME-…), by its path or its tag parameter; a
// maker's link naming no such tag stays a serial.
func TestReceive_PreprintedTagsQRLinkIsTheTag(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	ctx := context.Background()
	if _, err := db.Receive(ctx, store.Receipt{Tag: "ACME-00001", Serial: "SN-OLD-1", Model: "LAT5440", Location: "HQ"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("r")
	h.scan("SHELF-A")
	h.scan("Latitude 5440")
	h.scan("https://x.example/hardware/TD-900002")
	h.wantView("tag TD-900002 waits for its serial")
	h.scan("NEW-SN-1")
	if a := h.asset("TD-900002"); a.Serial != "NEW-SN-1" {
		t.Fatalf("TD-900002: %+v\n%s", a, h.view())
	}
	if r, err := db.Resolve(ctx, "https://x.example/hardware/TD-900002"); err != nil || r.Asset == nil || r.Asset.Tag != "TD-900002" {
		t.Fatalf("the QR label finds %+v, %v", r.Asset, err)
	}
	h.scan("https://x.example/view?tag=ACME-09600")
	h.wantView("tag ACME-09600: now scan its serial")
	h.scan("NEW-SN-2")
	if a := h.asset("ACME-09600"); a.Serial != "NEW-SN-2" {
		t.Fatalf("ACME-09600: %+v\n%s", a, h.view())
	}
	// Its own label again: the tag is taken.
	bells := h.bells
	h.scan("https://x.example/hardware/TD-900002")
	h.wantView("tag TD-900002 is already on")
	if h.bells != bells+1 {
		t.Fatalf("%d bells for a refused link\n%s", h.bells-bells, h.view())
	}
	// A maker's link names no tag of ours: a serial like any other.
	h.scan("https://maker.example/s/FOO1")
	if r, _ := db.Resolve(ctx, "https://maker.example/s/FOO1"); r.Asset == nil || r.Asset.Serial != "https://maker.example/s/FOO1" {
		t.Fatalf("a maker's link not received as a serial\n%s", h.view())
	}
}
