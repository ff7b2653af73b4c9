package sync

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// Two syncs of one desk at once against a server restored with its marker
// whose log grew again: B reads its LogPoint before A resets; A resets and
// starts pulling the log again; B's hello then says Diverged for B's stale
// point, and B resets the desk again in the middle of A's pull.
func TestConcurrentSyncsStaleAt(t *testing.T) {
	ctx := context.Background()
	bHello, bHelloIn := make(chan struct{}), make(chan struct{}, 1)
	bLease, bLeaseIn := make(chan struct{}), make(chan struct{}, 1)
	aPull2 := make(chan struct{})
	var armed atomic.Bool
	rig := newRestoreRig(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			who := whichSync(r)
			if armed.Load() {
				switch {
				case who == "B" && r.URL.Path == "/v1/hello":
					bHelloIn <- struct{}{}
					<-bHello
				case who == "B" && r.URL.Path == "/v1/lease":
					bLeaseIn <- struct{}{}
					<-bLease
				case who == "A" && r.URL.Path == "/v1/pull" && r.URL.Query().Get("cursor") == "2":
					<-aPull2
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	hs := rig.hs
	a, c, d := rig.desk("a"), rig.desk("c"), rig.desk("d")
	sync, add := rig.sync, rig.add
	rig.restoredBehind(a, c, d)
	add(a, "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8")
	sync(a) // the log grows again past d's cursor

	// d's two syncs (the TUI's and a script's), on one database.
	dA := &Client{DB: d.DB, Server: hs.URL + "/A", Token: d.Token, HTTP: d.HTTP, PullLimit: 2}
	dB := &Client{DB: d.DB, Server: hs.URL + "/B", Token: d.Token, HTTP: d.HTTP, PullLimit: 2, LeaseBlock: 5000}
	armed.Store(true)
	errB := make(chan error, 1)
	go func() { _, err := dB.Sync(ctx, nil); errB <- err }()
	<-bHelloIn // B's At read (before any reset)
	errA := make(chan error, 1)
	go func() { _, err := dA.Sync(ctx, nil); errA <- err }()
	waitCursor := func(n int64) {
		for i := 0; i < 500; i++ {
			st, _ := d.DB.SyncState(ctx)
			if st.Cursor == n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("cursor never %d", n)
	}
	waitCursor(2) // A reset (Diverged) and applied its first page
	close(bHello)
	<-bLeaseIn // B took Diverged and reset the desk again
	close(aPull2)
	if err := <-errA; err != nil {
		t.Fatalf("A: %v", err)
	}
	close(bLease)
	if err := <-errB; err != nil {
		t.Fatalf("B: %v", err)
	}
	armed.Store(false)
	if seq, _, _ := d.DB.LogPoint(ctx, 2); seq == 0 {
		t.Errorf("the desk's record of the server's order lacks places 1-2")
	}
	rep, err := d.CheckServer(ctx, nil)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if p := problemsBesidesLost(t, rep, c); len(p) > 0 {
		t.Errorf("verify --server: %v", p)
	}
	if _, err := d.Sync(ctx, nil); err != nil {
		t.Errorf("the next sync: %v", err)
	}
	if rep, _ := d.CheckServer(ctx, nil); len(problemsBesidesLost(t, rep, c)) > 0 {
		t.Errorf("verify --server after another sync: %v", rep.Problems)
	}
}

// problemsBesidesLost are a check's problems, having checked that the
// four changes of c the restore lost (restoredBehind), which the desk
// pulled before it and the server no longer has, are counted apart (until
// c pushes them again), not named as problems.
func problemsBesidesLost(t *testing.T, rep store.ServerCheckReport, c *Client) []string {
	t.Helper()
	if rep.BeforeRestore != 4 {
		t.Errorf("%d of c's lost changes counted before the restore, want 4: %+v", rep.BeforeRestore, rep)
	}
	return rep.Problems
}

// Two syncs of one desk at once, the server restored below the desk's
// cursor: B's hello is answered "restored" and its answer arrives late;
// meanwhile A resets the desk and reads the log back to the very cursor B
// read. B must see the desk is not where it stood (its place in the order
// holds another change now) and not reset it again: the re-read places
// would go unrecorded for good.
func TestConcurrentSyncsStaleRestoredHead(t *testing.T) {
	ctx := context.Background()
	bHello, bHelloIn := make(chan struct{}), make(chan struct{}, 1)
	bLease, bLeaseIn := make(chan struct{}), make(chan struct{}, 1)
	aPull, aPullIn := make(chan struct{}), make(chan struct{}, 1)
	var armed atomic.Bool
	var pullBlockAt atomic.Value
	pullBlockAt.Store("")
	rig := newRestoreRig(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			who := whichSync(r)
			if armed.Load() {
				switch {
				case who == "B" && r.URL.Path == "/v1/hello":
					// Answered now, delivered late.
					rec := httptest.NewRecorder()
					next.ServeHTTP(rec, r)
					bHelloIn <- struct{}{}
					<-bHello
					maps.Copy(w.Header(), rec.Header())
					w.WriteHeader(rec.Code)
					w.Write(rec.Body.Bytes())
					return
				case who == "B" && r.URL.Path == "/v1/lease":
					bLeaseIn <- struct{}{}
					<-bLease
				case who == "A" && r.URL.Path == "/v1/pull" && r.URL.Query().Get("cursor") == pullBlockAt.Load():
					aPullIn <- struct{}{}
					<-aPull
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	a, c, d := rig.desk("a"), rig.desk("c"), rig.desk("d")
	sync, add := rig.sync, rig.add
	rig.restoredBehind(a, c, d)
	st, _ := d.DB.SyncState(ctx)
	cursor := st.Cursor
	pullBlockAt.Store(strconv.FormatInt(cursor, 10))
	dA := &Client{DB: d.DB, Server: rig.hs.URL + "/A", Token: d.Token, HTTP: d.HTTP, PullLimit: 1}
	dB := &Client{DB: d.DB, Server: rig.hs.URL + "/B", Token: d.Token, HTTP: d.HTTP, PullLimit: 1, LeaseBlock: 5000}
	armed.Store(true)
	errB := make(chan error, 1)
	go func() { _, err := dB.Sync(ctx, nil); errB <- err }()
	<-bHelloIn // answered: the head is below d's cursor
	add(a, "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8")
	sync(a) // (a's requests are not held)
	errA := make(chan error, 1)
	go func() { _, err := dA.Sync(ctx, nil); errA <- err }()
	<-aPullIn // A reset the desk and read the log back to B's cursor
	close(bHello)
	select {
	case <-bLeaseIn:
	case err := <-errB:
		errB <- err
	}
	close(aPull)
	if err := <-errA; err != nil {
		t.Fatalf("A: %v", err)
	}
	close(bLease)
	if err := <-errB; err != nil {
		t.Fatalf("B: %v", err)
	}
	armed.Store(false)
	fin, _ := d.DB.SyncState(ctx)
	for k := int64(1); k <= fin.Cursor; k++ {
		if seq, _, _ := d.DB.LogPoint(ctx, k); seq != k {
			t.Errorf("place %d of the server's order unrecorded (cursor %d)", k, fin.Cursor)
		}
	}
	if rep, err := d.CheckServer(ctx, nil); err != nil || len(problemsBesidesLost(t, rep, c)) > 0 {
		t.Errorf("verify --server: %v %v", err, rep.Problems)
	}
}

// whichSync is which of a desk's two syncs (clients whose server URL ends
// in /A or /B) sent r, "A" or "B" ("" for neither), the prefix taken off
// its path.
func whichSync(r *http.Request) string {
	for _, p := range []string{"/A", "/B"} {
		if strings.HasPrefix(r.URL.Path, p+"/") {
			r.URL.Path = strings.TrimPrefix(r.URL.Path, p)
			return p[1:]
		}
	}
	return ""
}

// restoredBehind makes the server lose what desk c added after a night's
// copy (c's four places), which desk d had pulled: restored, marker and
// all, its head is behind d's cursor.
func (r *restoreRig) restoredBehind(a, c, d *Client) {
	r.t.Helper()
	r.add(a, "HQ")
	r.sync(a)
	r.sync(d)
	r.sync(c)
	snap := filepath.Join(r.dir, "snapshot.db")
	r.copyDB(r.path, snap)
	r.add(c, "C1", "C2", "C3", "C4")
	r.sync(c)
	r.sync(d) // d's cursor is past the snapshot's head
	r.copyDB(snap, r.path)
}
