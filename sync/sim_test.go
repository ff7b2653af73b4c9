package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	gosync "sync"
	"testing"

	"github.com/tagdesk/tagdesk/store"
	"pgregory.net/rapid"
)

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		flag.Set("rapid.checks", "12") // each check builds four databases
	}
	os.Exit(m.Run())
}

// faultNet is an in-process network between the clients and the server's
// handler that drops, duplicates, delays (replays later) and reorders
// requests and responses, as drawn by rapid.
type faultNet struct {
	mu      gosync.Mutex // guards old, calls and the draws
	h       http.Handler
	t       *rapid.T
	faulty  bool
	old     []*capturedReq // requests seen, replayable later (delayed copies)
	calls   int
	crashAt int // a "crash" of the client: every call from this one on fails (0: never)
}

type capturedReq struct {
	method, url string
	header      http.Header
	body        []byte
}

var errNet = errors.New("simulated network failure")

func (n *faultNet) serve(c *capturedReq) *httptest.ResponseRecorder {
	req := httptest.NewRequest(c.method, c.url, bytes.NewReader(c.body))
	req.Header = c.header.Clone()
	rec := httptest.NewRecorder()
	n.h.ServeHTTP(rec, req)
	return rec
}

func (n *faultNet) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	c := &capturedReq{method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body}
	// The client has several pushes on the wire at once: the bookkeeping
	// and the draws are serialised, the serving is not (the server keeps a
	// device's pushes in order itself).
	n.mu.Lock()
	n.calls++
	if n.crashAt > 0 && n.calls >= n.crashAt {
		n.mu.Unlock()
		return nil, errNet
	}
	fault := "ok"
	if n.faulty {
		fault = rapid.SampledFrom([]string{"ok", "ok", "ok", "drop_request", "drop_response", "duplicate", "replay_old"}).Draw(n.t, "fault")
	}
	var replay *capturedReq
	if fault == "replay_old" && len(n.old) > 0 {
		// A delayed earlier request arrives now, before this one.
		replay = n.old[rapid.IntRange(0, len(n.old)-1).Draw(n.t, "replay")]
	}
	n.old = append(n.old, c)
	n.mu.Unlock()
	if replay != nil {
		n.serve(replay)
	}
	switch fault {
	case "drop_request":
		return nil, errNet
	case "drop_response":
		n.serve(c)
		return nil, errNet
	case "duplicate":
		n.serve(c)
	}
	rec := n.serve(c)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

type simDevice struct {
	path  string
	db    *store.DB
	token string
	last  int64 // last cursor seen, for monotonicity
}

func (d *simDevice) reopen(t *rapid.T) {
	if err := d.db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	db, err := store.Open(context.Background(), d.path, store.Options{Operator: "sim"})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	d.db = db
}

func canonicalAssets(t *rapid.T, db *store.DB) string {
	var list []store.Asset
	if err := db.EachAsset(context.Background(), store.AssetFilter{}, func(a store.Asset) error {
		list = append(list, a)
		return nil
	}); err != nil {
		t.Fatalf("list assets: %v", err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Tag < list[j].Tag })
	b, _ := json.Marshal(list)
	return string(b)
}

