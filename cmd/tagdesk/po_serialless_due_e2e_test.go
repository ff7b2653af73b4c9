package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Units registered on an order without a serial (Snipe-IT's
// "Ordered" rows seldom have one) can never arrive by a scan (arrive
// matches the serial; their tag is "already in use"), so since fe2542a
// every box of the order counts as "not one of those due": the first box
// of a 2-unit order, with 2 such units registered, warns (and rings in
// the TUI) "beyond order PO-1: 1 received + 2 due of 2".
func TestE2EFirstBoxNotBeyondSerialLessDue(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "ST-1", "Store")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "LAT5440")
	mustCLI(t, db, "po", "add", "PO-1", "LAT5440=2")
	csv := filepath.Join(t.TempDir(), "ordered.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Model Name,Model No.,Status,Location Code,Purchase Order\nTD-000101,Latitude 5440,LAT5440,On Order,ST-1,PO-1\nTD-000102,Latitude 5440,LAT5440,On Order,ST-1,PO-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", csv)
	_, stderr, code := cli(t, db, "receive", "--model", "LAT5440", "--location", "ST-1", "--po", "PO-1", "NEWSER1")
	if code != 0 || strings.Contains(stderr, "beyond order") {
		t.Fatalf("the first box of a 2-unit order: exit %d, %q", code, stderr)
	}
}
