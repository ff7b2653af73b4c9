package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Snipe-IT's Pending is read as in stock; the dry run says so, naming the
// rows and --statuses, which reads them as on order.
func TestE2EImportSnipeITPendingSaid(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	csv := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Model Name,Status,Location\nP-1,Lat,Pending,DUB\nP-2,Lat,Pending,DUB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, db, "import", "snipeit", "--dry-run", csv)
	want := `Status: 2 row(s) say "Pending" (lines 2, 3): read as in stock, as Snipe-IT's Pending is an asset on hand not yet deployable; if they are still to be delivered, import with --statuses "Pending=on_order"`
	if code != 0 || !strings.Contains(errs, want) {
		t.Fatalf("dry run: exit %d, %q", code, errs)
	}
	_, errs, code = cli(t, db, "import", "snipeit", "--statuses", "Pending=on_order", csv)
	if code != 0 || strings.Contains(errs, "Pending") {
		t.Fatalf("with --statuses: exit %d, %q", code, errs)
	}
	if out := mustCLI(t, db, "asset", "show", "P-1", "--json"); !strings.Contains(out, `"status": "on_order"`) && !strings.Contains(out, `"status":"on_order"`) {
		t.Errorf("P-1 with Pending=on_order: %s", out)
	}
}
