package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// badImport imports data, which must be refused whole for bad rows, and
// checks that the register did not change; it returns the report.
func badImport(t *testing.T, db *store.DB, data string, opt store.ImportOptions) store.ImportReport {
	t.Helper()
	before := takeSnapshot(t, db)
	rep, err := db.ImportSnipeIT(context.Background(), strings.NewReader(data), opt)
	if store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("import: %+v, %v; want it refused", rep, err)
	}
	if after := takeSnapshot(t, db); after.events != before.events {
		t.Fatalf("a refused import changed the register")
	}
	return rep
}

// badRowSays checks that rep lists a bad row at line, in column col,
// whose reason says each of says.
func badRowSays(t *testing.T, rep store.ImportReport, line int, col string, says ...string) {
	t.Helper()
	for _, b := range rep.Bad {
		if b.Line != line {
			continue
		}
		if b.Column != col {
			t.Errorf("line %d: column %q, want %q (%s)", line, b.Column, col, b.Reason)
		}
		for _, s := range says {
			if !strings.Contains(b.Reason, s) {
				t.Errorf("line %d: %q does not say %q", line, b.Reason, s)
			}
		}
		return
	}
	t.Errorf("no bad row at line %d (bad: %+v)", line, rep.Bad)
}

// A currency written in the Purchase Cost cell and the row's Currency
// column must agree: the column won without a word ("€100" with USD was
// imported as 100 USD). A bare symbol several currencies write ($, ¥, £)
// agrees with each of them.
func TestImportSnipeITCostCurrencyDisagrees(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Purchase Cost,Currency\n"
	rep := badImport(t, db, head+
		"C-1,Latitude 5440,€100,USD\n"+
		"C-2,Latitude 5440,A$100,NZD\n"+
		"C-3,Latitude 5440,100 EUR,GBP\n"+
		"C-4,Latitude 5440,$100,EUR\n"+
		"C-5,Latitude 5440,\"€1,299\",usd\n"+ // (a cost the file's others settle)
		"C-6,Latitude 5440,€1.50,EUR\n", store.ImportOptions{})
	if rep.BadRows != 5 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Purchase Cost", `"€100"`, "EUR", "USD")
	badRowSays(t, rep, 3, "Purchase Cost", `"A$100"`, "AUD", "NZD")
	badRowSays(t, rep, 4, "Purchase Cost", `"100 EUR"`, "EUR", "GBP")
	badRowSays(t, rep, 5, "Purchase Cost", `"$100"`, "EUR")
	badRowSays(t, rep, 6, "Purchase Cost", `"€1,299"`, "EUR", "USD")

	rep = importSnipe(t, db, []byte(head+
		"D-1,Latitude 5440,€100,EUR\n"+
		"D-2,Latitude 5440,$100,AUD\n"+ // dollars: the column says which
		"D-3,Latitude 5440,¥100,CNY\n"+
		"D-4,Latitude 5440,100 USD,\n"+
		"D-5,Latitude 5440,100,GBP\n"+
		"D-6,Latitude 5440,A$100,aud\n"), store.ImportOptions{})
	if rep.Imported != 6 {
		t.Fatalf("agreeing rows: %+v", rep)
	}
	for tag, want := range map[string]string{"D-1": "EUR", "D-2": "AUD", "D-3": "CNY", "D-4": "USD", "D-5": "GBP", "D-6": "AUD"} {
		if a := mustAsset(t, db, tag); a.PurchaseCost != "100.00" || a.Currency != want {
			t.Errorf("%s: %s %s, want 100.00 %s", tag, a.PurchaseCost, a.Currency, want)
		}
	}
	mustVerify(t, db)
}

