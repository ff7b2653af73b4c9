package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A long number Excel shows in scientific notation (3.54679E+14) has lost
// its digits: in a Serial Number or a custom column such a cell makes a bad
// row that says so (Excel writes numbers of 12 digits or more so: 4E+12
// too); a serial merely written with an E (12E34, 1E5, 1.5e+3) is one.
func TestImportSnipeITExcelRoundedNumbers(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	before := takeSnapshot(t, db)
	data := "Asset Tag,Model Name,Serial Number,IMEI\n" +
		"EX-1,Latitude 5440,3.54679E+14,\n" +
		"EX-2,Latitude 5440,SN-EX2,8.9E+18\n" +
		"EX-3,Latitude 5440,12E34,\n" +
		"EX-4,Latitude 5440,1E5,354679091234567\n" +
		"EX-5,Latitude 5440,4E+12,\n" +
		"EX-6,Latitude 5440,1.5e+3,\n" +
		"EX-7,Latitude 5440,1.2.3E+4,\n" +
		"1.23457E+11,Latitude 5440,SN-EX9,\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{})
	if store.ErrorCode(err) != store.EINVALID || rep.BadRows != 4 || rep.Imported != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	for i, want := range []struct {
		line      int
		col, cell string
	}{{2, "Serial Number", "3.54679E+14"}, {3, "IMEI", "8.9E+18"}, {6, "Serial Number", "4E+12"}, {9, "Asset Tag", "1.23457E+11"}} {
		b := rep.Bad[i]
		if b.Line != want.line || b.Column != want.col || !strings.Contains(b.Reason, want.cell) || !strings.Contains(b.Reason, "Excel") || !strings.Contains(b.Reason, "as text") {
			t.Errorf("bad row %d: %+v, want line %d, column %s, naming %s and Excel", i, b, want.line, want.col, want.cell)
		}
	}
	if after := takeSnapshot(t, db); after.events != before.events || len(after.assets) != 0 {
		t.Fatalf("a refused import changed the register: %d events, %d assets", after.events-before.events, len(after.assets))
	}
	// --skip-invalid takes the good rows.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{SkipInvalid: true})
	if err != nil || rep.Imported != 4 || rep.BadRows != 4 {
		t.Fatalf("skip-invalid: %+v, %v", rep, err)
	}
	for tag, serial := range map[string]string{"EX-3": "12E34", "EX-4": "1E5", "EX-6": "1.5e+3", "EX-7": "1.2.3E+4"} {
		if a := mustAsset(t, db, tag); a.Serial != serial {
			t.Errorf("%s: serial %q, want %q", tag, a.Serial, serial)
		}
	}
	// A decimal comma's Excel (a semicolon file) writes 3,54679E+14.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag;Model Name;Serial Number\nEX-8;Latitude 5440;3,54679E+14\n"), store.ImportOptions{})
	if store.ErrorCode(err) != store.EINVALID || rep.BadRows != 1 || !strings.Contains(rep.Bad[0].Reason, "Excel") {
		t.Fatalf("decimal comma: %+v, %v", rep, err)
	}
	mustVerify(t, db)
}
