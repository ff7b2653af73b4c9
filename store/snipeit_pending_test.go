package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Snipe-IT's Pending is an asset on hand that is not yet deployable (being
// set up, back from repair soon), not one still to be delivered: read as in
// stock, with one warning for the file naming its rows and how to read them
// as on order. (It was on order: a stocktake found it "unexpected (on
// order, not received)" and check-out refused it.)
func TestImportSnipeITPendingIsInStock(t *testing.T) {
	ctx := context.Background()
	file := "Asset Tag,Model Name,Status\n" +
		"P-1,Latitude 5440,Pending\n" +
		"P-2,Latitude 5440,Ready to Deploy\n" +
		"P-3,Latitude 5440,pending\n" +
		"P-4,Latitude 5440,On Order\n" +
		"P-5,Latitude 5440,Awaiting delivery\n" +
		"P-6,Latitude 5440,Ordered\n"
	want := `line 2: Status: 2 row(s) say "Pending" (lines 2, 4): read as in stock, as Snipe-IT's Pending is an asset on hand not yet deployable; if they are still to be delivered, import with --statuses "Pending=on_order"`
	db := mustOpen(t)
	for _, dry := range []bool{true, false} {
		rep := importSnipe(t, db, []byte(file), store.ImportOptions{DryRun: dry})
		var got []string
		for _, w := range rep.Warnings {
			got = append(got, w.String())
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("dry run %v: warnings %q, want %q", dry, got, want)
		}
	}
	for tag, st := range map[string]store.Status{"P-1": store.StatusInStock, "P-2": store.StatusInStock, "P-3": store.StatusInStock,
		"P-4": store.StatusOnOrder, "P-5": store.StatusOnOrder, "P-6": store.StatusOnOrder} {
		if a := mustAsset(t, db, tag); a.Status != st {
			t.Errorf("%s is %s, want %s", tag, a.Status, st)
		}
	}

	// Told otherwise: on order, and nothing to warn of.
	db = mustOpen(t)
	rep := importSnipe(t, db, []byte(file), store.ImportOptions{Statuses: map[string]store.Status{"Pending": store.StatusOnOrder}})
	if len(rep.Warnings) != 0 {
		t.Errorf("warnings %v", rep.Warnings)
	}
	if a := mustAsset(t, db, "P-1"); a.Status != store.StatusOnOrder {
		t.Errorf("P-1 is %s with Pending=on_order", a.Status)
	}

	// tagdesk's own export writes an asset on order as Pending (Snipe-IT
	// has no on order): it comes back on order, unsaid.
	var out bytes.Buffer
	if _, err := db.ExportSnipeIT(ctx, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), ",Pending,") {
		t.Fatalf("the export does not write Pending:\n%s", out.String())
	}
	db2 := mustOpen(t)
	rep = importSnipe(t, db2, out.Bytes(), store.ImportOptions{})
	if len(rep.Warnings) != 0 {
		t.Errorf("own export: warnings %v", rep.Warnings)
	}
	for _, tag := range []string{"P-1", "P-4"} {
		if a := mustAsset(t, db2, tag); a.Status != store.StatusOnOrder {
			t.Errorf("own export: %s is %s", tag, a.Status)
		}
	}
}
