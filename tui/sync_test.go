package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// fakeSyncState is a SyncStore whose status the test sets.
type fakeSyncState struct {
	st       store.SyncStatus
	reads    int
	resolved []string
	err      error
}

func (f *fakeSyncState) Status(context.Context) (store.SyncStatus, error) {
	f.reads++
	return f.st, f.err
}

func (f *fakeSyncState) ResolveRefusal(_ context.Context, id int64, how string) ([]store.Event, error) {
	for i, r := range f.st.Refusals {
		if r.ID == id {
			f.st.Refusals = append(f.st.Refusals[:i:i], f.st.Refusals[i+1:]...)
			f.resolved = append(f.resolved, how)
			if how == store.ResolveRedo {
				return make([]store.Event, 2), nil
			}
			return nil, nil
		}
	}
	return nil, store.Errorf(store.ENOTFOUND, "no refusal %d", id)
}

// fakeSyncer counts syncs; each one clears the pending count.
type fakeSyncer struct {
	state *fakeSyncState
	calls int
	err   error
}

func (f *fakeSyncer) Sync(ctx context.Context) (string, error) {
	f.calls++
	if f.err != nil {
		f.state.st.LastError = f.err.Error()
		f.state.st.Online = false
		return "", f.err
	}
	f.state.st.Pending = 0
	f.state.st.Online = true
	f.state.st.LastSuccess = epoch
	return "pushed 3 (3 applied, 0 refused), pulled 0", nil
}

func conflictStatus() store.SyncStatus {
	return store.SyncStatus{
		Configured: true, Enrolled: true, Server: "http://127.0.0.1:7420", DeviceID: "desk-b",
		Online: true, Pending: 3, LastSuccess: epoch.Add(-2 * time.Minute), LastAttempt: epoch.Add(-2 * time.Minute),
		OldestPending: epoch.Add(-3 * time.Hour), Watchdog: "1h0m0s", Stalled: true,
		Problems: []string{"3 event(s) waiting to sync for more than 1h0m0s (never pushed)", "1 change(s) refused by the server need attention: tagdesk sync resolve ID --accept|--redo"},
		Refusals: []store.Refusal{
			{ID: 7, Type: "asset.checked_out", Tag: "TD-000001", Summary: "checked out TD-000001 to Bob Jones", Code: "conflict", Reason: "TD-000001 is already checked out to Alice Smith",
				Event: "ev-b-7", Winner: &store.Winner{Event: "ev-a-3", DeviceID: "desk-a", Operator: "ann", At: epoch.Add(-time.Hour), Summary: "checked out TD-000001 to Alice Smith"}},
			{ID: 8, Type: "asset.moved", Tag: "TD-000002", Summary: "moved TD-000002 to SHELF-A", Code: "conflict", Reason: "TD-000002 is retired"},
		},
	}
}

func TestStatusLine(t *testing.T) {
	now := epoch
	for _, tc := range []struct {
		name string
		st   store.SyncStatus
		want string
	}{
		{"off", store.SyncStatus{}, "sync: off"},
		{"off pending", store.SyncStatus{Pending: 12}, "sync: off · 12 pending"},
		{"offline", store.SyncStatus{Configured: true, Pending: 12, Refusals: []store.Refusal{{ID: 1}}}, "sync: offline · 12 pending · 1 refused"},
		{"ok", store.SyncStatus{Configured: true, Online: true, LastSuccess: now.Add(-2 * time.Minute)}, "sync: ok 2 min ago"},
		{"ok just now", store.SyncStatus{Configured: true, Online: true, LastSuccess: now.Add(-5 * time.Second), Pending: 1}, "sync: ok just now · 1 pending"},
		{"stalled", store.SyncStatus{Configured: true, Stalled: true, Pending: 1200}, "! sync: stalled · 1,200 pending"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &common{clock: &fakeClock{now: now}, svc: &services{state: &fakeSyncState{}, status: tc.st, statusOK: true}}
			if got := c.statusLine(); got != tc.want {
				t.Errorf("statusLine = %q; want %q", got, tc.want)
			}
		})
	}
	c := &common{clock: &fakeClock{now: now}, svc: &services{state: &fakeSyncState{}, statusOK: true, syncing: true}}
	if got := c.statusLine(); got != "sync: syncing…" {
		t.Errorf("while syncing: %q", got)
	}
	if got := (&common{}).statusLine(); got != "" {
		t.Errorf("without services: %q", got)
	}
}