// Snipe-IT's ID column as a spreadsheet writes it (1007.0, "1,008",
// 01009) is kept as the id (1007): it was kept as written, so a label's
// link /hardware/1007 missed the asset and a later --update with clean
// IDs was refused as retagged. A cell no reading makes a whole number is
// a bad row. IDs an older tagdesk kept as written are still found.
func TestImportSnipeITIDAsSpreadsheetsWriteIt(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	head := "ID,Asset Tag,Model Name\n"
	rep := badImport(t, db, head+
		"10.5,B-1,Latitude 5440\n"+
		"abc,B-2,Latitude 5440\n"+
		"\"1,00,8\",B-3,Latitude 5440\n"+
		"\"1,000\",B-4,Latitude 5440\n"+ // 1000, or 1 with three decimals?
		"-3,B-5,Latitude 5440\n"+
		"0,B-6,Latitude 5440\n"+
		"1E+3,B-7,Latitude 5440\n"+
		"99999999999999999999999,B-8,Latitude 5440\n", store.ImportOptions{})
	if rep.BadRows != 8 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "ID", `"10.5"`, "whole number")
	badRowSays(t, rep, 3, "ID", `"abc"`, "whole number")
	badRowSays(t, rep, 4, "ID", `"1,00,8"`, "whole number")
	badRowSays(t, rep, 5, "ID", `"1,000"`, "1000", "1")
	badRowSays(t, rep, 9, "ID", "at most")

	importSnipe(t, db, []byte(head+
		"1007.0,A-1,Latitude 5440\n"+
		"\"1,008\",A-2,Latitude 5440\n"+
		"01009,A-3,Latitude 5440\n"+
		"1010.00,A-4,Latitude 5440\n"+
		"\"1 011\",A-5,Latitude 5440\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"A-1": "1007", "A-2": "1008", "A-3": "1009", "A-4": "1010", "A-5": "1011"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	for scan, want := range map[string]string{
		"https://snipe.example.com/hardware/1007":  "A-1",
		"https://snipe.example.com/hardware/01009": "A-3",
	} {
		if a, err := db.ResolveAsset(ctx, scan); err != nil || a.Tag != want {
			t.Errorf("%s: %s %v, want %s", scan, a.Tag, err, want)
		}
	}
	// A semicolon file of a decimal-comma spreadsheet.
	importSnipe(t, db, []byte("ID;Asset Tag;Model Name\n1012,0;A-6;Latitude 5440\n1.013;A-7;Latitude 5440\n"), store.ImportOptions{})
	if a, b := mustAsset(t, db, "A-6"), mustAsset(t, db, "A-7"); a.Custom[store.SnipeITIDField] != "1012" || b.Custom[store.SnipeITIDField] != "1013" {
		t.Errorf("semicolon file: %v, %v", a.Custom, b.Custom)
	}

	// A register an older tagdesk filled kept them as written: a link
	// and an update with the clean ID still find the asset, and the
	// update writes the ID clean.
	for tag, old := range map[string]string{"A-1": "1007.0", "A-2": "1,008", "A-3": "01009"} {
		if _, err := db.UpdateAsset(ctx, tag, map[string]string{"custom:" + store.SnipeITIDField: old}); err != nil {
			t.Fatal(err)
		}
	}
	for scan, want := range map[string]string{
		"https://snipe.example.com/hardware/1007":  "A-1",
		"https://snipe.example.com/hardware/1008":  "A-2",
		"https://snipe.example.com/hardware/01009": "A-3",
	} {
		if a, err := db.ResolveAsset(ctx, scan); err != nil || a.Tag != want {
			t.Errorf("old register, %s: %s %v, want %s", scan, a.Tag, err, want)
		}
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Asset Name,Model Name\n1007,A-1,One,Latitude 5440\n1008,,Two,Latitude 5440\n1009,A-3,Three,Latitude 5440\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 3 || rep.Imported != 0 {
		t.Fatalf("update of an old register: %+v, %v", rep, err)
	}
	for tag, want := range map[string]string{"A-1": "1007", "A-2": "1008", "A-3": "1009"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s after the update: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	mustVerify(t, db)
}

// A date with its time in a named zone (EST, CET) kept its day and
// dropped its time (a check-out at midnight). Zone names are ambiguous
// (CST, IST): such a cell is a bad row asking for an offset, in every
// date column; UTC, GMT, Z and offsets are read as before (an offset
// without seconds too).
func TestImportSnipeITNamedTimeZone(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date,Purchase Date,EOL Date\n"
	rep := badImport(t, db, head+
		"Z-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 EST,,\n"+
		"Z-2,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 CET,,\n"+
		"Z-3,Latitude 5440,User,ana@example.com,3/20/2024 10:00 AM IST,,\n"+
		"Z-4,Latitude 5440,,,,2024-03-20 10:00 CST,\n"+
		"Z-5,Latitude 5440,,,,,2024-03-20T10:00:00 CEST\n", store.ImportOptions{})
	if rep.BadRows != 5 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Checkout Date", "EST", "offset", "+01:00", "without a zone")
	badRowSays(t, rep, 3, "Checkout Date", "CET", "offset")
	badRowSays(t, rep, 4, "Checkout Date", "IST", "offset")
	badRowSays(t, rep, 5, "Purchase Date", "CST", "offset")
	badRowSays(t, rep, 6, "EOL Date", "CEST", "offset")

	importSnipe(t, db, []byte(head+
		"Y-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 UTC,2024-03-01 09:00 GMT,\n"+
		"Y-2,Latitude 5440,User,ana@example.com,2024-03-20 10:00 +01:00,2024-03-01 09:00 -05:00,\n"+
		"Y-3,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 -0500,,\n"+
		"Y-4,Latitude 5440,User,ana@example.com,2024-03-20T10:00Z,,\n"+
		"Y-5,Latitude 5440,User,ana@example.com,3/20/2024 10:00 PM GMT,,\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"Y-1": "2024-03-20T10:00:00Z", "Y-2": "2024-03-20T09:00:00Z", "Y-3": "2024-03-20T15:00:00Z", "Y-4": "2024-03-20T10:00:00Z", "Y-5": "2024-03-20T22:00:00Z"} {
		if a := mustAsset(t, db, tag); a.CheckedOutAt != want {
			t.Errorf("%s checked out at %s, want %s", tag, a.CheckedOutAt, want)
		}
	}
	if a := mustAsset(t, db, "Y-2"); a.PurchaseDate != "2024-03-01" {
		t.Errorf("Y-2 purchased %s", a.PurchaseDate)
	}
	mustVerify(t, db)
}

// A Purchase Cost of 50 digits was taken. Costs are kept as decimal text
// with two decimals, and read as numbers of 15 significant digits (a
// spreadsheet, a float): one with more would lose digits there, and is a
// bad row stating the bound.
func TestImportSnipeITCostTooLarge(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Purchase Cost\n"
	rep := badImport(t, db, head+
		"G-1,Latitude 5440,12345678901234567890123456789012345678901234567890\n"+
		"G-2,Latitude 5440,\"10,000,000,000,000\"\n"+
		"G-3,Latitude 5440,€99999999999999.5\n", store.ImportOptions{})
	if rep.BadRows != 3 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	for line := 2; line <= 4; line++ {
		badRowSays(t, rep, line, "Purchase Cost", "too large", "at most 9999999999999.99")
	}
	importSnipe(t, db, []byte(head+"H-1,Latitude 5440,9999999999999.99\nH-2,Latitude 5440,0009999999999999\n"), store.ImportOptions{})
	if a, b := mustAsset(t, db, "H-1"), mustAsset(t, db, "H-2"); a.PurchaseCost != "9999999999999.99" || b.PurchaseCost != "9999999999999.00" {
		t.Errorf("costs at the bound: %s, %s", a.PurchaseCost, b.PurchaseCost)
	}
	// An edit is held to it too (ParseCost).
	if _, err := db.UpdateAsset(context.Background(), "H-1", map[string]string{"purchase_cost": "10000000000000"}); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "at most 9999999999999.99") {
		t.Errorf("edit to a cost too large: %v", err)
	}
	mustVerify(t, db)
}

// Excel's separator hint on a file's first line (sep=;) was read as the
// header and the file refused with a garbled message: it says the
// separator, the line is skipped, and lines are counted from it. So for
// users and locations files.
func TestImportSnipeITSeparatorHint(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ hint, sep, end string }{
		{"sep=;", ";", "\n"}, {"sep=,", ",", "\r\n"}, {"sep=\t", "\t", "\n"}, {`sep=\t`, "\t", "\n"},
		{"sep=|", "|", "\r\n"}, {"\ufeffSEP=;", ";", "\n"}, {"sep=;", ";", "\r"}, {`"sep=;"`, ";", "\n"},
		// As a spreadsheet that kept the hint as a row writes it back
		// (padded to the row's width), or with a space after it.
		{"sep=;;;;;;", ";", "\n"}, {`"sep=;";;;;;`, ";", "\r\n"}, {"sep=; ", ";", "\n"}, {"sep=,,,", ",", "\n"},
		{"sep=\t\t\t", "\t", "\n"}, {`"sep=|"|||`, "|", "\n"}, {`"sep=;";"";""`, ";", "\n"},
	} {
		db := mustOpen(t)
		seed(t, db)
		row := func(cells ...string) string { return `"` + strings.Join(cells, `"`+c.sep+`"`) + `"` + c.end }
		data := c.hint + c.end + row("Asset Tag", "Model Name", "Asset Name") + row("S-1", "Latitude 5440", "One, two; three | four") + row("S-2", "", "No model")
		rep := badImport(t, db, data, store.ImportOptions{})
		if rep.BadRows != 1 {
			t.Errorf("%q: bad rows %+v", c.hint, rep.Bad)
			continue
		}
		badRowSays(t, rep, 4, "Model Name", "no model")
		rep = importSnipe(t, db, []byte(data), store.ImportOptions{SkipInvalid: true})
		if rep.Imported != 1 || mustAsset(t, db, "S-1").Name != "One, two; three | four" {
			t.Errorf("%q: %+v", c.hint, rep)
		}

		users := c.hint + c.end + row("Name", "Username", "Email") + row("Ana Two", "asilva2", "ana2@example.com") + row("Bad", "bad", "not an email")
		if rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader(users), store.ImportOptions{}); err == nil || len(rep.Bad) != 1 || rep.Bad[0].Line != 4 {
			t.Errorf("%q users: %+v, %v", c.hint, rep, err)
		}
		locs := c.hint + c.end + row("Name", "Parent") + row("Shelf 9", "")
		if rep, err := db.ImportSnipeITLocations(ctx, strings.NewReader(locs), store.ImportOptions{}); err != nil || rep.Imported != 1 {
			t.Errorf("%q locations: %+v, %v", c.hint, rep, err)
		}
	}
	// Only a hint of one separator is one (padded with it): anything
	// else on the first line is the header.
	for _, first := range []string{"sep=;,", "sep=;x", `"sep=;",;`, "sep=ab"} {
		db := mustOpen(t)
		seed(t, db)
		if _, err := db.ImportSnipeIT(ctx, strings.NewReader(first+"\nAsset Tag;Model Name\nS-1;Latitude 5440\n"), store.ImportOptions{}); err == nil {
			t.Errorf("%s taken for a hint", first)
		}
	}
}

