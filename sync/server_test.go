package sync

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

type testEnv struct {
	srv *SQLiteBackend
	h   *Server
	dev *store.DB
	tok string
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := OpenSQLite(ctx, filepath.Join(dir, "server.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dev, err := store.Open(ctx, filepath.Join(dir, "dev.db"), store.Options{Operator: "t"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	tok := store.NewToken()
	if err := srv.AddToken(ctx, "dev", tok); err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, h: NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000}), dev: dev, tok: tok}
}

// client enrols the env's desk with the server at url (its token) and
// returns its sync client.
func (e *testEnv) client(t *testing.T, url string) *Client {
	t.Helper()
	ctx := context.Background()
	if err := e.dev.SetSyncServer(ctx, url, e.tok, ""); err != nil {
		t.Fatal(err)
	}
	cl, err := NewClient(ctx, e.dev)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// receiveMany receives n laptops at a warehouse, WH, on the env's desk.
func (e *testEnv) receiveMany(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.dev.AddLocation(ctx, "WH", "Warehouse", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	rs := make([]store.Receipt, n)
	for i := range rs {
		rs[i] = store.Receipt{Serial: fmt.Sprintf("SN%05d", i), Model: "L5440", Location: "WH"}
	}
	if _, err := e.dev.ReceiveAll(ctx, rs); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) call(t *testing.T, method, path, token string, body any) (int, []byte) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// pushAfter pushes the device's outbox evs and then next, chained as the
// device's following event, and returns the server's results.
func (e *testEnv) pushAfter(t *testing.T, epoch string, evs []WireEvent, next store.Event) []store.PushResult {
	t.Helper()
	prev := evs[len(evs)-1]
	next.DeviceID, next.Seq, next.PrevHash = prev.DeviceID, prev.Seq+1, prev.Hash
	next.Hash = store.HashEvent(next)
	code, b := e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: epoch, Events: append(evs, ToWire(next))})
	if code != 200 {
		t.Fatalf("push: %d %s", code, b)
	}
	var resp PushResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Results
}

func (e *testEnv) hello(t *testing.T) HelloResponse {
	t.Helper()
	code, b := e.call(t, "POST", "/v1/hello", e.tok, HelloRequest{DeviceID: e.dev.DeviceID(), Version: store.PayloadVersion})
	if code != 200 {
		t.Fatalf("hello: %d %s", code, b)
	}
	var h HelloResponse
	json.Unmarshal(b, &h)
	return h
}

func (e *testEnv) outbox(t *testing.T) []WireEvent {
	t.Helper()
	evs, err := e.dev.OutboxBatch(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]WireEvent, len(evs))
	for i, ev := range evs {
		out[i] = ToWire(ev)
	}
	return out
}

// A retried batch gets the stored answers (F5); a gap is refused with the
// expected sequence number (F7); a refusal never stops later events (F6).
func TestPushIdempotentGapsAndRefusals(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddLocation(ctx, "LAB", "Lab", ""); err != nil {
		t.Fatal(err)
	}
	h := e.hello(t)
	evs := e.outbox(t)
	// Gap: start at seq 2.
	code, b := e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: evs[1:]})
	var er ErrorResponse
	json.Unmarshal(b, &er)
	if code != 409 || er.Code != CodeGap || er.ExpectedSeq != 1 {
		t.Fatalf("gap: %d %s", code, b)
	}
	var first, again PushResponse
	code, b = e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: evs})
	if code != 200 {
		t.Fatalf("push: %d %s", code, b)
	}
	json.Unmarshal(b, &first)
	code, b = e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: evs})
	json.Unmarshal(b, &again)
	if code != 200 || len(again.Results) != 2 || !again.Results[0].Duplicate || again.Results[0].ServerSeq != first.Results[0].ServerSeq {
		t.Fatalf("retry: %d %s", code, b)
	}
	if head, _ := e.srv.Head(ctx); head != 2 {
		t.Fatalf("server log has %d entries, want 2 (no duplicates)", head)
	}
	// Wrong epoch.
	code, b = e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: "Eold", Events: evs})
	if code != 409 || !strings.Contains(string(b), CodeEpoch) {
		t.Fatalf("old epoch: %d %s", code, b)
	}
}

func TestTokensRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	h := e.hello(t)
	for name, tok := range map[string]string{"none": "", "wrong": "tdk_nope"} {
		if code, _ := e.call(t, "GET", "/v1/pull?cursor=0", tok, nil); code != 401 {
			t.Errorf("%s token: %d", name, code)
		}
	}
	// Another device's token: bound to the first device at hello.
	code, b := e.call(t, "POST", "/v1/hello", e.tok, HelloRequest{DeviceID: "DOTHER", Version: store.PayloadVersion})
	if code != 409 || !strings.Contains(string(b), "belongs to device") {
		t.Fatalf("other device with a bound token: %d %s", code, b)
	}
	code, b = e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: "DOTHER", Epoch: h.Epoch})
	if code != 403 {
		t.Fatalf("push for another device: %d %s", code, b)
	}
	// (A name is one name whatever its case, as token add has it: revoke
	// of "DEV" did not find "dev"; and a revoked name says why it stays.)
	if err := e.srv.RevokeToken(ctx, "DEV"); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.call(t, "GET", "/v1/pull?cursor=0", e.tok, nil); code != 401 {
		t.Fatalf("revoked token: %d", code)
	}
	if err := e.srv.AddToken(ctx, "Dev", store.NewToken()); err == nil || !strings.Contains(err.Error(), "revoked, kept for the record") || !strings.Contains(err.Error(), "dev-2") {
		t.Fatalf("a revoked token's name again: %v", err)
	}
	if code, _ := e.call(t, "GET", "/healthz", "", nil); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t)
	e.hello(t)
	// A gzip bomb: small on the wire, huge once decompressed.
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte(`{"device_id":"` + strings.Repeat("A", MaxDecodedBytes+10) + `"}`))
	gz.Close()
	req := httptest.NewRequest("POST", "/v1/push", &buf)
	req.Header.Set("Authorization", "Bearer "+e.tok)
	req.Header.Set("Content-Encoding", "gzip")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge && rec.Code != http.StatusBadRequest {
		t.Fatalf("gzip bomb: %d %s", rec.Code, rec.Body.String())
	}
	// Rate limit: a burst of 2 at 0/s.
	e.h = NewServer(e.srv, ServerOptions{RatePerSecond: 0.001, Burst: 2})
	codes := []int{}
	for i := 0; i < 3; i++ {
		c, _ := e.call(t, "GET", "/v1/pull?cursor=0", e.tok, nil)
		codes = append(codes, c)
	}
	if codes[2] != http.StatusTooManyRequests {
		t.Fatalf("rate limit: %v", codes)
	}
}

