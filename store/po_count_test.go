package store_test

import (
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Beyond counts only the units due by serial (DueBySerial); the warning's
// figure (Count, the TUI's " + N due" and "(not one of those due)")
// counted every unit on order: an order of 3 with one unit registered with
// a serial and two without, 3 boxes received, warned "3 received + 3 due
// of 3" though one box is beyond it (1 due by serial).
func TestPOCountSaysTheDueItCountsBeyond(t *testing.T) {
	o := store.PurchaseOrder{Number: "PO-1"}
	l := store.POLine{Model: "Latitude 5440", Expected: 3, Received: 3, OnOrder: 3, DueBySerial: 1}
	if o.Beyond(l) != 1 {
		t.Fatalf("Beyond %d, want 1", o.Beyond(l))
	}
	if got := o.Count(l); got != "3 received + 1 due of 3 Latitude 5440" {
		t.Errorf("Count %q: the due it names is not the due Beyond counts", got)
	}
}