func TestSync_StatusLineOnEveryScreen(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 40)
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "sync: off · " + commas(st.Pending) + " pending"
	for _, k := range []string{"", "i", "/", "l", "y"} {
		if k != "" {
			h.press("esc")
			h.typeSlow(k)
		}
		if hdr := firstLine(h.view()); !strings.Contains(hdr, want) {
			t.Fatalf("%q: header %q lacks %q", k, hdr, want)
		}
	}
	h.wantView("State          not enrolled", "Server         none: run tagdesk sync")
	// A change is counted at the next refresh of the status line.
	h.press("esc")
	if _, err := db.Move(context.Background(), "TD-000001", "SHELF-A"); err != nil {
		t.Fatal(err)
	}
	h.advance(defaultStatusEvery)
	h.wantView("sync: off · " + commas(st.Pending+1) + " pending")
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

func TestSync_ScreenResolve(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	fs := &fakeSyncState{st: conflictStatus()}
	h := newHarness(t, db, Options{Operator: "clerk", SyncState: fs}, 120, 40)
	// Home lists the watchdog's warning and the refusals.
	h.wantView("! sync: stalled · 3 pending · 2 refused", "3 change(s) not synced for too long (y)", "2 change(s) refused by the server (y)")
	h.typeSlow("y")
	if h.title() != "Sync" {
		t.Fatalf("y opened %q", h.title())
	}
	h.wantView("http://127.0.0.1:7420", "desk-b", "Pending        3 event(s), oldest 3 h ago", "Watchdog       1h0m0s",
		"! 3 event(s) waiting to sync for more than 1h0m0s", "Needs attention: 2 refused change(s)",
		"TD-000001 is already checked out to Alice Smith", "won by:", "desk-a")
	// Accepting drops the desk's change for good: it asks first.
	h.typeSlow("a")
	h.wantView("accept the server's state for refusal 7?", "y accept")
	h.typeSlow("n")
	h.wantView("kept: nothing changed", "Needs attention: 2 refused change(s)")
	if len(fs.resolved) != 0 {
		t.Fatalf("resolved %v after n", fs.resolved)
	}
	h.typeSlow("a")
	h.typeSlow("y")
	h.wantView("accepted the server's state for refusal 7", "Needs attention: 1 refused change(s)", "TD-000002 is retired")
	h.typeSlow("r")
	h.wantView("redid (2 new event(s)) refusal 8", "Needs attention: 0 refused change(s)", "nothing refused")
	if got := fs.resolved; len(got) != 2 || got[0] != store.ResolveAccept || got[1] != store.ResolveRedo {
		t.Fatalf("resolved %v", got)
	}
	h.typeSlow("a")
	h.wantView("no refused changes to resolve")
	// s without a sync client says how to enrol.
	h.typeSlow("s")
	h.wantView("not enrolled")
}

func TestSync_BackgroundAndNow(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	fs := &fakeSyncState{st: store.SyncStatus{Configured: true, Server: "http://127.0.0.1:1", Pending: 3}}
	syncer := &fakeSyncer{state: fs}
	opt := Options{Operator: "clerk", SyncState: fs, SyncEvery: 30 * time.Second,
		Syncing: func(context.Context, Store) (Syncer, error) { return syncer, nil }}
	h := newHarness(t, db, opt, 100, 30)
	if syncer.calls != 1 {
		t.Fatalf("%d syncs at start; want 1", syncer.calls)
	}
	h.wantView("sync: ok just now")
	h.advance(2 * time.Minute)
	if syncer.calls != 5 {
		t.Fatalf("%d syncs after 2 min at 30 s; want 5", syncer.calls)
	}
	h.typeSlow("y")
	h.wantView("This session   pushed 3 (3 applied, 0 refused), pulled 0")
	h.typeSlow("s")
	if syncer.calls != 6 {
		t.Fatalf("s: %d syncs; want 6", syncer.calls)
	}
	// One at a time: while a sync runs, the timer and s start nothing.
	h.hold = true
	h.send(syncNowMsg{})
	h.hold = false
	h.send(syncTickMsg{})
	h.send(syncNowMsg{})
	h.wantView("sync: syncing…")
	h.release()
	if syncer.calls != 7 {
		t.Fatalf("overlapping syncs: %d calls; want 7", syncer.calls)
	}
	// A failed sync is shown and keeps the pending count.
	syncer.err = errors.New("dial tcp 127.0.0.1:1: connection refused")
	fs.st.Pending = 4
	h.send(syncNowMsg{})
	// (The sync recorded it as the last error: said there, once.)
	h.wantView("sync: offline · 4 pending", "Last error     dial tcp 127.0.0.1:1: connection refused", "This session   sync failed (the Last error)")
}