func FuzzDecodePushRequest(f *testing.F) {
	f.Add([]byte(`{"device_id":"D1","epoch":"E","events":[]}`))
	f.Add([]byte(`{"device_id":"D1","epoch":"E","events":[{"device_id":"D1","seq":1,"operator":"o","at":"2026-01-01T00:00:00Z","type":"location.created","subject":"x","payload":"{}","prev_hash":"` + strings.Repeat("0", 64) + `","hash":"` + strings.Repeat("a", 64) + `"}]}`))
	f.Add([]byte(`{"device_id":"","events":null}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"device_id":"D1","events":[{"seq":-1}]} {}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, evs, err := DecodePushRequest(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(evs) != len(req.Events) || len(evs) > MaxPushEvents {
			t.Fatalf("decoded %d of %d events", len(evs), len(req.Events))
		}
		for i, e := range evs {
			if e.DeviceID != req.DeviceID || store.HashEvent(e) != e.Hash || (i > 0 && e.Seq != evs[i-1].Seq+1) {
				t.Fatalf("accepted a bad event %+v", e)
			}
		}
	})
}

// A server replaced by an empty one (or restored from an old backup, started
// with --new-epoch) gets every event back from the device (F3).
func TestEpochResetResends(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, code := range []string{"HQ", "LAB"} {
		if _, err := e.dev.AddLocation(ctx, code, code, ""); err != nil {
			t.Fatal(err)
		}
	}
	var h http.Handler = e.h
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer hs.Close()
	cl := e.client(t, hs.URL)
	if _, err := cl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.dev.PendingEvents(ctx); n != 0 {
		t.Fatalf("%d pending after sync", n)
	}
	// The server is replaced: a new, empty database with a new epoch.
	srv2, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "server2.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	srv2.AddToken(ctx, "dev", e.tok)
	h = NewServer(srv2, ServerOptions{})
	rep, err := cl.Sync(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.EpochReset || rep.Applied != 2 {
		t.Fatalf("after the server was replaced: %+v", rep)
	}
	if hw, _ := srv2.HighWater(ctx, e.dev.DeviceID()); hw != 2 {
		t.Fatalf("new server holds %d of the device's events, want 2", hw)
	}
	vr, err := e.dev.Verify(ctx, t.TempDir())
	if err != nil || !vr.OK {
		t.Fatalf("verify after epoch reset: %v %v", err, vr.Problems)
	}
}

// A server database restored from an older backup (its head behind the
// marker) starts a new epoch by itself.
func TestRestoreMarkerNewEpoch(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	b, restored, err := OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil || restored {
		t.Fatal(err, restored)
	}
	epoch := b.epoch
	if err := WriteMarker(ctx, b, path); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if b, restored, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil || restored || b.epoch != epoch {
		t.Fatalf("same database: restored %v, epoch %s→%s, %v", restored, epoch, b.epoch, err)
	}
	b.Close()
	// The marker says the log went further than this database has.
	os.WriteFile(MarkerPath(path), []byte(epoch+" 42\n"), 0o644)
	b, restored, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil || !restored || b.epoch == epoch {
		t.Fatalf("restored database: restored %v, epoch %s→%s, %v", restored, epoch, b.epoch, err)
	}
	b.Close()
}

// A URL that is some other web server, not tagdesk's: one clear error, and
// the desk's sync state untouched (an answer without an epoch was taken
// for a replaced server, and the desk re-sent everything).
func TestSyncRefusesOtherServers(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "X1", "x", ""); err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]http.HandlerFunc{
		"json": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"hello":"world"}`)) },
		"html": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`<html>hi</html>`)) },
		"501":  func(w http.ResponseWriter, r *http.Request) { http.Error(w, "Not Implemented", 501) },
		"404":  http.NotFound,
	} {
		hs := httptest.NewServer(h)
		before, err := e.dev.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c := &Client{DB: e.dev, Server: hs.URL, Token: e.tok, Backoff: 2 * time.Second} // default retries: none may be spent
		start := time.Now()
		_, err = c.Sync(ctx, func(Progress) {})
		if time.Since(start) > time.Second {
			t.Errorf("%s: retried for %v", name, time.Since(start))
		}
		hs.Close()
		if err == nil || !strings.Contains(err.Error(), hs.URL+" is not a tagdesk sync server") {
			t.Errorf("%s: %v", name, err)
		}
		after, err := e.dev.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Epoch != before.Epoch || after.Cursor != before.Cursor || after.AckedSeq != before.AckedSeq {
			t.Errorf("%s: sync state changed: %+v → %+v", name, before, after)
		}
	}
}

