package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A server restored from a snapshot that held its marker too (a nightly
// copy of its folder) keeps its epoch; once its log grows again past
// where a desk had pulled, the desk meets another desk's change whose
// earlier ones it never got. It reads the log again from its start rather
// than failing every sync from then on (or skipping them for good).
func TestRestoredServerLogIsReadAgain(t *testing.T) {
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
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
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
	a, b, c := desk("a"), desk("b"), desk("c")
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
	reopen := func(copyFrom, copyTo string) {
		t.Helper()
		srv.Close()
		data, err := os.ReadFile(copyFrom)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(copyTo, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		srv = open()
		h = NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000})
	}
	add(a, "HQ")
	sync(a)
	sync(b)
	sync(c)
	snap := filepath.Join(dir, "snapshot.db")
	reopen(path, snap) // the night's copy
	add(c, "C1", "C2")
	sync(c)
	sync(b)
	reopen(snap, path) // restored: C1 and C2 are lost (c's disk dies too)
	add(a, "A1", "A2", "A3")
	sync(a)
	first := sync(b) // (the server's head passed b's cursor by one change)
	add(a, "A4")
	sync(a)
	if rep := sync(b); !first.Regapped && !rep.Regapped {
		t.Fatalf("the desk did not read the log again: %+v, %+v", first, rep)
	}
	locs, err := b.DB.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range locs {
		have[l.Code] = true
	}
	for _, code := range []string{"HQ", "A1", "A2", "A3", "A4"} {
		if !have[code] {
			t.Errorf("b lacks %s: %v", code, have)
		}
	}
	if rep := sync(b); rep.Regapped {
		t.Fatalf("read again at the next sync: %+v", rep)
	}
	vr, err := b.DB.Verify(ctx, t.TempDir())
	if err != nil || !vr.OK {
		t.Fatalf("verify: %v %v", err, vr.Problems)
	}
}