// Warranty Months as a spreadsheet's number format writes them (36,0,
// 36.00) was refused: a whole number with a zero fraction is taken; a
// real fraction (36,5) stays a bad row.
func TestImportSnipeITWarrantyMonthsZeroFraction(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Purchase Date,Warranty Months\n"
	rep := badImport(t, db, head+
		"W-1,Latitude 5440,2024-01-15,\"36,5\"\n"+
		"W-2,Latitude 5440,2024-01-15,36.5\n"+
		"W-3,Latitude 5440,2024-01-15,\"1,200,0\"\n", store.ImportOptions{})
	if rep.BadRows != 3 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Warranty Months", `"36,5"`, "not a number of months")
	badRowSays(t, rep, 3, "Warranty Months", `"36.5"`, "not a number of months")
	importSnipe(t, db, []byte(head+
		"V-1,Latitude 5440,2024-01-15,\"36,0\"\n"+
		"V-2,Latitude 5440,2024-01-15,36.0\n"+
		"V-3,Latitude 5440,2024-01-15,36.00\n"+
		"V-4,Latitude 5440,2024-01-15,\"36,00 months\"\n"), store.ImportOptions{})
	importSnipe(t, db, []byte("Asset Tag;Model Name;Purchase Date;Warranty Months\nV-5;Latitude 5440;2024-01-15;36,0\n"), store.ImportOptions{})
	for _, tag := range []string{"V-1", "V-2", "V-3", "V-4", "V-5"} {
		if a := mustAsset(t, db, tag); a.WarrantyEnd != "2027-01-15" {
			t.Errorf("%s: warranty ends %q", tag, a.WarrantyEnd)
		}
	}
}

// A register an older tagdesk filled from a decimal-comma file kept its
// IDs as written there ("1.010", "1011,0", "1012,00", "1 013") or with
// leading zeros ("01014"): a label's link (/hardware/1010, as Snipe-IT
// prints it) and an --update of the same file find them, and a tagless
// row without a serial is not imported a second time (the row's ID was
// looked up as the number alone, its cell as written forgotten).
func TestImportSnipeITIDOldDecimalCommaForms(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	old := map[string]string{"A-1": "1.010", "A-2": "1011,0", "A-3": "1012,00", "A-4": "1 013", "A-5": "01014", "A-6": "1’015"}
	importSnipe(t, db, []byte("ID;Asset Tag;Model Name\n1010;A-1;Latitude 5440\n1011;A-2;Latitude 5440\n1012;A-3;Latitude 5440\n1013;A-4;Latitude 5440\n1014;A-5;Latitude 5440\n1015;A-6;Latitude 5440\n"), store.ImportOptions{})
	for tag, id := range old {
		if _, err := db.UpdateAsset(ctx, tag, map[string]string{"custom:" + store.SnipeITIDField: id}); err != nil {
			t.Fatal(err)
		}
	}
	for id, want := range map[string]string{"1010": "A-1", "1011": "A-2", "1012": "A-3", "1013": "A-4", "1014": "A-5", "1015": "A-6"} {
		if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/"+id); err != nil || a.Tag != want {
			t.Errorf("old register, /hardware/%s: %s %v, want %s", id, a.Tag, err, want)
		}
	}
	// The same file again, tagless and serial-less (each row is its
	// asset by the ID alone).
	file := "ID;Asset Tag;Asset Name;Model Name\n"
	for _, tag := range []string{"A-1", "A-2", "A-3", "A-4", "A-5", "A-6"} {
		file += old[tag] + ";;Name " + tag + ";Latitude 5440\n"
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 6 || rep.Imported != 0 {
		t.Fatalf("update of an old register: imported %d, updated %d, bad %+v, %v", rep.Imported, rep.Updated, rep.Bad, err)
	}
	for tag := range old {
		if a := mustAsset(t, db, tag); a.Name != "Name "+tag {
			t.Errorf("%s: name %q after the update", tag, a.Name)
		}
	}
	mustVerify(t, db)
}

// An ID an older tagdesk kept as "1,000" (two readings: a thousand, or 1
// with three decimals, so not read back as a number) is the asset a clean
// 1000 of its tag updates: an --update with it was refused as retagged.
// A tagless row finds it only when the file groups thousands so.
func TestImportSnipeITIDOldAmbiguousForm(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	importSnipe(t, db, []byte("ID,Asset Tag,Model Name\n1000,A-1,Latitude 5440\n2000,A-2,Latitude 5440\n"), store.ImportOptions{})
	for tag, id := range map[string]string{"A-1": "1,000", "A-2": "2.000"} {
		if _, err := db.UpdateAsset(ctx, tag, map[string]string{"custom:" + store.SnipeITIDField: id}); err != nil {
			t.Fatal(err)
		}
	}
	// ("1,000" may be 1: a link, which no file settles, does not take it
	// for 1000; TestImportSnipeITIDExactFormWins.)
	if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/1000"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("/hardware/1000: %s %v, want not found", a.Tag, err)
	}
	// A-1 by its tag; the tagless 2000 by "2.000", the file grouping its
	// IDs' thousands by points ("1.001").
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Asset Name,Model Name\n1000,A-1,One,Latitude 5440\n2000,,Two,Latitude 5440\n1.001,A-3,Three,Latitude 5440\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 2 || rep.Imported != 1 {
		t.Fatalf("update of an old register: imported %d, updated %d, bad %+v, %v", rep.Imported, rep.Updated, rep.Bad, err)
	}
	for tag, want := range map[string]string{"A-1": "1000", "A-2": "2000"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s after the update: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	mustVerify(t, db)
}

