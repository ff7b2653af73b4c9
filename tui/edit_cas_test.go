package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// interleaving is the desk's database with another process's edit landing
// just before the screen's write: after whatever the screen read first, in
// the moment between its look and its write.
type interleaving struct {
	*store.DB
	other func()
}

func (d *interleaving) UpdateAsset(ctx context.Context, tag string, fields map[string]string) (store.Asset, error) {
	d.land()
	return d.DB.UpdateAsset(ctx, tag, fields)
}

func (d *interleaving) UpdateAssetIf(ctx context.Context, tag string, was, fields map[string]string) (store.Asset, error) {
	d.land()
	return d.DB.UpdateAssetIf(ctx, tag, was, fields)
}

func (d *interleaving) land() {
	if d.other != nil {
		d.other()
		d.other = nil
	}
}

// The asset screen's edit checked the field and wrote it in two
// transactions: a sync or the command line changing the field in between
// was overwritten unseen. The store now checks and writes at once: the
// edit is refused, the screen says so and shows the value as it is.
func TestDetail_EditRefusedWhenChangedBetweenCheckAndWrite(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 1)
	h, wrapped, other := interleaved(t, db)
	h.scan("TD-000001")
	h.wantView("TD-000001")
	h.typeSlow("e")
	h.press("down")
	h.press("down") // notes
	h.press("enter")
	h.typeSlow("charger in drawer 3")
	wrapped.other = func() {
		if _, err := other.UpdateAsset(ctx, "TD-000001", map[string]string{"notes": "Loaner pool - do not give out"}); err != nil {
			t.Error(err)
		}
	}
	h.press("enter")
	if a := h.asset("TD-000001"); a.Notes != "Loaner pool - do not give out" {
		t.Fatalf("the other process's notes were overwritten: notes now %q", a.Notes)
	}
	h.wantView("notes was changed meanwhile", "nothing changed", "notes        Loaner pool - do not give out")
	if h.bells == 0 {
		t.Fatal("the refusal did not ring")
	}
}

func (d *interleaving) CheckIn(ctx context.Context, tag string, opt store.CheckInOptions) (store.Asset, error) {
	d.land()
	return d.DB.CheckIn(ctx, tag, opt)
}

// From a hunt of processes sharing a desk: the asset screen showed Alice
// holding it; the command line checked it in and out to Bob; the screen's
// check-in "not returned" then blamed Bob, who had it seconds. A check-in
// names the holder the screen showed: one held by another is refused.
func TestDetail_CheckInRefusedWhenTheHolderChanged(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h, wrapped, other := interleaved(t, db)
	h.scan("TD-000001")
	h.wantView("Alice Smith")
	h.typeSlow("i")
	wrapped.other = func() {
		if _, err := other.CheckIn(ctx, "TD-000001", store.CheckInOptions{}); err != nil {
			t.Error(err)
		}
		if _, err := other.CheckOut(ctx, "TD-000001", "B1002", ""); err != nil {
			t.Error(err)
		}
	}
	h.press("enter")
	if a := h.asset("TD-000001"); a.Status != store.StatusDeployed || a.CustodianName != "Bob Jones" {
		t.Fatalf("checked in from Bob unseen: %s, %q", a.Status, a.CustodianName)
	}
	h.wantView("held by Bob Jones now", "nothing checked in")
}

// interleaved opens the UI at 80x24 on db through an interleaving, and a
// second handle on its file: the other process whose change lands in
// between.
func interleaved(t *testing.T, db *store.DB) (*harness, *interleaving, *store.DB) {
	t.Helper()
	other, err := store.Open(context.Background(), db.Path(), store.Options{Operator: "cli", Now: func() time.Time { return epoch }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	wrapped := &interleaving{DB: db}
	clk := &fakeClock{now: epoch}
	h := &harness{t: t, clk: clk, db: db, m: New(context.Background(), wrapped, Options{Operator: "clerk", Clock: clk, Location: time.UTC})}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	return h, wrapped, other
}