func canonicalLocations(t *rapid.T, db *store.DB) string {
	list, err := db.Locations(context.Background())
	if err != nil {
		t.Fatalf("list locations: %v", err)
	}
	for i := range list {
		list[i].ID = 0
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// TestSimulation: many devices, one server, a hostile network and crashes;
// after quiescence nothing is lost or duplicated, cursors never went back,
// every device equals the server, tags are unique and each asset has one holder.
func TestSimulation(t *testing.T) {
	runSimulation(t, func(ctx context.Context, dir string) (stateBackend, func(), error) {
		b, err := OpenSQLite(ctx, filepath.Join(dir, "server.db"), SQLiteOptions{})
		return b, func() {}, err
	})
}

// TestSimulationPostgres is the same simulation against the PostgreSQL backend.
func TestSimulationPostgres(t *testing.T) {
	url := testPostgresURL(t)
	runSimulation(t, func(ctx context.Context, dir string) (stateBackend, func(), error) {
		surl, drop, err := freshSchema(ctx, url)
		if err != nil {
			return nil, nil, err
		}
		b, err := OpenPostgres(ctx, surl, PostgresOptions{CacheDir: dir})
		return b, drop, err
	})
}

// stateBackend is a backend whose state database the tests can read.
type stateBackend interface {
	Backend
	StateDB() *store.DB
}

func runSimulation(tt *testing.T, open func(ctx context.Context, dir string) (stateBackend, func(), error)) {
	rapid.Check(tt, func(t *rapid.T) {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "tagdesk-sim-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		srv, drop, err := open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer drop()
		defer srv.Close()
		net := &faultNet{h: NewServer(srv, ServerOptions{RatePerSecond: 1e6, Burst: 1e6}), t: t}
		nDev := rapid.IntRange(2, 3).Draw(t, "devices")
		devs := make([]*simDevice, nDev)
		for i := range devs {
			d := &simDevice{path: filepath.Join(dir, fmt.Sprintf("d%d.db", i)), token: store.NewToken()}
			if d.db, err = store.Open(ctx, d.path, store.Options{Operator: fmt.Sprintf("op%d", i)}); err != nil {
				t.Fatal(err)
			}
			if err := srv.AddToken(ctx, fmt.Sprintf("d%d", i), d.token); err != nil {
				t.Fatal(err)
			}
			devs[i] = d
		}
		defer func() {
			for _, d := range devs {
				d.db.Close()
			}
		}()
		client := func(d *simDevice) *Client {
			return &Client{DB: d.db, Server: "http://sim", Token: d.token, HTTP: &http.Client{Transport: net}, Retries: -1, LeaseBlock: 20, LeaseLow: 5, PushBatch: 3, PullLimit: 4}
		}
		syncDev := func(d *simDevice) error {
			_, err := client(d).Sync(ctx, nil)
			st, serr := d.db.SyncState(ctx)
			if serr != nil {
				t.Fatal(serr)
			}
			if st.Cursor < d.last {
				t.Fatalf("cursor went back from %d to %d", d.last, st.Cursor)
			}
			d.last = st.Cursor
			return err
		}
		// A shared catalogue, made on device 0 and synced reliably.
		d0 := devs[0].db
		if _, err := d0.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
			t.Fatal(err)
		}
		// Two rooms the devices rename and move about (two devices moving
		// each under the other while apart: the later move is refused).
		rooms := []string{"RA", "RB"}
		for _, r := range rooms {
			if _, err := d0.AddLocation(ctx, r, "Room "+r, "HQ"); err != nil {
				t.Fatal(err)
			}
		}
		badges := []string{"B1", "B2", "B3"}
		for _, b := range badges {
			if _, err := d0.AddPerson(ctx, store.PersonInput{Name: "Person " + b, Badge: b}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d0.AddModel(ctx, "Laptop", "", "", ""); err != nil {
			t.Fatal(err)
		}
		for _, d := range append(devs, devs[0]) {
			if err := syncDev(d); err != nil {
				t.Fatalf("initial sync: %v", err)
			}
		}
		var tags []string
		serial := 0
		steps := rapid.IntRange(5, 25).Draw(t, "steps")
		for s := 0; s < steps; s++ {
			d := devs[rapid.IntRange(0, nDev-1).Draw(t, "device")]
			switch op := rapid.SampledFrom([]string{"receive", "checkout", "checkin", "update", "relocate", "sync", "sync", "crash_sync", "restart"}).Draw(t, "op"); op {
			case "relocate":
				room := rapid.SampledFrom(rooms).Draw(t, "room")
				set := map[string]string{"parent": rapid.SampledFrom([]string{"", "HQ", "RA", "RB"}).Draw(t, "parent")}
				if rapid.Bool().Draw(t, "rename") {
					set = map[string]string{"name": fmt.Sprintf("Room %d", s)}
				}
				if _, err := d.db.UpdateLocation(ctx, room, set); store.ErrorCode(err) == store.EINTERNAL {
					t.Fatalf("relocate: %v", err)
				}
			case "receive":
				serial++
				a, err := d.db.Receive(ctx, store.Receipt{Model: "Laptop", Location: "HQ", Serial: fmt.Sprintf("S%d", serial)})
				if err == nil {
					tags = append(tags, a.Tag)
				} else if store.ErrorCode(err) == store.EINTERNAL {
					t.Fatalf("receive: %v", err)
				}
			case "checkout", "checkin", "update":
				if len(tags) == 0 {
					continue
				}
				tag := rapid.SampledFrom(tags).Draw(t, "tag")
				var err error
				switch op {
				case "checkout":
					_, err = d.db.CheckOut(ctx, tag, rapid.SampledFrom(badges).Draw(t, "who"), "")
				case "checkin":
					_, err = d.db.CheckIn(ctx, tag, store.CheckInOptions{})
				default:
					_, err = d.db.UpdateAsset(ctx, tag, map[string]string{"notes": fmt.Sprintf("note %d", s)})
				}
				if store.ErrorCode(err) == store.EINTERNAL {
					t.Fatalf("%s: %v", op, err)
				}
			case "sync":
				net.faulty = true
				syncDev(d) // errors are expected on this network
				net.faulty = false
			case "crash_sync":
				// The client dies after a few requests: everything after fails,
				// and the process restarts from its database.
				net.faulty = true
				net.calls, net.crashAt = 0, rapid.IntRange(1, 6).Draw(t, "crash_at")
				syncDev(d)
				net.crashAt, net.faulty = 0, false
				d.reopen(t)
			case "restart":
				d.reopen(t)
			}
		}
		// Quiescence: a reliable network, every device syncs twice.
		for round := 0; round < 2; round++ {
			for _, d := range devs {
				if err := syncDev(d); err != nil {
					t.Fatalf("final sync: %v", err)
				}
			}
		}
		server := canonicalAssets(t, srv.StateDB())
		for i, d := range devs {
			// No loss, no duplicates: the server holds each of the device's
			// events exactly once (its chain head is the device's last seq,
			// and the server's own verify passes).
			n, err := d.db.PendingEvents(ctx)
			if err != nil || n != 0 {
				t.Fatalf("device %d: %d events still pending (%v)", i, n, err)
			}
			rep, err := d.db.Verify(ctx, dir)
			if err != nil || !rep.OK {
				t.Fatalf("device %d verify: %v %v", i, err, rep.Problems)
			}
			hw, err := srv.HighWater(ctx, d.db.DeviceID())
			if err != nil {
				t.Fatal(err)
			}
			for _, ch := range rep.Devices {
				if ch.DeviceID == d.db.DeviceID() && ch.Events != hw {
					t.Fatalf("device %d has %d events, the server %d", i, ch.Events, hw)
				}
			}
			if got := canonicalAssets(t, d.db); got != server {
				t.Fatalf("device %d differs from the server:\n%s\n%s", i, got, server)
			}
			if got, want := canonicalLocations(t, d.db), canonicalLocations(t, srv.StateDB()); got != want {
				t.Fatalf("device %d's locations differ from the server's:\n%s\n%s", i, got, want)
			}
		}
		rep, err := srv.StateDB().Verify(ctx, dir)
		if err != nil || !rep.OK {
			t.Fatalf("server verify: %v %v", err, rep.Problems)
		}
		// Unique tags: leased blocks never collide, so the server refused
		// no receipt for its tag; one holder per asset.
		var list []store.Asset
		srv.StateDB().EachAsset(ctx, store.AssetFilter{}, func(a store.Asset) error { list = append(list, a); return nil })
		seen := map[string]bool{}
		for _, a := range list {
			if seen[a.Tag] {
				t.Fatalf("tag %s twice", a.Tag)
			}
			seen[a.Tag] = true
			if (a.Status == store.StatusDeployed) != (a.Custodian != "") {
				t.Fatalf("asset %s: status %s, custodian %q", a.Tag, a.Status, a.Custodian)
			}
		}
		for _, d := range devs {
			refs, err := d.db.Refusals(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				if r.Type == store.EvAssetReceived {
					t.Fatalf("a receipt was refused: %s", r.Explain())
				}
			}
		}
	})
}