// "€1.299" with Currency USD in a decimal-comma file: refused as "€100"
// is (its currency was read with a decimal point assumed, three
// decimals, an error, and the check skipped: 1299 USD imported without a
// word).
func TestImportSnipeITCostCurrencyDisagreesDecimalComma(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	rep := badImport(t, db, "Asset Tag;Model Name;Purchase Cost;Currency\n"+
		"A-1;Latitude 5440;€1.299;USD\n"+
		"A-2;Latitude 5440;100,50;EUR\n"+
		"A-3;Latitude 5440;1.299 €;GBP\n"+
		"A-4;Latitude 5440;€1.299,50;USD\n"+
		"A-5;Latitude 5440;€1.299;EUR\n", store.ImportOptions{})
	if rep.BadRows != 3 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Purchase Cost", "EUR", "USD")
	badRowSays(t, rep, 4, "Purchase Cost", "EUR", "GBP")
	badRowSays(t, rep, 5, "Purchase Cost", "EUR", "USD")
}

// tagdesk's own export writes the Snipe-IT ID as the custom field
// "Snipe-IT ID": after a spreadsheet formatted it ("1.007", "1008.0",
// "01009") an import kept it as written, and a label's link missed the
// asset. It is read as an ID column is (a cell that is no whole number is
// a bad row).
func TestImportSnipeITIDCustomColumn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Snipe-IT ID\n"
	// (Not a bad row: an older tagdesk stored such values from a custom
	// column, and its export comes back; TestImportSnipeITIDCustomColumnOwnExport.)
	rep := importSnipe(t, db, []byte(head+"B-1,Latitude 5440,10.5\nB-2,Latitude 5440,abc\n"), store.ImportOptions{})
	if rep.Imported != 2 || rep.WarningCount != 1 || !strings.Contains(rep.Warnings[0].Reason, "lines 2, 3") || !strings.Contains(rep.Warnings[0].Reason, `"10.5"`) {
		t.Fatalf("kept as written: %+v", rep)
	}
	for tag, want := range map[string]string{"B-1": "10.5", "B-2": "abc"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	importSnipe(t, db, []byte(head+"A-1,Latitude 5440,1.007\nA-2,Latitude 5440,1008.0\nA-3,Latitude 5440,01009\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"A-1": "1007", "A-2": "1008", "A-3": "1009"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
		id := strings.TrimPrefix(want, "0")
		if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/"+id); err != nil || a.Tag != tag {
			t.Errorf("/hardware/%s: %s %v, want %s", id, a.Tag, err, tag)
		}
	}
	mustVerify(t, db)
}

