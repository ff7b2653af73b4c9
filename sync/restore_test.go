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
	"sync/atomic"
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

// restoreRig is a SQLite sync server whose database a test copies and
// restores behind its back (as a nightly copy of its folder would be, its
// marker with it), and the desks enrolled on it.
type restoreRig struct {
	t         *testing.T
	ctx       context.Context
	dir, path string
	srv       *SQLiteBackend
	h         atomic.Pointer[http.Handler]
	hs        *httptest.Server
	// backend wraps the server's storage at each (re)opening, if set.
	backend func(*SQLiteBackend) Backend
}

// newRestoreRig starts the server on a loopback port; front, if not nil,
// wraps its handler (to hold a request, say).
func newRestoreRig(t *testing.T, front func(http.Handler) http.Handler) *restoreRig {
	r := &restoreRig{t: t, ctx: context.Background(), dir: t.TempDir()}
	r.path = filepath.Join(r.dir, "server.db")
	r.open()
	// The server's database (the last one opened) closed before its
	// folder is removed: left open, its files were still being written
	// while the folder went ("directory not empty", a CI run).
	t.Cleanup(func() { r.srv.Close() })
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { (*r.h.Load()).ServeHTTP(w, req) })
	if front != nil {
		h = front(h)
	}
	r.hs = httptest.NewServer(h)
	t.Cleanup(r.hs.Close)
	return r
}

func (r *restoreRig) open() {
	r.t.Helper()
	srv, err := OpenSQLite(r.ctx, r.path, SQLiteOptions{})
	if err != nil {
		r.t.Fatal(err)
	}
	r.srv = srv
	var be Backend = srv
	if r.backend != nil {
		be = r.backend(srv)
	}
	var h http.Handler = NewServer(be, ServerOptions{RatePerSecond: 1000, Burst: 1000})
	r.h.Store(&h)
}

// copyDB stops the server, copies its database from one file to another
// (the night's copy; a restore, which drops the log beside the database),
// and starts it again.
func (r *restoreRig) copyDB(from, to string) {
	r.t.Helper()
	r.srv.Close()
	data, err := os.ReadFile(from)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
	if to == r.path {
		os.Remove(r.path + "-wal")
		os.Remove(r.path + "-shm")
	}
	r.open()
}

// desk enrols a new desk.
func (r *restoreRig) desk(name string) *Client {
	r.t.Helper()
	db, err := store.Open(r.ctx, filepath.Join(r.dir, name+".db"), store.Options{Operator: name})
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { db.Close() })
	tok := store.NewToken()
	if err := r.srv.AddToken(r.ctx, name, tok); err != nil {
		r.t.Fatal(err)
	}
	if err := db.SetSyncServer(r.ctx, r.hs.URL, tok, ""); err != nil {
		r.t.Fatal(err)
	}
	cl, err := NewClient(r.ctx, db)
	if err != nil {
		r.t.Fatal(err)
	}
	return cl
}

func (r *restoreRig) sync(cl *Client) Report {
	r.t.Helper()
	rep, err := cl.Sync(r.ctx, nil)
	if err != nil {
		r.t.Fatalf("sync: %v", err)
	}
	return rep
}

// add adds places with codes on cl's desk.
func (r *restoreRig) add(cl *Client, codes ...string) {
	r.t.Helper()
	for _, code := range codes {
		if _, err := cl.DB.AddLocation(r.ctx, code, "Room "+code, ""); err != nil {
			r.t.Fatal(err)
		}
	}
}

// restoredServer runs the restore; oldServer makes the server answer hello
// as one before HelloRequest.At did (it never says Diverged).
func restoredServer(t *testing.T, oldServer bool) {
	ctx := context.Background()
	rig := newRestoreRig(t, nil)
	a, b, c := rig.desk("a"), rig.desk("b"), rig.desk("c")
	if oldServer {
		rig.backend = func(srv *SQLiteBackend) Backend { return blindBackend{srv, b.DB} }
	}
	sync, add := rig.sync, rig.add
	add(a, "HQ")
	sync(a)
	sync(b)
	sync(c)
	snap := filepath.Join(rig.dir, "snapshot.db")
	rig.copyDB(rig.path, snap) // the night's copy
	add(c, "C1", "C2")
	sync(c)
	sync(b)
	rig.copyDB(snap, rig.path) // restored: C1 and C2 are lost (c's disk dies too)
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
	cl := e.client(t, hs.URL)
	for i := 0; i < 2; i++ {
		if _, err := cl.Sync(ctx, nil); err != nil {
			t.Fatalf("sync %d: %v", i, err)
		}
	}
	if refused == 0 {
		t.Fatal("no hello carried At: the test shows nothing")
	}
}