// A desk whose clock is far from the server's stops before sending
// anything, and says by how much; a change dated ahead of the server's
// clock is refused, with why, while the batch's others are applied.
func TestClockSkew(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := OpenSQLite(ctx, filepath.Join(dir, "server.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ahead := func() time.Time { return time.Now().Add(365 * 24 * time.Hour) }
	dev, err := store.Open(ctx, filepath.Join(dir, "dev.db"), store.Options{Operator: "t", Now: ahead})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	tok := store.NewToken()
	if err := srv.AddToken(ctx, "dev", tok); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.AddLocation(ctx, "X1", "x", ""); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(NewServer(srv, ServerOptions{RatePerSecond: 1000, Burst: 1000}))
	defer hs.Close()
	c := &Client{DB: dev, Server: hs.URL, Token: tok}
	_, err = c.Sync(ctx, func(Progress) {})
	if err == nil || !strings.Contains(err.Error(), "this desk's clock is 365 days ahead of the server's") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("sync with a clock a year ahead: %v", err)
	}
	if n, err := dev.PendingEvents(ctx); err != nil || n != 1 {
		t.Errorf("pending after the refused sync: %d %v", n, err)
	}
	// The server's own rule, for a desk that does not check (or whose
	// clock was put right after it recorded the change).
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "OK1", "ok", ""); err != nil {
		t.Fatal(err)
	}
	e.hello(t)
	evs := e.outbox(t)
	late, err := store.Open(ctx, filepath.Join(t.TempDir(), "late.db"), store.Options{Operator: "t", Now: func() time.Time { return time.Now().Add(3 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	if _, err := late.AddLocation(ctx, "LATE", "late", ""); err != nil {
		t.Fatal(err)
	}
	// Re-chain the late event as the device's next one.
	le, err := late.OutboxBatch(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	results := e.pushAfter(t, e.hello(t).Epoch, evs, le[0])
	last := results[len(results)-1]
	if results[0].Status != store.PushApplied || last.Status != store.PushRefused || !strings.Contains(last.Reason, "3 hours ahead of the server's clock") {
		t.Errorf("results %+v", results)
	}
	if last.Winner != nil {
		t.Errorf("a clock ahead names a winner: %+v (no change won over it)", last.Winner)
	}
}

// A request whose client went away is logged as that, not as a failure.
func TestClientGoneIsNoServerError(t *testing.T) {
	var logged bytes.Buffer
	s := NewServer(nil, ServerOptions{Logger: slog.New(slog.NewJSONHandler(&logged, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("POST", "/v1/push", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	s.storeFail(rec, req, fmt.Errorf("update assets set: %w", context.Canceled))
	if rec.Code != 499 || strings.Contains(logged.String(), `"level":"ERROR"`) || !strings.Contains(logged.String(), "client gone") {
		t.Errorf("status %d, log %s", rec.Code, logged.String())
	}
}

// A count of a large location (its start lists 5,000 expected assets,
// over 100 kB) syncs like any change.
func TestBigStocktakeSyncs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.receiveMany(t, 5000)
	st, err := e.dev.StartStocktake(ctx, "WH")
	if err != nil || st.Expected != 5000 {
		t.Fatalf("start: %+v %v", st, err)
	}
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	c := &Client{DB: e.dev, Server: hs.URL, Token: e.tok}
	rep, err := c.Sync(ctx, func(Progress) {})
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if rep.Refused != 0 {
		t.Errorf("report %+v", rep)
	}
	got, err := e.srv.DB.Stocktake(ctx, st.UID)
	if err != nil || got.Expected != 5000 {
		t.Errorf("the server's count: %+v %v", got, err)
	}
}

// A desk and a server of different payload versions stop before exchanging
// events, each saying which to upgrade.
func TestPayloadVersions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	code, b := e.call(t, "POST", "/v1/hello", e.tok, HelloRequest{DeviceID: e.dev.DeviceID()}) // a desk before versions
	if code != http.StatusConflict || !strings.Contains(string(b), "this desk runs an older tagdesk than the server") {
		t.Errorf("an older desk's hello: %d %s", code, b)
	}
	if _, err := e.dev.AddLocation(ctx, "X1", "x", ""); err != nil {
		t.Fatal(err)
	}
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/hello" {
			t.Errorf("the desk went on to %s", r.URL.Path)
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"epoch": "E1", "high_water": 0, "head": 0, "now": time.Now().UTC().Format(time.RFC3339)})
	}))
	defer old.Close()
	c := &Client{DB: e.dev, Server: old.URL, Token: e.tok}
	_, err := c.Sync(ctx, func(Progress) {})
	if err == nil || !strings.Contains(err.Error(), "runs an older tagdesk than this desk") || !strings.Contains(err.Error(), "upgrade the server first") {
		t.Errorf("sync with an older server: %v", err)
	}
	if n, err := e.dev.PendingEvents(ctx); err != nil || n != 1 {
		t.Errorf("pending: %d %v", n, err)
	}
}

// A slow link: pushes of many events get no answer in time. The client
// falls back to one smaller batch at a time and gets everything through,
// instead of failing every run with the whole backlog on the wire.
func TestPushSlowLinkFallsBack(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	e.receiveMany(t, 400)
	var slow, fast atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/push" {
			body, _ := io.ReadAll(r.Body)
			var req PushRequest
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err == nil {
				err = json.NewDecoder(zr).Decode(&req)
			}
			if err != nil {
				t.Errorf("push body: %v", err)
			}
			if len(req.Events) > 50 {
				slow.Add(1)
				select { // the link's time for a big batch: longer than the client waits
				case <-time.After(3 * time.Second):
				case <-r.Context().Done():
					return
				}
			} else {
				fast.Add(1)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		e.h.ServeHTTP(w, r)
	}))
	defer hs.Close()
	c := &Client{DB: e.dev, Server: hs.URL, Token: e.tok, HTTP: &http.Client{Timeout: 300 * time.Millisecond}}
	rep, err := c.Sync(ctx, func(Progress) {})
	if err != nil {
		t.Fatalf("sync over a slow link: %v", err)
	}
	if n, err := e.dev.PendingEvents(ctx); err != nil || n != 0 || rep.Refused != 0 || slow.Load() == 0 || fast.Load() < 8 {
		t.Fatalf("pending %d (%v), report %+v, %d slow and %d fast pushes", n, err, rep, slow.Load(), fast.Load())
	}
}

// From a sync hunt: the server stored, and shipped to every desk, pushed
// events no desk records: text with terminal escapes, an unknown type, a
// device id with escapes. A push carrying one is refused whole (400), and
// the server's log is unchanged. A body too large is 413, as elsewhere.
func TestPushForgedTextRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
		t.Fatal(err)
	}
	h := e.hello(t)
	good := e.outbox(t)
	forge := func(change func(*store.Event)) WireEvent {
		ev, err := FromWire(good[0])
		if err != nil {
			t.Fatal(err)
		}
		change(&ev)
		ev.Hash = store.HashEvent(ev)
		return ToWire(ev)
	}
	for name, w := range map[string]WireEvent{
		"escape in the operator": forge(func(ev *store.Event) { ev.Operator = "\x1b[2Jop" }),
		"escape in a name": forge(func(ev *store.Event) {
			ev.Payload = json.RawMessage(strings.Replace(string(ev.Payload), `"Head office"`, `"Evil\u001b[2J"`, 1))
		}),
		"escape in the subject": forge(func(ev *store.Event) { ev.Subject = "x\u009b2J" }),
		"escape in a name, in capitals": forge(func(ev *store.Event) {
			ev.Payload = json.RawMessage(strings.Replace(string(ev.Payload), `"Head office"`, `"Evil\u001B[2J"`, 1))
		}),
		"an unknown type": forge(func(ev *store.Event) { ev.Type = "asset.teleported" }),
	} {
		code, b := e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: []WireEvent{w}})
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, code, b)
		}
	}
	if head, _ := e.srv.Head(ctx); head != 0 {
		t.Fatalf("the server's log holds %d events after refused pushes", head)
	}
	code, b := e.call(t, "POST", "/v1/hello", e.tok, HelloRequest{DeviceID: "\x1b[31mEVIL\x1b[0m", Version: store.PayloadVersion})
	if code != http.StatusBadRequest {
		t.Errorf("hello with an escape in the device id: %d %s", code, b)
	}
	// An event an older desk recorded under rules since made stricter (a
	// tab in a name pasted from a spreadsheet) is taken: refused, it would
	// hold back every change after it for good.
	old := forge(func(ev *store.Event) {
		ev.Payload = json.RawMessage(strings.Replace(string(ev.Payload), `"Head office"`, `"Head\toffice"`, 1))
	})
	if code, b := e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: append([]WireEvent{old}, good[1:]...)}); code != 200 {
		t.Fatalf("an older desk's push: %d %s", code, b)
	}
	// Too large: 413.
	req := httptest.NewRequest("POST", "/v1/push", strings.NewReader(`{"device_id":"`+strings.Repeat("A", MaxDecodedBytes+10)+`"}`))
	req.Header.Set("Authorization", "Bearer "+e.tok)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a push too large: %d %s", rec.Code, rec.Body.String())
	}
}