// IDs "1,000" and "2,000" (a thousand, or 1 with three decimals?) were
// refused even when the file's other IDs show its separator groups
// thousands ("1,001"; a value of two groups): they are read so, with a
// note, as costs are. A file that shows nothing, or both, still refuses
// them.
func TestImportSnipeITIDThousandsSettledByFile(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	rep := importSnipe(t, db, []byte("ID,Asset Tag,Model Name\n"+
		"\"1,000\",A-1,Latitude 5440\n"+
		"\"1,001\",A-2,Latitude 5440\n"+
		"\"2,000\",A-3,Latitude 5440\n"), store.ImportOptions{})
	if rep.Imported != 3 {
		t.Fatalf("comma file: %+v", rep)
	}
	noted := false
	for _, w := range rep.Warnings {
		noted = noted || strings.Contains(w.Reason, `"1,000" read as 1000`) && strings.Contains(w.Reason, "line 3")
	}
	if !noted {
		t.Errorf("no note of the reading: %+v", rep.Warnings)
	}
	// A German file: "1.000" beside "1.234.567" (two groups).
	importSnipe(t, db, []byte("ID;Asset Tag;Model Name\n1.000.000;A-4;Latitude 5440\n3.000;A-5;Latitude 5440\n"), store.ImportOptions{})
	// One whose decimal mark is the comma ("1012,0"): its points group.
	importSnipe(t, db, []byte("ID;Asset Tag;Model Name\n1012,0;A-6;Latitude 5440\n6.000;A-7;Latitude 5440\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"A-1": "1000", "A-2": "1001", "A-3": "2000", "A-4": "1000000", "A-5": "3000", "A-6": "1012", "A-7": "6000"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/2000"); err != nil || a.Tag != "A-3" {
		t.Errorf("/hardware/2000: %s %v", a.Tag, err)
	}
	// No evidence, or evidence both ways: refused.
	rep = badImport(t, db, "ID,Asset Tag,Model Name\n\"4,000\",B-1,Latitude 5440\n1002,B-2,Latitude 5440\n", store.ImportOptions{})
	badRowSays(t, rep, 2, "ID", `"4,000"`, "4000", "4")
	rep = badImport(t, db, "ID;Asset Tag;Model Name\n5,000;B-3;Latitude 5440\n1,003;B-4;Latitude 5440\n1004,0;B-5;Latitude 5440\n", store.ImportOptions{})
	if rep.BadRows != 1 {
		t.Fatalf("both ways: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "ID", `"5,000"`, "5000", "5")
	mustVerify(t, db)
}

// A time's zone written as an offset from UTC or GMT ("GMT+1",
// "GMT+01:00", "UTC+01:00", "UTC-5") is read as that offset: "GMT+1" after
// a day first date dropped the time without a word, and "UTC+01:00" was
// "not a date". An offset no zone has is a bad row saying so.
func TestImportSnipeITZoneOffsetAfterUTC(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date,Purchase Date\n"
	rep := badImport(t, db, head+
		"Z-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 UTC+15,\n"+
		"Z-2,Latitude 5440,User,ana@example.com,20.03.2024 10:00 GMT+1:75,\n"+
		"Z-3,Latitude 5440,,,,2024-03-20 10:00 GMT-16\n", store.ImportOptions{})
	if rep.BadRows != 3 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Checkout Date", "UTC+15", "offset")
	badRowSays(t, rep, 3, "Checkout Date", "GMT+1:75", "offset")
	badRowSays(t, rep, 4, "Purchase Date", "GMT-16", "offset")

	importSnipe(t, db, []byte(head+
		"Y-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 GMT+1,2024-03-01 09:00 GMT-5\n"+
		"Y-2,Latitude 5440,User,ana@example.com,20.03.2024 10:00 GMT+1,\n"+
		"Y-3,Latitude 5440,User,ana@example.com,2024-03-20 10:00 GMT+01:00,\n"+
		"Y-4,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 UTC+01:00,\n"+
		"Y-5,Latitude 5440,User,ana@example.com,3/20/2024 10:00 AM UTC-5,\n"+
		"Y-6,Latitude 5440,User,ana@example.com,2024-03-20T10:00:00 UTC+5:30,\n"+
		"Y-7,Latitude 5440,User,ana@example.com,2024-03-20 01:00 UTC+0200,\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"Y-1": "2024-03-20T09:00:00Z", "Y-2": "2024-03-20T09:00:00Z", "Y-3": "2024-03-20T09:00:00Z", "Y-4": "2024-03-20T09:00:00Z", "Y-5": "2024-03-20T15:00:00Z", "Y-6": "2024-03-20T04:30:00Z", "Y-7": "2024-03-19T23:00:00Z"} {
		if a := mustAsset(t, db, tag); a.CheckedOutAt != want {
			t.Errorf("%s checked out at %s, want %s", tag, a.CheckedOutAt, want)
		}
	}
	if a := mustAsset(t, db, "Y-1"); a.PurchaseDate != "2024-03-01" {
		t.Errorf("Y-1 purchased %s", a.PurchaseDate)
	}
	mustVerify(t, db)
}

// "20.03.2024 10:00 Uhr" (German "o'clock") imported before zone names
// were refused, and was then refused as the zone UHR. A clock word after
// the time (Uhr, h, hrs, o'clock, horas) is no zone: the time is read.
// Zone names (PST, MEZ) stay refused; a word that is neither is refused
// as such (TestImportSnipeITWordAfterTime).
func TestImportSnipeITClockWord(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date\n"
	rep := badImport(t, db, head+
		"Z-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 PST\n"+
		"Z-2,Latitude 5440,User,ana@example.com,20.03.2024 10:00 MEZ\n"+
		"Z-3,Latitude 5440,User,ana@example.com,2024-03-20 10:00 XYZ\n"+
		// (A zone starting as a clock's AM or PM is the zone: a review.)
		"Z-4,Latitude 5440,User,ana@example.com,2024-03-20 10:00 AMT\n"+
		"Z-5,Latitude 5440,User,ana@example.com,2024-03-20 10:00 PMDT\n"+
		"Z-6,Latitude 5440,User,ana@example.com,2024-03-20 10:00 a.m. EST\n", store.ImportOptions{})
	if rep.BadRows != 6 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Checkout Date", "PST", "offset")
	badRowSays(t, rep, 3, "Checkout Date", "MEZ", "offset")
	badRowSays(t, rep, 4, "Checkout Date", `"XYZ" after the time`, "neither a UTC offset nor a clock word")
	badRowSays(t, rep, 5, "Checkout Date", "AMT", "offset")
	badRowSays(t, rep, 7, "Checkout Date", "EST", "offset")

	importSnipe(t, db, []byte(head+
		"R-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00\n"+
		"K-1,Latitude 5440,User,ana@example.com,20.03.2024 10:00 Uhr\n"+
		"K-2,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 uhr\n"+
		"K-3,Latitude 5440,User,ana@example.com,20.03.2024 10:00 h\n"+
		"K-4,Latitude 5440,User,ana@example.com,3/20/2024 10:00 hrs\n"+
		"K-5,Latitude 5440,User,ana@example.com,20/03/2024 10:00 horas\n"+
		"K-6,Latitude 5440,User,ana@example.com,2024-03-20 10:00 o'clock\n"+
		"K-7,Latitude 5440,User,ana@example.com,20.03.2024 10:00 Uhr.\n"), store.ImportOptions{})
	want := mustAsset(t, db, "R-1").CheckedOutAt
	if want == "" {
		t.Fatal("no time read from 2024-03-20 10:00")
	}
	for _, tag := range []string{"K-1", "K-2", "K-3", "K-4", "K-5", "K-6", "K-7"} {
		if a := mustAsset(t, db, tag); a.CheckedOutAt != want {
			t.Errorf("%s checked out at %q, want %q", tag, a.CheckedOutAt, want)
		}
	}
	mustVerify(t, db)
}

// A register an older build filled holds one asset with Snipe-IT ID
// "1.000" and another with "1000": a tagless row of ID 1000 updates the
// one stored exactly 1000 (it found both, as "1.000" was taken for a form
// of 1000 with no evidence, called the ID "several have it", and added a
// new asset). "1.000" (a thousand, or 1 with three decimals) counts for
// 1000 only when the file settles it so, and never for a link.
func TestImportSnipeITIDExactFormWins(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	importSnipe(t, db, []byte("ID,Asset Tag,Model Name\n1,A-1,Latitude 5440\n1000,A-2,Latitude 5440\n3000,A-3,Latitude 5440\n5000,A-5,Latitude 5440\n"), store.ImportOptions{})
	for tag, id := range map[string]string{"A-1": "1.000", "A-3": "3,000", "A-5": "5,000"} {
		if _, err := db.UpdateAsset(ctx, tag, map[string]string{"custom:" + store.SnipeITIDField: id}); err != nil {
			t.Fatal(err)
		}
	}
	if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/1000"); err != nil || a.Tag != "A-2" {
		t.Errorf("/hardware/1000: %s %v, want A-2", a.Tag, err)
	}
	if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/3000"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("/hardware/3000 (stored only as \"3,000\", which may be 3): %s %v, want not found", a.Tag, err)
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model,Location,Notes\n1000,,Lap,WH,x\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 1 || rep.Imported != 0 {
		t.Fatalf("tagless 1000: imported %d, updated %d, bad %+v, %v", rep.Imported, rep.Updated, rep.Bad, err)
	}
	if a := mustAsset(t, db, "A-2"); a.Notes != "x" {
		t.Errorf("A-2's notes %q, want x", a.Notes)
	}
	if a := mustAsset(t, db, "A-1"); a.Notes != "" || a.Custom[store.SnipeITIDField] != "1.000" {
		t.Errorf("A-1 changed: %+v", a)
	}
	// "5,000" alone, the file saying nothing of its commas: not 5000's.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model Name,Notes\n5000,,Latitude 5440,y\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 0 || rep.Imported != 1 {
		t.Fatalf("tagless 5000, file silent: imported %d, updated %d, bad %+v, %v", rep.Imported, rep.Updated, rep.Bad, err)
	}
	if a := mustAsset(t, db, "A-5"); a.Notes != "" {
		t.Errorf("A-5 (\"5,000\") updated by a file that does not say: %+v", a)
	}
	// A file whose commas group thousands ("1,001"): "3,000" is 3000's.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("ID,Asset Tag,Model Name,Notes\n3000,,Latitude 5440,z\n\"1,001\",A-4,Latitude 5440,\n"), store.ImportOptions{Update: true})
	if err != nil || rep.Updated != 1 || rep.Imported != 1 {
		t.Fatalf("tagless 3000, file grouping by commas: imported %d, updated %d, bad %+v, %v", rep.Imported, rep.Updated, rep.Bad, err)
	}
	if a := mustAsset(t, db, "A-3"); a.Notes != "z" {
		t.Errorf("A-3's notes %q, want z", a.Notes)
	}
	mustVerify(t, db)
}

// tagdesk's own export brought back: a "Snipe-IT ID" value an older build
// stored from a custom column ("1,000", "n/a") is kept as written, with
// one warning naming the lines, not a bad row (the whole file was
// refused); one parseSnipeID reads is kept as the number.
func TestImportSnipeITIDCustomColumnOwnExport(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t)
	seed(t, src)
	importSnipe(t, src, []byte("Asset Tag,Model Name,Old\nA-1,Latitude 5440,\nA-2,Latitude 5440,\nA-3,Latitude 5440,\n"), store.ImportOptions{})
	for tag, id := range map[string]string{"A-1": "1,000", "A-2": "n/a", "A-3": "1.007"} {
		if _, err := src.UpdateAsset(ctx, tag, map[string]string{"custom:" + store.SnipeITIDField: id}); err != nil {
			t.Fatal(err)
		}
	}
	var exp bytes.Buffer
	if _, err := src.ExportSnipeIT(ctx, &exp); err != nil {
		t.Fatal(err)
	}
	dst := mustOpen(t)
	rep, err := dst.ImportSnipeIT(ctx, bytes.NewReader(exp.Bytes()), store.ImportOptions{})
	if err != nil || rep.Imported != 3 || rep.BadRows != 0 {
		t.Fatalf("own export: imported %d, bad %+v, %v", rep.Imported, rep.Bad, err)
	}
	for tag, want := range map[string]string{"A-1": "1,000", "A-2": "n/a", "A-3": "1007"} {
		if a := mustAsset(t, dst, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	n := 0
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "kept as written") {
			n++
			if w.Column != store.SnipeITIDField || !strings.Contains(w.Reason, "lines 2, 3") || !strings.Contains(w.Reason, `"1,000"`) {
				t.Errorf("warning: %+v", w)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d warnings of IDs kept as written, want 1: %+v", n, rep.Warnings)
	}
	// Snipe-IT's own ID column stays strict.
	rep = badImport(t, dst, "ID,Asset Tag,Model Name\nn/a,B-1,Latitude 5440\n", store.ImportOptions{})
	badRowSays(t, rep, 2, "ID", `"n/a"`, "whole number")
	mustVerify(t, dst)
}

// A word after a date cell's time that is neither a UTC offset, a zone
// name (refused already) nor a clock word had the time dropped without a
// word: "20.03.2024 10:00 abc" imported the day alone, in every date
// column. It is a bad row naming the cell and the word, a dry run
// included; the forms read before still are.
func TestImportSnipeITWordAfterTime(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date,Purchase Date,Expected Checkin\n"
	bad := head +
		"Z-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 foo,,\n" +
		"Z-2,Latitude 5440,User,ana@example.com,20.03.2024 10:00 abc,,\n" +
		"Z-3,Latitude 5440,User,ana@example.com,3/20/2024 10:00 PM later,,\n" +
		"Z-4,Latitude 5440,,,,20.03.2024 10:00 foobar,\n" +
		"Z-5,Latitude 5440,User,ana@example.com,2024-03-20T10:00:00 abc,,\n" +
		"Z-6,Latitude 5440,User,ana@example.com,2024-03-20 10:00,,20.03.2024 17:00 xyz\n" +
		"Z-7,Latitude 5440,User,ana@example.com,20.03.2024 10:00 - 12:00,,\n" +
		"Z-8,Latitude 5440,User,ana@example.com,2024-03-20 10:00 +01:00 abc,,\n"
	for _, dry := range []bool{true, false} {
		rep := badImport(t, db, bad, store.ImportOptions{DryRun: dry})
		if rep.BadRows != 8 {
			t.Fatalf("dry run %v: bad rows: %+v", dry, rep.Bad)
		}
		badRowSays(t, rep, 2, "Checkout Date", `"2024-03-20 10:00 foo"`, `"foo" after the time`, "neither a UTC offset nor a clock word")
		badRowSays(t, rep, 3, "Checkout Date", `"abc" after the time`, "neither a UTC offset nor a clock word")
		badRowSays(t, rep, 4, "Checkout Date", `"later" after the time`)
		badRowSays(t, rep, 5, "Purchase Date", `"foobar" after the time`)
		badRowSays(t, rep, 6, "Checkout Date", `"abc" after the time`)
		badRowSays(t, rep, 7, "Expected Checkin", `"xyz" after the time`)
		badRowSays(t, rep, 8, "Checkout Date", `"- 12:00" after the time`)
		badRowSays(t, rep, 9, "Checkout Date", `"+01:00 abc" after the time`)
	}

	importSnipe(t, db, []byte(head+
		"R-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00,,\n"+
		"Y-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00 PM,,\n"+
		"Y-2,Latitude 5440,User,ana@example.com,20.03.2024 10:00 p.m.,2024-03-01 09:00 AM,\n"+
		"Y-3,Latitude 5440,User,ana@example.com,3/20/2024 10:00PM,,\n"+
		"Y-4,Latitude 5440,User,ana@example.com,2024-03-20T10:00:00.123Z,,\n"+
		"Y-5,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +01:00,,\n"+
		"Y-6,Latitude 5440,User,ana@example.com,20.03.2024 10:00 Uhr,,2024-04-01 17:00 h\n"+
		"Y-7,Latitude 5440,User,ana@example.com,\"2024-03-20 10:00:00,5\",,\n"+
		"Y-8,Latitude 5440,User,ana@example.com,\"Mar 20, 2024 10:00 PM\",,\n"+
		"Y-9,Latitude 5440,User,ana@example.com,2024-03-20,2024-03-01,2024-04-01\n"+
		"Y-10,Latitude 5440,User,ana@example.com,2024-03-20 10:00 UTC+5:30,,\n"), store.ImportOptions{})
	local := mustAsset(t, db, "R-1").CheckedOutAt
	if local == "" {
		t.Fatal("no time read from 2024-03-20 10:00")
	}
	pm := mustAsset(t, db, "Y-1").CheckedOutAt
	if pm == "" || pm == local {
		t.Fatalf("Y-1 checked out at %q", pm)
	}
	for tag, want := range map[string]string{"Y-2": pm, "Y-3": pm, "Y-4": "2024-03-20T10:00:00Z", "Y-5": "2024-03-20T09:00:00Z",
		"Y-6": local, "Y-7": local, "Y-8": pm, "Y-10": "2024-03-20T04:30:00Z"} {
		if a := mustAsset(t, db, tag); a.CheckedOutAt != want {
			t.Errorf("%s checked out at %q, want %q", tag, a.CheckedOutAt, want)
		}
	}
	if a := mustAsset(t, db, "Y-9"); a.CheckedOutAt[:10] != "2024-03-20" || a.PurchaseDate != "2024-03-01" {
		t.Errorf("Y-9: checked out at %q, purchased %q", a.CheckedOutAt, a.PurchaseDate)
	}
	if a := mustAsset(t, db, "Y-2"); a.PurchaseDate != "2024-03-01" {
		t.Errorf("Y-2 purchased %q", a.PurchaseDate)
	}
	mustVerify(t, db)
}

// tagdesk's own Snipe-IT ID column settles a two-way ID ("1,000": a
// thousand, or 1 with three decimals) by the file's other IDs, as
// Snipe-IT's ID column does: it was kept as written, with a warning, even
// beside "1,001", so that /hardware/1000 found nothing. A file that does
// not settle it still keeps it as written, with the warning.
func TestImportSnipeITIDCustomColumnSettledByFile(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Snipe-IT ID\n"
	rep := importSnipe(t, db, []byte(head+
		"A-1,Latitude 5440,\"1,000\"\n"+
		"A-2,Latitude 5440,\"1,001\"\n"+
		"A-3,Latitude 5440,\"2,000\"\n"), store.ImportOptions{})
	if rep.Imported != 3 || rep.BadRows != 0 {
		t.Fatalf("comma file: %+v", rep)
	}
	noted := false
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "kept as written") {
			t.Errorf("settled IDs kept as written: %+v", w)
		}
		noted = noted || strings.Contains(w.Reason, `"1,000" read as 1000`) && strings.Contains(w.Reason, "line 3") && w.Column == store.SnipeITIDField
	}
	if !noted {
		t.Errorf("no note of the reading: %+v", rep.Warnings)
	}
	// A German file's points: "3.000" beside "1.234.567".
	importSnipe(t, db, []byte("Asset Tag;Model Name;Snipe-IT ID\nA-4;Latitude 5440;1.234.567\nA-5;Latitude 5440;3.000\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"A-1": "1000", "A-2": "1001", "A-3": "2000", "A-4": "1234567", "A-5": "3000"} {
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
	}
	for id, tag := range map[string]string{"1000": "A-1", "2000": "A-3", "3000": "A-5"} {
		if a, err := db.ResolveAsset(ctx, "https://snipe.example.com/hardware/"+id); err != nil || a.Tag != tag {
			t.Errorf("/hardware/%s: %s %v, want %s", id, a.Tag, err, tag)
		}
	}
	// --update finds the asset by the settled ID.
	rep = importSnipe(t, db, []byte(head+"A-1,Latitude 5440,\"1,000\"\nA-2,Latitude 5440,\"1,001\"\n"), store.ImportOptions{Update: true})
	if rep.Imported != 0 || rep.Unchanged != 2 {
		t.Errorf("update by settled ID: %+v", rep)
	}
	// Nothing settles it (or both ways): kept as written, with the warning.
	for i, file := range []string{
		head + "B-1,Latitude 5440,\"4,000\"\nB-2,Latitude 5440,1002\n",
		"Asset Tag;Model Name;Snipe-IT ID\nB-3;Latitude 5440;5,000\nB-4;Latitude 5440;1,003\nB-5;Latitude 5440;1004,0\n",
	} {
		rep = importSnipe(t, db, []byte(file), store.ImportOptions{})
		tag, want := []string{"B-1", "B-3"}[i], []string{"4,000", "5,000"}[i]
		if a := mustAsset(t, db, tag); a.Custom[store.SnipeITIDField] != want {
			t.Errorf("%s: Snipe-IT ID %q, want %q", tag, a.Custom[store.SnipeITIDField], want)
		}
		kept := 0
		for _, w := range rep.Warnings {
			if strings.Contains(w.Reason, "kept as written") && strings.Contains(w.Reason, "line 2") && strings.Contains(w.Reason, `"`+want+`"`) {
				kept++
			}
		}
		if kept != 1 || rep.BadRows != 0 {
			t.Errorf("%s: %d warnings of IDs kept as written, bad %+v: %+v", tag, kept, rep.Bad, rep.Warnings)
		}
	}
	mustVerify(t, db)
}

// A note (or custom value) written on Windows holds CR LF line breaks.
// tagdesk's export writes them as they are, and a CSV reader reads a
// quoted cell's CR LF as LF (as a spreadsheet writes a cell's breaks): the
// note's lines come back the same, and import --update of the desk's own
// export rewrote every such note, and value, to the other line ending
// ("updated", an event each). A cell that differs from the register only
// so is unchanged; a lone CR comes back as it is.
func TestImportSnipeITOwnExportCRLFNote(t *testing.T) {
	ctx := context.Background()
	src := mustOpen(t)
	seed(t, src)
	notes := map[string]string{"A-1": "one\r\ntwo", "A-2": "one\rtwo", "A-3": "one\ntwo", "A-4": "x\r\n\r\ny"}
	importSnipe(t, src, []byte("Asset Tag,Model Name\nA-1,Latitude 5440\nA-2,Latitude 5440\nA-3,Latitude 5440\nA-4,Latitude 5440\n"), store.ImportOptions{})
	for tag, n := range notes {
		if _, err := src.UpdateAsset(ctx, tag, map[string]string{"notes": n, "custom:Info": n}); err != nil {
			t.Fatal(tag, err)
		}
	}
	var exp bytes.Buffer
	if _, err := src.ExportSnipeIT(ctx, &exp); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, src)
	rep := importSnipe(t, src, exp.Bytes(), store.ImportOptions{Update: true})
	if rep.Updated != 0 || rep.Unchanged != 4 {
		t.Errorf("own export with --update: updated %d, unchanged %d, want 0 and 4", rep.Updated, rep.Unchanged)
	}
	if after := takeSnapshot(t, src); after.events != before.events {
		t.Errorf("own export with --update added %d events", after.events-before.events)
	}
	for tag, n := range notes {
		if a := mustAsset(t, src, tag); a.Notes != n || a.Custom["Info"] != n {
			t.Errorf("%s after --update: notes %q, Info %q, want %q", tag, a.Notes, a.Custom["Info"], n)
		}
	}
	// A changed note is still a change, its line breaks as the file has them.
	edited := strings.Replace(exp.String(), "\"one\r\ntwo\",\"one\r\ntwo\"", "\"one\r\nthree\",\"one\r\ntwo\"", 1)
	rep = importSnipe(t, src, []byte(edited), store.ImportOptions{Update: true})
	if rep.Updated != 1 {
		t.Errorf("edited note: %+v", rep)
	}
	if a := mustAsset(t, src, "A-1"); a.Notes != "one\nthree" || a.Custom["Info"] != "one\r\ntwo" {
		t.Errorf("A-1 after the edit: notes %q, Info %q", a.Notes, a.Custom["Info"])
	}
	// Into another desk: the same lines.
	dst := mustOpen(t)
	importSnipe(t, dst, exp.Bytes(), store.ImportOptions{})
	for tag, n := range notes {
		want := strings.ReplaceAll(n, "\r\n", "\n")
		if a := mustAsset(t, dst, tag); a.Notes != want || a.Custom["Info"] != want {
			t.Errorf("%s in another desk: notes %q, Info %q, want %q", tag, a.Notes, a.Custom["Info"], want)
		}
	}
	// A disposed asset's row: its note is not said to differ.
	if _, err := src.Dispose(ctx, "A-4", store.Disposal{Method: "recycle"}); err != nil {
		t.Fatal(err)
	}
	exp.Reset()
	if _, err := src.ExportSnipeIT(ctx, &exp); err != nil {
		t.Fatal(err)
	}
	rep = importSnipe(t, src, exp.Bytes(), store.ImportOptions{Update: true})
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, "not changed") {
			t.Errorf("disposed A-4: %+v", w)
		}
	}
	mustVerify(t, src)
	mustVerify(t, dst)
}

