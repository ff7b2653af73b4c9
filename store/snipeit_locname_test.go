package store_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

const locNameHeader = "Asset Tag,Model Name,Location,Location Code,Home Location,Home Location Code\n"

// importBad imports a file that must be refused, and returns its bad rows
// as read ("line 2: Location Code: ...").
func importBad(t *testing.T, db *store.DB, csv string, opt store.ImportOptions) []string {
	t.Helper()
	rep, err := db.ImportSnipeIT(context.Background(), strings.NewReader(csv), opt)
	if err == nil {
		t.Fatalf("imported: %+v", rep)
	}
	var out []string
	for _, b := range rep.Bad {
		out = append(out, b.String())
	}
	return out
}

// A row of tagdesk's own export whose Location was edited (to another
// place's name) while its codes still name the old place, into a new
// register: the row names STORE-2 both "Cork" and "Storeroom 2", and is a
// bad row naming both (it made STORE-2 "Cork" before). (review rev20)
func TestReviewRev20LocationNameCodeConflictFreshImport(t *testing.T) {
	db := mustOpen(t)
	csv := locNameHeader + "A-1,Latitude 5440,Cork,STORE-2,Storeroom 2,STORE-2\n"
	before := takeSnapshot(t, db)
	bad := importBad(t, db, csv, store.ImportOptions{})
	want := `line 2: Home Location Code: Home Location "Storeroom 2" is not the name this row's Location gives STORE-2 (Cork): clear one of them, or give the code of the place meant`
	if len(bad) != 1 || bad[0] != want {
		t.Errorf("bad rows %q, want %q", bad, want)
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused import changed the register")
	}
}

// The same edit with --update on a register that has both places: a bad
// row naming both, the asset where it was (it said "0 updated, 1
// unchanged" and warned of nothing). (review rev20)
func TestReviewRev20UpdateEditedLocationNameIgnored(t *testing.T) {
	db := mustOpen(t)
	first := locNameHeader +
		"A-1,Latitude 5440,Storeroom 2,STORE-2,Storeroom 2,STORE-2\n" +
		"A-2,Latitude 5440,Cork,CORK,Cork,CORK\n"
	importSnipe(t, db, []byte(first), store.ImportOptions{})
	edited := locNameHeader + "A-1,Latitude 5440,Cork,STORE-2,Storeroom 2,STORE-2\n"
	for _, dry := range []bool{true, false} {
		bad := importBad(t, db, edited, store.ImportOptions{Update: true, DryRun: dry})
		want := `line 2: Location Code: Location "Cork" is not STORE-2's name (Storeroom 2): clear one of them, or give the code of the place meant`
		if len(bad) != 1 || bad[0] != want {
			t.Errorf("dry run %v: bad rows %q, want %q", dry, bad, want)
		}
	}
	if a := mustAsset(t, db, "A-1"); a.LocationCode != "STORE-2" {
		t.Errorf("A-1 at %s, want STORE-2", a.LocationCode)
	}
	// Without --update, too (the row is in the register, but the
	// contradiction is said first).
	bad := importBad(t, db, locNameHeader+"A-3,Latitude 5440,Cork,STORE-2,,\n", store.ImportOptions{})
	if len(bad) != 1 || !strings.Contains(bad[0], `Location "Cork" is not STORE-2's name (Storeroom 2)`) {
		t.Errorf("a new asset's row: bad rows %q", bad)
	}
}

// A name written as the register's, but for case and spaces, is that
// place's name (as location lookups compare them): read, not refused.
func TestImportSnipeITLocationNameCaseAndSpaces(t *testing.T) {
	db := mustOpen(t)
	if _, err := db.AddLocation(context.Background(), "STORE-2", "Storeroom 2", ""); err != nil {
		t.Fatal(err)
	}
	csv := locNameHeader + "A-1,Latitude 5440,STOREROOM  2,STORE-2,storeroom 2 ,STORE-2\n"
	importSnipe(t, db, []byte(csv), store.ImportOptions{})
	if a := mustAsset(t, db, "A-1"); a.LocationCode != "STORE-2" {
		t.Errorf("A-1 at %s", a.LocationCode)
	}
	locs, err := db.Locations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 1 || locs[0].Name != "Storeroom 2" {
		t.Errorf("locations %+v", locs)
	}
}

// A code the register lacks, named differently on two rows of the file:
// the later row is bad, naming the line that named it first; rows that
// agree (case and spaces aside), or give no name, are not.
func TestImportSnipeITNewLocationCodeNamedTwoWays(t *testing.T) {
	db := mustOpen(t)
	csv := "Asset Tag,Model Name,Location,Location Code\n" +
		"A-1,Latitude 5440,,STORE-2\n" +
		"A-2,Latitude 5440,Storeroom 2,STORE-2\n" +
		"A-3,Latitude 5440,storeroom 2,STORE-2\n" +
		"A-4,Latitude 5440,Cork,STORE-2\n"
	bad := importBad(t, db, csv, store.ImportOptions{DryRun: true})
	want := `line 5: Location Code: Location "Cork" is not the name line 3 gives STORE-2 (Storeroom 2): clear one of them, or give the code of the place meant`
	if len(bad) != 1 || bad[0] != want {
		t.Errorf("bad rows %q, want %q", bad, want)
	}
	csv = strings.Replace(csv, "Cork", "Storeroom 2", 1)
	importSnipe(t, db, []byte(csv), store.ImportOptions{})
	locs, err := db.Locations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 1 || locs[0].Code != "STORE-2" || locs[0].Name != "Storeroom 2" {
		t.Errorf("locations %+v", locs)
	}
}

// An export written before a place was renamed names it by its old name:
// the code's place, since that was its name and no place has it now. Once
// another place has that name, the row may mean either: a bad row.
func TestImportSnipeITOlderExportAfterLocationRename(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	importSnipe(t, db, []byte(locNameHeader+"A-1,Latitude 5440,Storeroom 2,STORE-2,Storeroom 2,STORE-2\n"), store.ImportOptions{})
	var old bytes.Buffer
	if _, err := db.ExportSnipeIT(ctx, &old); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateLocation(ctx, "STORE-2", map[string]string{"name": "Stores B"}); err != nil {
		t.Fatal(err)
	}
	rep := importSnipe(t, db, old.Bytes(), store.ImportOptions{Update: true})
	if rep.Unchanged != 1 || rep.BadRows != 0 {
		t.Errorf("older export: %+v", rep)
	}
	if _, err := db.AddLocation(ctx, "STORE-9", "Storeroom 2", ""); err != nil {
		t.Fatal(err)
	}
	bad := importBad(t, db, old.String(), store.ImportOptions{Update: true})
	if len(bad) != 1 || !strings.Contains(bad[0], `Location "Storeroom 2" is not STORE-2's name (Stores B): clear one of them, or give the code of the place meant`) {
		t.Errorf("older export, name now another place's: bad rows %q", bad)
	}
}
