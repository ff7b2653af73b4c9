package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// An older desk (before placeLabel) scanned its shelf's label into its
// count; that count's start was refused at sync (another desk's count of
// the place was open), so the scan was refused with it. `sync resolve ID
// --redo` redoes it (redoScan) into the open count without the new rule:
// the place's label is recorded as an unknown code and listed in the
// report's UNKNOWN CODES, which a scan of it on this desk now refuses.
func TestRedoOfAnOlderDesksPlaceLabelScanIsRefused(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpenAt(t, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	sa, sb := twoCounts(t, srv, a, b)
	// What an older build's ScanIntoStocktake wrote for the label.
	if err := b.EmitForTest(ctx, store.EvStocktakeScanned, sb.UID, store.StocktakeScanPayload{UID: sb.UID, Code: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if r.Type != store.EvStocktakeScanned {
			continue
		}
		if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveRedo); err == nil {
			t.Errorf("redo of an older desk's scan of the place's label: accepted, want it refused as a scan of it is")
		}
	}
	rep, err := b.StocktakeReport(ctx, sa.UID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unknown) != 0 {
		t.Errorf("the open count's unknown codes: %v (a place's label, which a scan now refuses)", rep.Unknown)
	}
}