// A time written as Go's time.String writes it (its offset, then the
// zone's name: "+0000 UTC", "+0100 CET", "+0300 +03") or as date(1)
// does (the zone between the time and the year) was refused, the name
// taken for a word after the time. The offset settles the zone; date(1)'s
// form is read when its zone is UTC, GMT or an offset, and refused naming
// the zone when it is a name that may mean several, as elsewhere.
func TestImportSnipeITGoAndUnixDateForms(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	head := "Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date,Purchase Date\n"
	rep := badImport(t, db, head+
		"Z-1,Latitude 5440,User,ana@example.com,Wed Mar 20 10:00:00 CET 2024,\n"+
		"Z-2,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +0300 +05,\n"+
		"Z-3,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +0100 abc,\n", store.ImportOptions{})
	if rep.BadRows != 3 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	badRowSays(t, rep, 2, "Checkout Date", `"Wed Mar 20 10:00:00 CET 2024"`, "zone CET", "offset")
	badRowSays(t, rep, 3, "Checkout Date", `"+0300 +05" after the time`)
	badRowSays(t, rep, 4, "Checkout Date", `"+0100 abc" after the time`)

	importSnipe(t, db, []byte(head+
		"Y-1,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +0000 UTC,2024-03-01 09:00:00 +0100 CET\n"+
		"Y-2,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00.123456789 +0100 CET,\n"+
		"Y-3,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +0300 +03,\n"+
		"Y-4,Latitude 5440,User,ana@example.com,2024-03-20 10:00:00 +00:00 UTC,\n"+
		"Y-5,Latitude 5440,User,ana@example.com,Wed Mar 20 10:00:00 UTC 2024,Fri Mar  1 09:00:00 GMT 2024\n"+
		"Y-6,Latitude 5440,User,ana@example.com,Tue Mar  5 10:00:00 +0100 2024,\n"), store.ImportOptions{})
	for tag, want := range map[string]string{"Y-1": "2024-03-20T10:00:00Z", "Y-2": "2024-03-20T09:00:00Z", "Y-3": "2024-03-20T07:00:00Z",
		"Y-4": "2024-03-20T10:00:00Z", "Y-5": "2024-03-20T10:00:00Z", "Y-6": "2024-03-05T09:00:00Z"} {
		if a := mustAsset(t, db, tag); a.CheckedOutAt != want {
			t.Errorf("%s checked out at %s, want %s", tag, a.CheckedOutAt, want)
		}
	}
	for tag, want := range map[string]string{"Y-1": "2024-03-01", "Y-5": "2024-03-01"} {
		if a := mustAsset(t, db, tag); a.PurchaseDate != want {
			t.Errorf("%s purchased %s, want %s", tag, a.PurchaseDate, want)
		}
	}
	mustVerify(t, db)
}

