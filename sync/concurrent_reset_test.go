package sync

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	open := func() *SQLiteBackend {
		t.Helper()
		srv, err := OpenSQLite(ctx, path, SQLiteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := open()
	var h http.Handler = NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000})

	bHello, bHelloIn := make(chan struct{}), make(chan struct{}, 1)
	bLease, bLeaseIn := make(chan struct{}), make(chan struct{}, 1)
	aPull2 := make(chan struct{})
	armed := false
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		who := ""
		for _, p := range []string{"/A", "/B"} {
			if strings.HasPrefix(r.URL.Path, p+"/") {
				who = p[1:]
				r.URL.Path = strings.TrimPrefix(r.URL.Path, p)
			}
		}
		if armed {
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
		h.ServeHTTP(w, r)
	})
	l, err := net.Listen("tcp", "127.0.0.1:18461")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(mux)
	hs.Listener.Close()
	hs.Listener = l
	hs.Start()
	defer hs.Close()

	desk := func(name string) *Client {
		t.Helper()
		db, err := store.Open(ctx, filepath.Join(dir, name+".db"), store.Options{Operator: name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		tok := store.NewToken()
		if err := srv.AddToken(ctx, name, tok); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSyncServer(ctx, hs.URL, tok, ""); err != nil {
			t.Fatal(err)
		}
		cl, err := NewClient(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	a, c, d := desk("a"), desk("c"), desk("d")
	sync := func(cl *Client) Report {
		t.Helper()
		rep, err := cl.Sync(ctx, nil)
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		return rep
	}
	add := func(cl *Client, codes ...string) {
		t.Helper()
		for _, code := range codes {
			if _, err := cl.DB.AddLocation(ctx, code, "Room "+code, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(a, "HQ")
	sync(a)
	sync(d)
	sync(c)
	snap := filepath.Join(dir, "snapshot.db")
	srv.Close()
	data, _ := os.ReadFile(path)
	os.WriteFile(snap, data, 0o644)
	srv = open()
	h = NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000})
	add(c, "C1", "C2", "C3", "C4")
	sync(c)
	sync(d) // d's cursor is past the snapshot's head
	// restored, marker and all
	srv.Close()
	data, _ = os.ReadFile(snap)
	os.WriteFile(path, data, 0o644)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	srv = open()
	h = NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000})
	add(a, "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8")
	sync(a) // the log grows again past d's cursor

	// d's two syncs (the TUI's and a script's), on one database.
	dA := &Client{DB: d.DB, Server: hs.URL + "/A", Token: d.Token, HTTP: d.HTTP, PullLimit: 2}
	dB := &Client{DB: d.DB, Server: hs.URL + "/B", Token: d.Token, HTTP: d.HTTP, PullLimit: 2, LeaseBlock: 5000}
	armed = true
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
	armed = false
	if seq, _, _ := d.DB.LogPoint(ctx, 2); seq == 0 {
		t.Errorf("the desk's record of the server's order lacks places 1-2")
	}
	rep, err := d.CheckServer(ctx, nil)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if len(rep.Problems) > 0 {
		t.Errorf("verify --server: %v", rep.Problems)
	}
	if _, err := d.Sync(ctx, nil); err != nil {
		t.Errorf("the next sync: %v", err)
	}
	if rep, _ := d.CheckServer(ctx, nil); len(rep.Problems) > 0 {
		t.Errorf("verify --server after another sync: %v", rep.Problems)
	}
}
