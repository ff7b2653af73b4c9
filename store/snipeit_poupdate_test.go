package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A review: import snipeit --update of a row whose order is not the one
// the asset is on only warned; the asset now moves to the file's order
// (made as a plain import makes one), history says so, and a dry run
// counts it. A blank order leaves the asset's alone, as other blank cells
// do; without --update the asset is not changed.
func TestSnipeITUpdateMovesPurchaseOrder(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPurchaseOrder(ctx, "PO-7", "Dell", map[string]int{"L5440": 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPurchaseOrder(ctx, "PO-8", "Dell", map[string]int{"L5440": 1}); err != nil {
		t.Fatal(err)
	}
	for _, serial := range []string{"SN-A", "SN-B"} {
		if _, err := db.Receive(ctx, store.Receipt{Serial: serial, Model: "L5440", Location: "DUB", PONumber: "PO-7"}); err != nil {
			t.Fatal(err)
		}
	}
	on := func(tag string) string {
		t.Helper()
		return mustAsset(t, db, tag).PONumber
	}
	file := []byte("Asset Tag,Model Name,Purchase Order,Supplier\nTD-000001,Latitude 5440,PO-NEW,CDW\n")

	// Without --update: refused as an asset of the register, unchanged.
	if rep, _ := db.ImportSnipeIT(ctx, strings.NewReader(string(file)), store.ImportOptions{}); rep.InRegister != 1 || on("TD-000001") != "PO-7" {
		t.Fatalf("without --update: %+v, on %q", rep, on("TD-000001"))
	}

	// A dry run says what it would do, and does nothing.
	rep := importSnipe(t, db, file, store.ImportOptions{Update: true, DryRun: true})
	if rep.Updated != 1 || rep.Created.PurchaseOrders != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("dry run: %+v", rep)
	}
	if on("TD-000001") != "PO-7" {
		t.Fatalf("the dry run moved it: on %q", on("TD-000001"))
	}
	if _, err := db.PurchaseOrder(ctx, "PO-NEW"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("the dry run made the order: %v", err)
	}

	rep = importSnipe(t, db, file, store.ImportOptions{Update: true})
	if rep.Updated != 1 || rep.Created.PurchaseOrders != 1 || len(rep.Warnings) != 0 {
		t.Fatalf("update: %+v", rep)
	}
	if on("TD-000001") != "PO-NEW" || on("TD-000002") != "PO-7" {
		t.Fatalf("after the update: on %q and %q", on("TD-000001"), on("TD-000002"))
	}
	if po, err := db.PurchaseOrder(ctx, "PO-NEW"); err != nil || po.Supplier != "CDW" {
		t.Fatalf("the order made: %+v %v", po, err)
	}
	_, events, err := db.AssetHistory(ctx, "TD-000001")
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, e := range events {
		said = said || strings.Contains(store.Describe(e), "purchase_order PO-7 → PO-NEW")
	}
	if !said {
		t.Errorf("history does not show the move")
	}

	// A blank order changes nothing of it; the same order again is unchanged.
	if rep := importSnipe(t, db, []byte("Asset Tag,Purchase Order,Name\nTD-000001,,Ana's laptop\n"), store.ImportOptions{Update: true}); rep.Updated != 1 || on("TD-000001") != "PO-NEW" {
		t.Fatalf("a blank order: %+v, on %q", rep, on("TD-000001"))
	}
	if rep := importSnipe(t, db, []byte("Asset Tag,Purchase Order\nTD-000001,po-new\n"), store.ImportOptions{Update: true}); rep.Unchanged != 1 || rep.Created.PurchaseOrders != 0 {
		t.Fatalf("the same order: %+v", rep)
	}

	// Snipe-IT's Order Number alone names an order the desk has, as a
	// plain import reads it; one the desk lacks is only the asset's number.
	if rep := importSnipe(t, db, []byte("Asset Tag,Order Number\nTD-000002,PO-8\n"), store.ImportOptions{Update: true}); rep.Updated != 1 || on("TD-000002") != "PO-8" {
		t.Fatalf("an Order Number the desk has: %+v, on %q", rep, on("TD-000002"))
	}
	if rep := importSnipe(t, db, []byte("Asset Tag,Order Number\nTD-000002,ORD-1\n"), store.ImportOptions{Update: true}); rep.Updated != 1 || on("TD-000002") != "PO-8" || mustAsset(t, db, "TD-000002").OrderNumber != "ORD-1" {
		t.Fatalf("an Order Number the desk lacks: %+v, on %q", rep, on("TD-000002"))
	}
	if po, err := db.PurchaseOrder(ctx, "ORD-1"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("an order made of an Order Number: %+v %v", po, err)
	}
	mustVerify(t, db)
}