// A day in YYYY-MM-DD (or a spelled-out day) followed by a 12-hour time
// with seconds, or with am/pm in lower case or as "p. m.", was refused as
// "not a date", though the same time after a slash date was read: the
// layouts had only some of the time's forms. The day is read before any
// time dayTime reads; a time no clock shows is still refused.
func TestImportSnipeITDayThenTwelveHourTime(t *testing.T) {
	for _, c := range []string{"2024-05-13 9:30:00 PM", "2024-05-13 09:30:00 PM", "2024-05-13 9:30 pm", "2024-05-13 9:30 p. m.",
		"Mon May 13, 2024 09:30:00 PM", "13 May 2024 9:30:00 pm", "2024-05-13T9:30:00 PM", "2024-05-13 9:30:00 PM +00:00"} {
		db := mustOpen(t)
		seed(t, db)
		importSnipe(t, db, []byte("Asset Tag,Model Name,Checkout Type,Checked Out to: Email,Checkout Date,Purchase Date\n"+
			"C-1,Latitude 5440,User,ana@example.com,\""+c+"\",\""+c+"\"\n"), store.ImportOptions{})
		a := mustAsset(t, db, "C-1")
		if a.PurchaseDate != "2024-05-13" {
			t.Errorf("%q: purchased %q", c, a.PurchaseDate)
		}
		want := timestampIn(time.Local, 2024, 5, 13, 21, 30)
		if strings.HasSuffix(c, "+00:00") {
			want = "2024-05-13T21:30:00Z"
		}
		if a.CheckedOutAt != want {
			t.Errorf("%q: checked out at %s, want %s", c, a.CheckedOutAt, want)
		}
	}
	db := mustOpen(t)
	seed(t, db)
	rep := badImport(t, db, "Asset Tag,Model Name,Purchase Date\n"+
		"B-1,Latitude 5440,2024-05-13 13:30:00 PM\n"+
		"B-2,Latitude 5440,2024-05-13 25:00\n"+
		"B-3,Latitude 5440,2024-05-13 9:61 pm\n"+
		"B-4,Latitude 5440,2024-13-13 9:30 pm\n", store.ImportOptions{})
	if rep.BadRows != 4 {
		t.Fatalf("bad rows: %+v", rep.Bad)
	}
	for line := 2; line <= 5; line++ {
		badRowSays(t, rep, line, "Purchase Date", "not a date")
	}
}

// timestampIn is the RFC 3339 UTC form of a moment on the given clock.
func timestampIn(loc *time.Location, y int, m time.Month, d, h, mi int) string {
	return time.Date(y, m, d, h, mi, 0, 0, loc).UTC().Format(time.RFC3339)
}
