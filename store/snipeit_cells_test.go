package store_test

import (
	"context"
	"strings"
	"testing"

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
