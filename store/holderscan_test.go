package store_test

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A parent asset given as a holder is read as a scan reads it anywhere:
// its label's QR link, its serial with a scanner's AIM prefix. The command
// line's checkout --to took only a plain tag; the UI's check-out did more,
// by a resolver of its own.
func TestHolderIsReadAsAScan(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1", "TD-2", "TD-3", "TD-4")
	for who, want := range map[string]string{
		"https://assets.example.com/a/TD-1": "TD-1",
		"]C1SN-TD-1":                        "TD-1",
		"sn-td-1":                           "TD-1",
		" ]Q1td-1 ":                         "TD-1",
	} {
		h, err := db.ResolveHolder(ctx, who)
		if err != nil || h.Kind != store.CustodianAsset || h.Code != want {
			t.Errorf("ResolveHolder(%q) = %+v, %v; want asset %s", who, h, err, want)
		}
	}
	// The person and place come first, as before.
	for who, kind := range map[string]store.CustodianKind{"]C1B1001": store.CustodianPerson, "asilva": store.CustodianPerson, "DUB": store.CustodianLocation, "Dublin office": store.CustodianLocation, "Ana Silva": store.CustodianPerson} {
		if h, err := db.ResolveHolder(ctx, who); err != nil || h.Kind != kind {
			t.Errorf("ResolveHolder(%q) = %+v, %v; want a %s", who, h, err, kind)
		}
	}
	got, err := db.CheckOutAll(ctx, []string{"TD-2"}, "https://assets.example.com/a/TD-1", "")
	if err != nil || len(got) != 1 || got[0].CustodianKind != store.CustodianAsset || got[0].Custodian != "TD-1" {
		t.Fatalf("check-out to TD-1's link: %+v %v", got, err)
	}
	got, err = db.CheckOutAll(ctx, []string{"TD-3"}, "]C1SN-TD-1", "")
	if err != nil || len(got) != 1 || got[0].Custodian != "TD-1" {
		t.Fatalf("check-out to TD-1's serial: %+v %v", got, err)
	}
	// A link naming two assets is refused, as its scan is; nothing changes.
	if _, err := db.CheckOutAll(ctx, []string{"TD-4"}, "https://assets.example.com/a/TD-1?t=TD-2", ""); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("check-out to a link naming two assets: %v", err)
	}
	if _, err := db.CheckOutAll(ctx, []string{"TD-4"}, "https://assets.example.com/a/NOPE-1", ""); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("check-out to a link naming no asset: %v", err)
	}
	if a, err := db.Asset(ctx, "TD-4"); err != nil || a.Status != store.StatusInStock {
		t.Errorf("TD-4 after refused check-outs: %+v %v", a, err)
	}
}
