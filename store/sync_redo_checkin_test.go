package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// checkedInTwice checks S1 out on a (to Ana), syncs both desks, checks it
// in on b (ok, to its home) and syncs b, then checks it in on a with opt and
// syncs a: a's check-in is refused. It returns that refusal.
func checkedInTwice(t *testing.T, opt store.CheckInOptions) (srv, a, b *store.DB, ref store.Refusal) {
	t.Helper()
	ctx := context.Background()
	srv, a, b = twoDesks(t)
	receiveTags(t, a, "DUB", "S1")
	if _, err := a.CheckOut(ctx, "S1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := b.CheckIn(ctx, "S1", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if _, err := a.CheckIn(ctx, "S1", opt); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvAssetCheckedIn {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	return srv, a, b, refs[0]
}

// rev21: the same laptop checked in on two desks while apart, one with
// "needs repair" (the technician found it broken): the desk that synced
// second is refused ("TD-… is not checked out") and its redo, offered on the
// Sync screen (r) and by sync resolve --redo, failed the same way. The redo
// now records what the check-in still means: the repair.
func TestRev21_RedoOfRepairCheckInAfterAnotherDesksCheckIn(t *testing.T) {
	ctx := context.Background()
	srv, a, b, ref := checkedInTwice(t, store.CheckInOptions{Condition: store.ConditionRepair})
	evs, err := a.ResolveRefusal(ctx, ref.ID, store.ResolveRedo)
	if err != nil {
		t.Fatalf("redo of a check-in with condition repair, the asset already checked in (ok) on another desk: %v", err)
	}
	if len(evs) != 1 || evs[0].Type != store.EvAssetStatus {
		t.Errorf("redone as %+v, want one status change", evs)
	}
	if got, _ := a.Asset(ctx, "S1"); got.Status != store.StatusInRepair {
		t.Errorf("S1 is %s after the redo of a repair check-in", got.Status)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, db := range []*store.DB{a, b, srv} {
		if got, _ := db.Asset(ctx, "S1"); got.Status != store.StatusInRepair {
			t.Errorf("%s: S1 is %s, want in repair", db.Path(), got.Status)
		}
	}
	if refs, _ := a.Refusals(ctx, false); len(refs) != 0 {
		t.Errorf("refusals left after the redo and a sync: %+v", refs)
	}
	syncVerify(t, a, b, srv)
}

// A check-in as retired, to a place other than where the other desk's
// check-in left it, is redone as a move there and a retirement.
func TestRedoRetiringCheckInToAnotherPlaceAfterAnotherDesksCheckIn(t *testing.T) {
	ctx := context.Background()
	srv, a, b, ref := checkedInTwice(t, store.CheckInOptions{Condition: store.ConditionRetire, Location: "DUB-STORE"})
	evs, err := a.ResolveRefusal(ctx, ref.ID, store.ResolveRedo)
	if err != nil {
		t.Fatalf("redo: %v", err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, string(e.Type))
	}
	if got := strings.Join(types, " "); got != string(store.EvAssetMoved)+" "+string(store.EvAssetRetired) {
		t.Errorf("redone as %s, want a move, then a retirement", got)
	}
	if got, _ := a.Asset(ctx, "S1"); got.Status != store.StatusRetired || got.LocationCode != "DUB-STORE" {
		t.Errorf("S1 is %s at %s, want retired at DUB-STORE", got.Status, got.LocationCode)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVerify(t, a, b, srv)
}

// A check-in as ok to where the asset is now has nothing left to redo: the
// redo says so, by the refusal's number as the list shows it, and changes
// nothing; accept then closes it.
func TestRedoOKCheckInAfterAnotherDesksCheckInSaysNothingToRedo(t *testing.T) {
	ctx := context.Background()
	_, a, _, ref := checkedInTwice(t, store.CheckInOptions{})
	before, _ := a.Status(ctx)
	_, err := a.ResolveRefusal(ctx, ref.ID, store.ResolveRedo)
	msg := store.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, "nothing to redo") || !strings.Contains(msg, "accept") {
		t.Fatalf("redo of an ok check-in of an asset in stock: %v", err)
	}
	if want := fmt.Sprintf("cannot redo refusal %d:", ref.ID); !strings.HasPrefix(msg, want) {
		t.Errorf("the redo's refusal %q does not start %q (the number the list shows)", msg, want)
	}
	if strings.Contains(msg, ref.Event) {
		t.Errorf("the redo's refusal names the event as %s: %q", ref.Event, msg)
	}
	if after, _ := a.Status(ctx); after.Pending != before.Pending {
		t.Errorf("pending %d → %d after a refused redo", before.Pending, after.Pending)
	}
	if _, err := a.ResolveRefusal(ctx, ref.ID, store.ResolveAccept); err != nil {
		t.Fatalf("accept: %v", err)
	}
}

// An asset neither checked out nor in stock by the redo (put in repair on
// the other desk since) is not overwritten: refused, with why.
func TestRedoCheckInOfAnAssetInRepairSinceIsRefused(t *testing.T) {
	ctx := context.Background()
	srv, a, b, ref := checkedInTwice(t, store.CheckInOptions{Condition: store.ConditionRetire})
	if _, err := b.SetStatus(ctx, "S1", store.StatusMissing, "not on its shelf"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	_, err := a.ResolveRefusal(ctx, ref.ID, store.ResolveRedo)
	if err == nil || !strings.Contains(store.ErrorMessage(err), "neither checked out nor in stock") {
		t.Fatalf("redo over a missing asset: %v", err)
	}
	if got, _ := a.Asset(ctx, "S1"); got.Status != store.StatusMissing {
		t.Errorf("S1 is %s after the refused redo", got.Status)
	}
}