// From a review: a forged desk put a terminal escape in a field a change
// copies from what is stored (a receipt's place label), and every desk
// that pulled it printed it raw in its history. The server judges every
// string of a pushed payload, copied or not.
func TestPushRefusesAnEscapeInCopiedText(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.Receive(ctx, store.Receipt{Serial: "SN-ESC-1", Location: "HQ"}); err != nil {
		t.Fatal(err)
	}
	h := e.hello(t)
	evs := e.outbox(t)
	last := len(evs) - 1
	ev, err := FromWire(evs[last])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ev.Payload), `"location_label":"`) {
		t.Fatalf("no location_label in %s", ev.Payload)
	}
	ev.Payload = json.RawMessage(strings.Replace(string(ev.Payload), `"location_label":"`, `"location_label":"\u001b]2;pwned\u0007`, 1))
	ev.Hash = store.HashEvent(ev)
	forged := append(append([]WireEvent{}, evs[:last]...), ToWire(ev))
	if code, b := e.call(t, "POST", "/v1/push", e.tok, PushRequest{DeviceID: e.dev.DeviceID(), Epoch: h.Epoch, Events: forged}); code != http.StatusBadRequest {
		t.Errorf("an escape in a copied label: %d %s", code, b)
	}
}

// From a sync hunt: a server restored from a backup forgot the tag blocks
// it had granted since, and leased them again to the first desk that
// asked; two desks then printed the same tags. Each lease is kept in the
// restore marker before it is answered, and a restored database's counter
// starts past it.
func TestRestoreMarkerKeepsLeases(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	b, _, err := OpenSQLiteChecked(ctx, path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteMarker(ctx, b, path); err != nil {
		t.Fatal(err)
	}
	b.Close()
	backup, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if b, _, err = OpenSQLiteChecked(ctx, path, SQLiteOptions{}); err != nil {
		t.Fatal(err)
	}
	if first, last, err := b.Lease(ctx, "DMAD000001", 1000, 1); err != nil || first != 1 || last != 1000 {
		t.Fatalf("lease %d-%d %v", first, last, err)
	}
	b.Close()
	// Restored from the backup (the marker as it is now).
	b = restoreServerDB(t, path, backup)
	defer b.Close()
	if first, _, err := b.Lease(ctx, "DDUB000001", 1000, 1); err != nil || first != 1001 {
		t.Fatalf("after the restore, a lease from %d (%v): the block MAD holds was granted again", first, err)
	}
}

// A server from before payload versions refuses the hello's version field
// (it decodes strictly, 400): the desk says to upgrade the server, as it
// does for a server that answers with an older version.
func TestPayloadVersionsServerBeforeVersions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "X1", "x", ""); err != nil {
		t.Fatal(err)
	}
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": `bad request body: json: unknown field "version"`, "code": "bad_request"})
	}))
	defer old.Close()
	c := &Client{DB: e.dev, Server: old.URL, Token: e.tok}
	_, err := c.Sync(ctx, func(Progress) {})
	if err == nil || !strings.Contains(err.Error(), "upgrade the server first") {
		t.Errorf("sync with a server from before versions: %v", err)
	}
}

