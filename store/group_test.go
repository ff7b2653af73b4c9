package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// TestGroupCommit: many check-outs at once, two for every asset. The
// grouped transactions must give exactly one winner per asset, refuse the
// other with the usual conflict and leave nothing of it behind, keep every
// hash chain whole, and rebuild to the same state from the log.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "g.db"), store.Options{Operator: "tester", Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Millisecond)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "B1002"}); err != nil {
		t.Fatal(err)
	}
	const n = 60
	rs := make([]store.Receipt, n)
	for i := range rs {
		rs[i] = store.Receipt{Serial: fmt.Sprintf("G-%d", i), Model: "L5440", Location: "DUB-STORE"}
	}
	assets, err := db.ReceiveAll(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.PendingEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := 0; i < 2*n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			badge := []string{"B1001", "B1002"}[i%2]
			_, errs[i] = db.CheckOut(ctx, assets[i/2], badge, "")
		}()
	}
	// A mutation that fails inside a group must not take the others with it.
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.CheckOut(ctx, "TD-999999", "B1001", ""); err == nil {
				t.Error("check-out of an unknown tag succeeded")
			}
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		a, b := errs[2*i], errs[2*i+1]
		if (a == nil) == (b == nil) {
			t.Fatalf("asset %d: want exactly one check-out to succeed, got %v and %v", i, a, b)
		}
		lost := a
		if lost == nil {
			lost = b
		}
		if store.ErrorCode(lost) != store.ECONFLICT {
			t.Errorf("asset %d: the losing check-out failed with %v, want a conflict", i, lost)
		}
		got, err := db.Asset(ctx, assets[i])
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.StatusDeployed {
			t.Errorf("asset %d is %s after its check-out", i, got.Status)
		}
		h, err := db.History(ctx, got.UID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[1].Type != store.EvAssetCheckedOut {
			t.Errorf("asset %d: history %d events, want receipt and one check-out", i, len(h))
		}
	}
	// The search index followed every grouped check-out: searching for a
	// holder finds exactly the assets checked out to them.
	for _, who := range []struct{ query, badge string }{{"Silva", "B1001"}, {"Chen", "B1002"}} {
		want := 0
		for i := 0; i < n; i++ {
			if (errs[2*i] == nil && who.badge == "B1001") || (errs[2*i+1] == nil && who.badge == "B1002") {
				want++
			}
		}
		found, err := db.SearchAssets(ctx, store.AssetFilter{Query: who.query, Limit: 2 * n})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != want {
			t.Errorf("search %q: %d assets, want the %d checked out to %s", who.query, len(found), want, who.badge)
		}
	}
	after, err := db.PendingEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after-before != n {
		t.Errorf("outbox grew by %d events, want %d", after-before, n)
	}
	rep, err := db.Verify(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK {
		t.Fatalf("verify after grouped commits: %v", rep.Problems)
	}
}

// TestGroupCommitCanceled: a caller whose context ends while it waits gets
// its error, and the writer goes on serving the others.
func TestGroupCommitCanceled(t *testing.T) {
	db := mustOpen(t)
	seed(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.AddLocation(ctx, "X1", "Nowhere", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("add with a canceled context: %v, want context.Canceled", err)
	}
	if _, err := db.AddLocation(context.Background(), "X2", "Somewhere", ""); err != nil {
		t.Fatal(err)
	}
}
