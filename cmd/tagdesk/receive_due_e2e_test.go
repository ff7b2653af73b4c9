package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rev21: receive --po warns of a new box once those received and those
// still due on the order reach its quantity (it said nothing until the
// received alone passed it); the arrival of one of those due never warns.
func TestE2EReceivePastWhatIsDue(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "po", "add", "PO-R", "Latitude 5440=2")
	csv := filepath.Join(t.TempDir(), "due.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Serial,Model Name,Model No.,Status,Location,Purchase Order\nR-1,PR-L1,Latitude 5440,L5440,On Order,DUB,PO-R\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", csv)
	if _, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-R", "RX-1"); code != 0 || stderr != "" {
		t.Fatalf("1 received + 1 due of 2: exit %d, %q", code, stderr)
	}
	_, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-R", "RX-2")
	if code != 0 || !strings.Contains(stderr, "warning: beyond order PO-R: 2 received + 1 due of 2 Latitude 5440 (not one of those due)") {
		t.Fatalf("a new box past what is due: exit %d, %q", code, stderr)
	}
	_, stderr, code = cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-R", "PR-L1")
	if code != 0 || strings.Contains(stderr, "warning") || !strings.Contains(stderr, "R-1 was on order") {
		t.Errorf("the due unit's arrival: exit %d, %q", code, stderr)
	}
}
