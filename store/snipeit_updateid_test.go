package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// --update finds a row's asset by Snipe-IT's ID (kept as the custom field
// Snipe-IT ID) before its tag: an asset retagged in Snipe-IT is not made a
// second time. tagdesk does not retag, so such a row is a bad row naming
// the asset; so is a row whose tag is an asset imported with another ID.
func TestImportSnipeITUpdateByID(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	importSnipe(t, db, []byte("ID,Asset Tag,Asset Name,Model Name,Serial Number\n1005,A-1,Laptop,Latitude 5440,SN-1\n1006,A-2,Laptop,Latitude 5440,SN-2\n"), store.ImportOptions{})
	before := takeSnapshot(t, db)
	data := "ID,Asset Tag,Asset Name,Model Name,Serial Number\n" +
		"1005,B-1,Laptop one,Latitude 5440,SN-1\n" + // A-1, retagged in Snipe-IT
		"1006,,Laptop two,Latitude 5440,\n" + // A-2, by its ID alone
		"1007,A-1,Other,Latitude 5440,SN-9\n" // another Snipe-IT asset has the tag A-1 now
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{Update: true})
	if store.ErrorCode(err) != store.EINVALID || rep.BadRows != 2 {
		t.Fatalf("update: %+v, %v", rep, err)
	}
	for i, want := range []struct {
		line int
		says []string
	}{{2, []string{"Snipe-IT ID 1005 is asset A-1", "B-1", "does not change an asset's tag"}}, {4, []string{"A-1", "Snipe-IT ID 1005", "1007"}}} {
		b := rep.Bad[i]
		for _, s := range want.says {
			if b.Line != want.line || !strings.Contains(b.Reason, s) {
				t.Errorf("bad row %d: %+v, want line %d saying %q", i, b, want.line, s)
			}
		}
	}
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "neither a tag nor a serial") {
			t.Errorf("warning for a row found by its ID: %v", w)
		}
	}
	if after := takeSnapshot(t, db); after.events != before.events || len(after.assets) != 2 {
		t.Fatalf("a refused import changed the register")
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{Update: true, SkipInvalid: true})
	if err != nil || rep.Updated != 1 || rep.Imported != 0 || rep.BadRows != 2 {
		t.Fatalf("skip-invalid: %+v, %v", rep, err)
	}
	if a := mustAsset(t, db, "A-2"); a.Name != "Laptop two" {
		t.Errorf("A-2: %+v", a)
	}
	if a := mustAsset(t, db, "A-1"); a.Name != "Laptop" || a.Custom[store.SnipeITIDField] != "1005" {
		t.Errorf("A-1: %+v", a)
	}
	if all, err := db.SearchAssets(ctx, store.AssetFilter{}); err != nil || len(all) != 2 {
		t.Fatalf("%d assets, %v; want 2", len(all), err)
	}
	mustVerify(t, db)
}

// From a review: without --update a row whose ID is an asset's of the
// register (retagged in Snipe-IT since) made a second asset of that ID,
// after which --update could not tell them apart; a tagless row whose
// serial is not the ID's asset's took it over; an ID written 012 is 12;
// and two tagless rows of one ID are added again by each run (said).
func TestImportSnipeITByIDWithoutUpdate(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	importSnipe(t, db, []byte("ID,Asset Tag,Asset Name,Model Name,Serial Number\n12,A-1,Laptop,Latitude 5440,SN-1\n"), store.ImportOptions{})
	before := takeSnapshot(t, db)
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model Name,Serial Number\n12,NEW-1,Latitude 5440,SN-1\n"), store.ImportOptions{})
	if store.ErrorCode(err) != store.EINVALID || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "Snipe-IT ID 12 is asset A-1 here already") || !strings.Contains(rep.Bad[0].Reason, "--update") {
		t.Fatalf("plain import of a retagged row: %+v, %v", rep, err)
	}
	for _, c := range []struct{ row, says string }{
		{",Latitude 5440,OTHER-9", "whose serial is SN-1, not OTHER-9"}, // another Snipe-IT's asset 12
		{"B-1,Latitude 5440,SN-1", "Snipe-IT ID 12 is asset A-1"},       // (the ID written 012)
	} {
		rep, err := db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model Name,Serial Number\n012,"+c.row+"\n"), store.ImportOptions{Update: true})
		if store.ErrorCode(err) != store.EINVALID || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, c.says) {
			t.Errorf("update %q: %+v, %v", c.row, rep, err)
		}
	}
	if after := takeSnapshot(t, db); after.events != before.events {
		t.Fatalf("a refused import changed the register")
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Asset Name,Model Name,Serial Number\n012,,Renamed,Latitude 5440,SN-1\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 1 || rep.Imported != 0 {
		t.Fatalf("update by the ID written 012: %+v, %v", rep, err)
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model Name,Serial Number\n99,,Latitude 5440,\n99,,Latitude 5440,\n"), store.ImportOptions{Update: true, DryRun: true})
	if err != nil || !slices.ContainsFunc(rep.Warnings, func(w store.RowError) bool { return strings.Contains(w.Reason, "each run of the file adds them again") }) {
		t.Errorf("two tagless rows of one ID: %+v, %v", rep.Warnings, err)
	}
	mustVerify(t, db)
}
