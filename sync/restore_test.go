package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
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
	t.Run("hello", func(t *testing.T) { restoredServer(t, false) })
	t.Run("older server: the chain's gap", func(t *testing.T) { restoredServer(t, true) })
}

// restoredServer runs the restore; oldServer makes the server answer hello
// as one before HelloRequest.At did (it never says Diverged).
func restoredServer(t *testing.T, oldServer bool) {
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
		var be Backend = srv
		if oldServer {
			be = blindBackend{srv, b.DB}
		}
		h = NewServer(be, ServerOptions{RatePerSecond: 1000, Burst: 1000})
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
	// b's own changes go in the same sync: what it pushes is not sent
	// again when the log is read again after the push (an older server:
	// the gap is met in the pull).
	var mine []string
	for i := range 40 {
		mine = append(mine, fmt.Sprintf("B%02d", i))
	}
	add(b, mine...)
	first := sync(b)
	add(a, "A4")
	sync(a)
	rep := sync(b)
	switch {
	case !oldServer && !first.EpochReset:
		t.Fatalf("the desk did not see the server's log changed under it: %+v", first)
	case oldServer && !first.Regapped && !rep.Regapped:
		t.Fatalf("the desk did not read the log again: %+v, %+v", first, rep)
	case first.Duplicates+rep.Duplicates > 0 || first.Pushed != 40:
		t.Fatalf("b's own changes sent again: %+v, %+v", first, rep)
	}
	locs, err := b.DB.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range locs {
		have[l.Code] = true
	}
	for _, code := range append([]string{"HQ", "A1", "A2", "A3", "A4"}, mine...) {
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

// blindBackend answers a hello's At as desk does: as a server before
// HelloRequest.At, which never says Diverged.
type blindBackend struct {
	Backend
	desk *store.DB
}

func (b blindBackend) HashAt(ctx context.Context, serverSeq int64) (string, error) {
	if seq, hash, err := b.desk.LogPoint(ctx, serverSeq); err != nil || seq == serverSeq {
		return hash, err
	}
	return b.Backend.HashAt(ctx, serverSeq)
}

// A server from before HelloRequest.At refuses a hello with it (a field it
// does not know): the desk asks again without it, and syncs.
func TestHelloWithoutAtForOlderServers(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "HQ", "HQ", ""); err != nil {
		t.Fatal(err)
	}
	refused := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/hello" {
			rd := io.Reader(r.Body)
			if r.Header.Get("Content-Encoding") == "gzip" {
				zr, err := gzip.NewReader(r.Body)
				if err != nil {
					t.Error(err)
					return
				}
				rd = zr
			}
			body, _ := io.ReadAll(rd)
			if bytes.Contains(body, []byte(`"at"`)) {
				refused++
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"code":"bad_request","error":"bad request body: json: unknown field \"at\""}`))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.Header.Del("Content-Encoding")
			r.ContentLength = int64(len(body))
		}
		e.h.ServeHTTP(w, r)
	}))
	defer hs.Close()
	e.dev.SetSyncServer(ctx, hs.URL, e.tok, "")
	cl, err := NewClient(ctx, e.dev)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := cl.Sync(ctx, nil); err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	if refused == 0 {
		t.Fatal("no hello carried At: the test shows nothing")
	}
}
