package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// checkout --to a parent asset that is missing is refused with one line
// saying what to do, and changes nothing; found again, it takes the part.
func TestE2ECheckoutIntoMissingParentRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "PowerEdge R650", "--number", "R650")
	mustCLI(t, db, "receive", "--model", "R650", "--location", "DUB", "--tag", "S1", "SN-S1")
	mustCLI(t, db, "receive", "--model", "R650", "--location", "DUB", "--tag", "D1", "SN-D1")
	mustCLI(t, db, "status", "S1", "missing")
	_, stderr, code := cli(t, db, "checkout", "--to", "S1", "D1")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "S1 is missing: find it first (tagdesk status S1 in_stock, or a stocktake's scan of it), then install parts in it") {
		t.Errorf("checkout into a missing parent: exit %d, stderr %q", code, stderr)
	}
	if out := mustCLI(t, db, "asset", "show", "D1"); !strings.Contains(out, "in stock") {
		t.Errorf("D1 after the refusal:\n%s", out)
	}
	mustCLI(t, db, "status", "S1", "in_stock")
	mustCLI(t, db, "checkout", "--to", "S1", "D1")
}
