package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A check run while the desk is at work (another process committing
// beside it) reads one moment of the desk: it finds nothing wrong.
func TestVerifyBesideCommits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := store.Open(ctx, path, store.Options{Operator: "auditor"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := store.Open(ctx, path, store.Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := range 200 {
		if _, err := other.AddLocation(ctx, fmt.Sprintf("A%04d", i), fmt.Sprintf("Aisle %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := other.AddLocation(ctx, fmt.Sprintf("S%05d", i), fmt.Sprintf("Shelf %d", i), ""); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 5 {
		rep, err := db.Verify(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Errorf("verify beside commits: %v", rep.Problems)
			break
		}
	}
	close(stop)
	wg.Wait()
}