// BenchmarkStatusRead is the status line's periodic read (db.Status) on a
// desk with a few thousand unsynced events.
func BenchmarkStatusRead(b *testing.B) {
	db := newTestDB(b)
	seed(b, db, 5000)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := db.Status(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// The watchdog with the real store: unsynced events older than its limit
// turn the status line and Home's "Needs attention" into a warning.
func TestSync_WatchdogRealStore(t *testing.T) {
	now := epoch
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), store.Options{Operator: "setup", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db, 2)
	if err := db.SetSyncWatchdog(context.Background(), time.Hour); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 40)
	if v := h.view(); strings.Contains(v, "stalled") || strings.Contains(v, "not synced for too long") {
		t.Fatalf("stalled before the limit:\n%s", v)
	}
	now = now.Add(2 * time.Hour)
	h.advance(defaultStatusEvery)
	h.wantView("! sync: stalled", "change(s) not synced for too long (y)")
	h.typeSlow("y")
	h.wantView("Problems", "waiting to sync for more than 1h0m0s")
}

// A desk enrolled from the command line while the terminal UI runs: s on
// the Sync screen finds the enrolment and syncs, no restart needed.
func TestSync_EnrolledWhileOpen(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	fs := &fakeSyncState{st: store.SyncStatus{Configured: true, Server: "http://127.0.0.1:1", Pending: 3}}
	syncer := &fakeSyncer{state: fs}
	enrolled := false
	opt := Options{Operator: "clerk", SyncState: fs,
		Syncing: func(context.Context, Store) (Syncer, error) {
			if !enrolled {
				return nil, nil
			}
			return syncer, nil
		}}
	h := newHarness(t, db, opt, 100, 30)
	h.typeSlow("y")
	h.typeSlow("s")
	h.wantView("not enrolled")
	enrolled = true
	h.typeSlow("s")
	h.wantView("pushed 3")
	if syncer.calls == 0 {
		t.Fatal("no sync after the desk was enrolled")
	}
}

// At 80 columns a sync error wraps under its label: its end, which says
// why and what to do, stays on the screen.
func TestSync_ErrorWrapsAt80(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	st := store.SyncStatus{Configured: true, Server: "http://127.0.0.1:19151", Failed: true,
		LastError: "cannot reach the server at http://127.0.0.1:19151: nothing answers there (is tagdesk serve running?)"}
	h := newHarness(t, db, Options{Operator: "clerk", SyncState: &fakeSyncState{st: st}}, 80, 24)
	h.typeSlow("y")
	h.wantView("  Last error     cannot reach the server at", "(is tagdesk serve running?)")
}

// A scan on the Sync screen opens what it names, as on Home; an unknown
// code is refused there with the bell.
func TestSync_ScreenTakesScans(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("y")
	h.scan("NO-SUCH-CODE")
	if h.bells != 1 || !strings.Contains(h.view(), "NO-SUCH-CODE") {
		t.Fatalf("%d bells:\n%s", h.bells, h.view())
	}
	h.scan("TD-000002")
	if h.title() != "Asset TD-000002" {
		t.Fatalf("a scan on Sync opened %q", h.title())
	}
}

