package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// An asset is installed in (checked out to) a parent that is missing (lost,
// stolen: not here to take it) or on order (not received), though a
// retired or disposed one is refused: the part is then "deployed" inside a
// device the desk does not have. (Review rev20.)
func TestReviewRev20InstallInAbsentParentRefused(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	csv := "Asset Tag,Model Name,Status,Location\n" +
		"R-LOST,PowerEdge R650,Lost/Stolen,Dublin\n" +
		"R-ORDER,PowerEdge R650,On Order,Dublin\n" +
		"D-1,Disk,Ready to Deploy,Dublin\n" +
		"D-2,Disk,Ready to Deploy,Dublin\n"
	importSnipe(t, db, []byte(csv), store.ImportOptions{})
	if st := mustAsset(t, db, "R-ORDER").Status; st != store.StatusOnOrder {
		t.Fatalf("R-ORDER is %s", st)
	}
	for parent, part := range map[string]string{"R-LOST": "D-1", "R-ORDER": "D-2"} {
		if _, err := db.CheckOut(ctx, part, parent, ""); err == nil {
			t.Errorf("%s installed in %s, which is %s", part, parent, mustAsset(t, db, parent).Status)
		}
	}
}

// Every local way of installing a part refuses a missing or on-order
// parent, saying what to do, and changes nothing; a parent in stock, in
// repair or deployed takes parts.
func TestInstallInAbsentParentRefusedEveryWay(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "S-LOST", "S-REPAIR", "S-LENT", "S-STOCK", "D1", "D2", "D3", "D4", "D5", "OLD")
	if _, err := db.SetStatus(ctx, "S-LOST", store.StatusMissing, "lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, "S-REPAIR", store.StatusInRepair, "fan"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "S-LENT", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	want := "S-LOST is missing: find it first (tagdesk status S-LOST in_stock, or a stocktake's scan of it), then install parts in it"
	_, err := db.CheckOut(ctx, "D1", "S-LOST", "")
	if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != want {
		t.Errorf("CheckOut into a missing parent: %v", err)
	}
	if _, err := db.CheckOutAll(ctx, []string{"D1", "D2"}, "S-LOST", ""); store.ErrorMessage(err) != want {
		t.Errorf("CheckOutAll into a missing parent: %v", err)
	}
	h, err := db.ResolveHolder(ctx, "S-LOST")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOutTo(ctx, "D1", h, ""); store.ErrorMessage(err) != want {
		t.Errorf("CheckOutTo (the TUI's) into a missing parent: %v", err)
	}
	for _, tag := range []string{"D1", "D2"} {
		if a := mustAsset(t, db, tag); a.Status != store.StatusInStock {
			t.Errorf("%s is %s after the refusals", tag, a.Status)
		}
	}
	// A swap gives the new part to the old one's holder: a parent that went
	// missing with the old part in it takes no new one.
	if _, err := db.CheckOut(ctx, "D3", "S-STOCK", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, "S-STOCK", store.StatusMissing, "lost"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Swap(ctx, "D3", "D4", store.SwapOptions{}); err == nil || !strings.Contains(store.ErrorMessage(err), "S-STOCK is missing: find it first") {
		t.Errorf("swap into a missing parent: %v", err)
	}
	if a := mustAsset(t, db, "D3"); a.Custodian != "S-STOCK" {
		t.Errorf("D3 after the refused swap: %s %s", a.Status, a.Custodian)
	}
	for _, parent := range []string{"S-REPAIR", "S-LENT"} {
		part := map[string]string{"S-REPAIR": "D1", "S-LENT": "D2"}[parent]
		if a, err := db.CheckOut(ctx, part, parent, ""); err != nil || a.Custodian != parent {
			t.Errorf("install %s in %s (%s): %v %+v", part, parent, mustAsset(t, db, parent).Status, err, a)
		}
	}
	if _, err := db.SetStatus(ctx, "S-STOCK", store.StatusInStock, "found"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "D5", "S-STOCK", ""); err != nil {
		t.Errorf("install in a parent found again: %v", err)
	}
	// Retired stays refused as before.
	if _, err := db.Retire(ctx, "OLD", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "D4", "OLD", ""); store.ErrorMessage(err) != "OLD is retired: nothing can be installed in it" {
		t.Errorf("install in a retired parent: %v", err)
	}
}

// An import row checked out to an asset on order is a bad row ("receive it
// first"); one checked out to a missing asset comes in: the file says how
// things stand (a desk's own export of a server lost with its disks), and
// the round trip keeps it.
func TestImportInstallInAbsentParent(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	csv := "Asset Tag,Model Name,Status,Location,Checkout Type,Checked Out to: Asset Tag\n" +
		"R-LOST,PowerEdge R650,Lost/Stolen,Dublin,,\n" +
		"R-ORDER,PowerEdge R650,On Order,Dublin,,\n" +
		"D-1,Disk,Deployed,Dublin,Asset,R-LOST\n" +
		"D-2,Disk,Deployed,Dublin,Asset,R-ORDER\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(csv), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || rep.Bad[0].Line != 5 || !strings.Contains(rep.Bad[0].Reason, "R-ORDER is on order: receive it first") {
		t.Fatalf("import: %v %+v", err, rep.Bad)
	}
	csv = strings.Replace(csv, "D-2,Disk,Deployed,Dublin,Asset,R-ORDER\n", "", 1)
	importSnipe(t, db, []byte(csv), store.ImportOptions{})
	if a := mustAsset(t, db, "D-1"); a.Custodian != "R-LOST" {
		t.Errorf("D-1: %s %s", a.Status, a.Custodian)
	}
	var out strings.Builder
	if _, err := db.ExportSnipeIT(ctx, &out); err != nil {
		t.Fatal(err)
	}
	again := mustOpen(t)
	importSnipe(t, again, []byte(out.String()), store.ImportOptions{})
	if a := mustAsset(t, again, "D-1"); a.Custodian != "R-LOST" || mustAsset(t, again, "R-LOST").Status != store.StatusMissing {
		t.Errorf("round trip: D-1 %s %s", a.Status, a.Custodian)
	}
	// --update of the same export: unchanged, not refused.
	rep = importSnipe(t, again, []byte(out.String()), store.ImportOptions{Update: true})
	if len(rep.Bad) != 0 {
		t.Errorf("update: %+v", rep.Bad)
	}
}

// A part installed on one desk in a parent another desk marked missing
// meanwhile is taken at the server and on both desks: it was valid where
// made, and refusing it would part the desks.
func TestRemoteInstallInParentMissingElsewhereApplies(t *testing.T) {
	ctx := context.Background()
	srv, a, b := syncedDesks(t, "S1", "D1")
	if _, err := a.SetStatus(ctx, "S1", store.StatusMissing, "not on its shelf"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if _, err := b.CheckOut(ctx, "D1", "S1", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	if refs, err := b.Refusals(ctx, false); err != nil || len(refs) != 0 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	for _, db := range []*store.DB{a, b, srv} {
		if got := mustAsset(t, db, "D1"); got.Custodian != "S1" {
			t.Errorf("%s: D1 is %s %s", db.Path(), got.Status, got.Custodian)
		}
	}
	syncVerify(t, a, b, srv)
}
