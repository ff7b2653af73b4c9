package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// rev21: receiving against an order whose units are registered on order
// (an ASN's serials, as the demo's PO-2026-00028: "7/15 +8 due"), boxes
// whose serials are none of the registered ones were received silently until
// the received count alone passed the quantity: the demo went to
// "15/15 +7 due" (22 assets for 15 ordered) without a word or a bell. Now
// a new box once received and due reach the quantity is beyond the order,
// said with the bell; one of those due, come, never is.
func TestRev21_ReceiveNewSerialsPastWhatIsDue(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 0)
	ctx := context.Background()
	if _, err := db.AddPurchaseOrder(ctx, "PO-R", "", map[string]int{"LAT5440": 2}); err != nil {
		t.Fatal(err)
	}
	// One of the two is registered on order with its serial.
	if _, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial,Model Name,Model No.,Status,Location,Purchase Order\nR-1,PR-L1,Latitude 5440,LAT5440,On Order,HQ,PO-R\n"), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.receiving("Latitude", "PO-R", "HQ")
	h.scan("RX-1") // 1 received + 1 due = 2: fine
	bells := h.bells
	if v := h.view(); strings.Contains(v, "beyond") {
		t.Fatalf("the first new box of two ordered, one due, is beyond the order:\n%s", v)
	}
	// 2 received + 1 still due = 3 for 2 ordered (the warning wraps).
	h.scan("RX-2")
	v := strings.Join(strings.Fields(h.view()), " ")
	if !strings.Contains(v, "RX-2") {
		t.Fatalf("RX-2 not received:\n%s", v)
	}
	if h.bells == bells || !strings.Contains(v, "beyond order PO-R: 2 received + 1 due of 2 Latitude 5440") || !strings.Contains(v, "not one of those due") {
		t.Fatalf("2 new boxes received on an order of 2 with a third still due, and not said (%d bells):\n%s", h.bells-bells, v)
	}
	// The due one comes: no bell, no new warning.
	bells = h.bells
	h.scan("PR-L1")
	v = h.view()
	if !strings.Contains(v, "(was on order)") {
		t.Fatalf("PR-L1 did not arrive:\n%s", v)
	}
	if h.bells != bells || strings.Count(v, "beyond") != 1 {
		t.Errorf("the arrival of a unit due was warned of (%d bells):\n%s", h.bells-bells, v)
	}
}