// A sync asked for by hand that fails rings, as any error does; the
// timer's, on a desk offline as it often is, only shows. A change the
// server refused, found at any sync, rings once.
func TestSync_FailuresAndRefusalsRing(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	fs := &fakeSyncState{st: store.SyncStatus{Configured: true, Server: "http://127.0.0.1:1", Pending: 3}}
	syncer := &fakeSyncer{state: fs, err: errors.New("cannot reach the server at http://127.0.0.1:1: nothing answers there")}
	opt := Options{Operator: "clerk", SyncState: fs, SyncEvery: 30 * time.Second,
		Syncing: func(context.Context, Store) (Syncer, error) { return syncer, nil }}
	h := newHarness(t, db, opt, 80, 24)
	h.advance(time.Minute)
	if syncer.calls < 2 || h.bells != 0 {
		t.Fatalf("timer's failed syncs: %d syncs, %d bells", syncer.calls, h.bells)
	}
	h.typeSlow("y")
	h.typeSlow("s")
	if h.bells != 1 {
		t.Fatalf("a failed sync asked for by hand: %d bells", h.bells)
	}
	// The link is back, and the server refused one of the desk's changes.
	syncer.err = nil
	fs.st.Refusals = conflictStatus().Refusals[:1]
	h.advance(30 * time.Second)
	h.advance(defaultStatusEvery)
	if h.bells != 2 {
		t.Fatalf("a new refusal: %d bells", h.bells)
	}
	h.advance(2 * time.Minute) // the same refusal, still there: no more
	if h.bells != 2 {
		t.Fatalf("the same refusal again: %d bells", h.bells)
	}
}

// copiedDeskError is what a sync records on a desk whose database was
// copied to another (two desks with one device id) once the other pushed.
const copiedDeskError = "server said 409: event D0JTRKTGAF:2 differs from the copy the server holds: the device's database was restored from an old backup, or copied from another desk: keep this copy for its history and start a fresh database for the desk (tagdesk --db NEW.db sync --server URL --token NEW-TOKEN pulls everything the server has), then redo there what this copy changed since its last sync (tagdesk report history lists it)"

// From a server review: on a copied desk (two desks with one device id)
// the Sync screen cut the way out it is told at the third line, at
// 80x24, before the fresh database's command: the error wraps whole,
// and a sync of this session that failed the same way says so in a line
// instead of repeating it.
func TestSync_CopiedDeskFixFitsAt80x24(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	fs := &fakeSyncState{st: store.SyncStatus{Configured: true, Enrolled: true, Server: "http://127.0.0.1:7420", DeviceID: "D0JTRKTGAF",
		Failed: true, Pending: 1, OldestPending: epoch.Add(-2 * time.Minute), LastAttempt: epoch, LastSuccess: epoch.Add(-time.Hour),
		Watchdog: "24h0m0s", LastError: copiedDeskError}}
	syncer := &fakeSyncer{state: fs, err: errors.New(copiedDeskError)}
	opt := Options{Operator: "clerk", SyncState: fs, Syncing: func(context.Context, Store) (Syncer, error) { return syncer, nil }}
	h := newHarness(t, db, opt, 80, 24)
	h.typeSlow("y")
	check := func(when string) {
		t.Helper()
		v := h.view()
		lines := strings.Split(v, "\n")
		if len(lines) > 24 {
			t.Errorf("%s: %d lines at 80x24:\n%s", when, len(lines), v)
		}
		flat := strings.Join(strings.Fields(v), " ")
		for _, want := range []string{"start a fresh database for the desk (tagdesk --db NEW.db sync --server URL --token NEW-TOKEN pulls everything the server has), then redo there what this copy changed since its last sync (tagdesk report history lists it)", "Needs attention"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: the screen lacks %q:\n%s", when, want, v)
			}
		}
		if strings.Contains(strings.Join(lines[:len(lines)-1], "\n"), "…") { // (the key help's end aside)
			t.Errorf("%s: something is cut:\n%s", when, v)
		}
	}
	check("the last error")
	h.typeSlow("s") // a sync now fails the same way
	if syncer.calls == 0 {
		t.Fatal("no sync")
	}
	check("after a sync of this session")
	h.wantView("This session   sync failed (the Last error)")
}
