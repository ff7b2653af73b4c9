package sync

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	gosync "sync"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Two syncs of one desk at once (the UI's timer and a script's tagdesk
// sync, each its own process) both finish, neither mistakes the other's
// progress for a restored server, and the desk ends up with everything.
func TestTwoSyncsOfOneDesk(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	if err := e.dev.SetSyncServer(ctx, hs.URL, e.tok, ""); err != nil {
		t.Fatal(err)
	}
	// A second handle on the desk's database, as a second process has.
	script, err := store.Open(ctx, e.dev.Path(), store.Options{Operator: "script"})
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	// Another desk keeps the server's head moving.
	far, err := store.Open(ctx, filepath.Join(t.TempDir(), "far.db"), store.Options{Operator: "far"})
	if err != nil {
		t.Fatal(err)
	}
	defer far.Close()
	farTok := store.NewToken()
	if err := e.srv.AddToken(ctx, "far", farTok); err != nil {
		t.Fatal(err)
	}
	if err := far.SetSyncServer(ctx, hs.URL, farTok, ""); err != nil {
		t.Fatal(err)
	}
	client := func(db *store.DB) *Client {
		c, err := NewClient(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		c.PullLimit = 7
		return c
	}
	const rounds = 12
	var wg gosync.WaitGroup
	errs := make(chan error, 3*rounds)
	for who, db := range map[string]*store.DB{"far": far, "ui": e.dev, "script": script} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := client(db)
			for i := range rounds {
				for j := range 5 {
					if _, err := db.AddLocation(ctx, fmt.Sprintf("%s-%d-%d", who, i, j), fmt.Sprintf("Shelf %s-%d-%d", who, i, j), ""); err != nil {
						errs <- err
						return
					}
				}
				rep, err := c.Sync(ctx, nil)
				if err != nil {
					errs <- fmt.Errorf("%s sync %d: %w", who, i, err)
					return
				}
				if rep.EpochReset {
					errs <- fmt.Errorf("%s sync %d took the other sync's progress for a restored server", who, i)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, db := range []*store.DB{far, e.dev, far} {
		if _, err := client(db).Sync(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, db := range []*store.DB{far, e.dev} {
		locs, err := db.Locations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(locs) != 3*rounds*5 {
			t.Errorf("%s has %d of %d locations", db.Path(), len(locs), 3*rounds*5)
		}
	}
}

// A demo desk enrolled into a server sends its history at its first sync,
// so that its later changes are about assets the server has; a change
// after that sends itself alone.
func TestDemoDeskSendsItsHistoryFirst(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, err := store.BuildDemo(ctx, path, store.DemoOptions{Assets: 200, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	demo, err := store.Open(ctx, path, store.Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer demo.Close()
	tok := store.NewToken()
	if err := e.srv.AddToken(ctx, "demo", tok); err != nil {
		t.Fatal(err)
	}
	if err := demo.SetSyncServer(ctx, hs.URL, tok, ""); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	first, err := c.Sync(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := demo.Verify(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if int64(first.Pushed) != rep.Events || first.Refused != 0 {
		t.Fatalf("first sync pushed %d of the desk's %d events (%d refused)", first.Pushed, rep.Events, first.Refused)
	}
	if _, err := demo.AddLocation(ctx, "NEW-1", "New shelf", ""); err != nil {
		t.Fatal(err)
	}
	second, err := c.Sync(ctx, nil)
	if err != nil || second.Pushed != 1 {
		t.Fatalf("a change after: pushed %d, %v", second.Pushed, err)
	}
}

// A link that goes after the hello (no answer to the lease, an answer cut
// off) leaves the desk shown offline, not "failed".
func TestLinkLostAfterHelloIsOffline(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	cut := ""
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == cut {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close() // the link goes
			}
			return
		}
		e.h.ServeHTTP(w, r)
	}))
	defer hs.Close()
	if err := e.dev.SetSyncServer(ctx, hs.URL, e.tok, ""); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(ctx, e.dev)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/v1/lease", "/v1/pull"} {
		cut = path
		if _, err := c.Sync(ctx, nil); err == nil {
			t.Fatalf("%s cut: the sync succeeded", path)
		}
		st, err := e.dev.Status(ctx)
		if err != nil || st.Online || st.Failed {
			t.Errorf("%s cut: online %v, failed %v, last error %q (%v)", path, st.Online, st.Failed, st.LastError, err)
		}
	}
}