// From a server hunt: an event filed under one subject whose payload names
// another entry was applied (the asset moved, with nothing in its
// history, and verify passed everywhere). Refused.
func TestPushRefusesPayloadOfAnotherSubject(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if _, err := e.dev.AddLocation(ctx, "HQ", "Head office", ""); err != nil {
		t.Fatal(err)
	}
	loc, err := e.dev.AddLocation(ctx, "ATK", "Attack room", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.dev.AddModel(ctx, "L5440", "", "", ""); err != nil {
		t.Fatal(err)
	}
	a, err := e.dev.Receive(ctx, store.Receipt{Tag: "T-1", Model: "L5440", Location: "HQ"})
	if err != nil {
		t.Fatal(err)
	}
	hello := e.hello(t)
	evs := e.outbox(t)
	payload, err := json.Marshal(store.MovePayload{UID: a.UID, Tag: "T-1", LocationUID: loc.UID})
	if err != nil {
		t.Fatal(err)
	}
	forged := store.Event{Operator: "t", At: time.Now().UTC(), Type: store.EvAssetMoved, Subject: "somethingelse", Payload: payload}
	results := e.pushAfter(t, hello.Epoch, evs, forged)
	last := results[len(results)-1]
	if last.Status != store.PushRefused || !strings.Contains(last.Reason, "is filed under") {
		t.Errorf("the forged move: %+v", last)
	}
}

// From a server hunt: a hello (or lease) with junk after its JSON was
// taken, and bound the token, where a push refuses it.
func TestHelloWithTrailingJunkRefused(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("POST", "/v1/hello", strings.NewReader(`{"device_id":"DGARBAGE1","version":`+fmt.Sprint(store.PayloadVersion)+`} this is not JSON`))
	req.Header.Set("Authorization", "Bearer "+e.tok)
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Fatalf("hello with junk after it: %d %s", rec.Code, rec.Body.String())
	}
	ts, err := e.srv.Tokens(context.Background())
	if err != nil || len(ts) != 1 || ts[0].DeviceID != "" {
		t.Errorf("the token after the refused hello: %+v %v", ts, err)
	}
}
