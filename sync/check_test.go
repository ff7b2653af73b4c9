package sync

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// verify --server: what a desk records of the server's answers is compared
// with the server's log. A refusal made up on the desk, and the desk's
// newest changes cut off its history, which a local verify cannot see,
// are found; changes of other desks not yet pulled are not problems.
func TestCheckServer(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()

	// Not synced yet: nothing to compare, said so.
	cl := e.client(t, hs.URL)
	if _, err := cl.CheckServer(ctx, nil); err == nil || !strings.Contains(err.Error(), "has not synced") {
		t.Fatalf("check before any sync: %v", err)
	}

	e.receiveMany(t, 5)
	if _, err := cl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// Another desk's changes reach the server; this desk has not pulled them.
	other, err := store.Open(ctx, filepath.Join(t.TempDir(), "other.db"), store.Options{Operator: "o"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tok2 := store.NewToken()
	if err := e.srv.AddToken(ctx, "other", tok2); err != nil {
		t.Fatal(err)
	}
	other.SetSyncServer(ctx, hs.URL, tok2, "")
	ocl, err := NewClient(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.AddLocation(ctx, "LAB", "Lab", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ocl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}

	// A sync of the desk runs while the check reads the server's log (the
	// UI's, a script's): what it records is no difference.
	var progressed bool
	rep, err := cl.CheckServer(ctx, func(done, head int64) {
		progressed = done > 0 && done <= head
		if _, err := e.dev.AddLocation(ctx, "MID", "Added mid-check", ""); err != nil {
			t.Error(err)
		}
		if _, err := cl.Sync(ctx, nil); err != nil {
			t.Error(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// 9 events of this desk (location, maker, category, model, 5 receipts), 1 of the other.
	if len(rep.Problems) != 0 || rep.Compared != 9 || rep.NotPulled != 1 || !progressed {
		t.Fatalf("an honest desk: %+v (progress %v)", rep, progressed)
	}
	if rep, err = cl.CheckServer(ctx, nil); err != nil || len(rep.Problems) != 0 || rep.Compared != 11 {
		t.Fatalf("after the sync: %+v %v", rep, err)
	}

	raw, err := sql.Open("sqlite", "file:"+e.dev.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// A refusal made up on the desk: its third receipt "refused", with a
	// refusal recorded, so that the asset no longer counts.
	exec(`UPDATE sync_log SET refused = 1 WHERE event_id = (SELECT id FROM events WHERE type = 'asset.received' ORDER BY id LIMIT 1 OFFSET 2)`)
	exec(`INSERT INTO sync_refusals(event_id, code, reason, refused_at) SELECT id, 'conflict', 'made up', '2026-11-28T00:00:00Z' FROM events WHERE type = 'asset.received' ORDER BY id LIMIT 1 OFFSET 2`)
	// Its fourth receipt counted as no longer applying: its record in the
	// server's order removed, as if the server had not yet answered.
	exec(`DELETE FROM sync_log WHERE event_id = (SELECT id FROM events WHERE type = 'asset.received' ORDER BY id LIMIT 1 OFFSET 3)`)
	exec(`INSERT INTO sync_unapplied(event_id, code, reason) SELECT id, 'conflict', 'made up' FROM events WHERE type = 'asset.received' ORDER BY id LIMIT 1 OFFSET 3`)
	// The desk's newest change cut off its history.
	exec(`DROP TRIGGER events_no_delete`)
	exec(`DELETE FROM sync_log WHERE event_id = (SELECT MAX(id) FROM events WHERE device_id = '` + e.dev.DeviceID() + `')`)
	exec(`DELETE FROM events WHERE id = (SELECT MAX(id) FROM events WHERE device_id = '` + e.dev.DeviceID() + `')`)

	rep, err = cl.CheckServer(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.Problems, "\n")
	for _, want := range []string{
		"the desk records this desk's change " + e.dev.DeviceID() + ":7 (asset.received TD-000003)",
		"as refused by the server, which applied it",
		"the desk has pulled past its own change " + e.dev.DeviceID() + ":8 (place 8 of the server's order) and has no record of its place: the server applied it",
		"the server holds this desk's change " + e.dev.DeviceID() + ":10, which the desk no longer has",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if len(rep.Problems) != 3 || rep.Compared != 8 {
		t.Fatalf("a tampered desk: %+v", rep)
	}

	// A server replaced since the desk last synced is not the log it
	// recorded: no comparison, and why.
	srv2, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "server2.db"), SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	srv2.AddToken(ctx, "dev", e.tok)
	hs2 := httptest.NewServer(NewServer(srv2, ServerOptions{}))
	defer hs2.Close()
	e.dev.SetSyncServer(ctx, hs2.URL, "", "")
	cl2, err := NewClient(ctx, e.dev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl2.CheckServer(ctx, nil); err == nil || !strings.Contains(err.Error(), "restored or replaced") {
		t.Fatalf("check against another server: %v", err)
	}
}

// From an auditor's hunt: a change put in the desk's file as another
// desk's (its next event, hashed right) passed verify --server, and its
// history blamed that desk's operator. Another desk's change reaches a
// desk only by a pull, which records its place: one the server does not
// have is named.
func TestCheckServerOtherDeskChangeNotFromTheServer(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	cl := e.client(t, hs.URL)
	e.receiveMany(t, 2)
	if _, err := cl.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+e.dev.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `INSERT INTO events(device_id, seq, operator, at, type, subject, payload, prev_hash, hash)
		SELECT 'DFORGED001', 1, 'ana', at, type, subject, payload, '', hash FROM events WHERE type = 'location.created' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	rep, err := cl.CheckServer(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rep.Problems, "\n")
	if !strings.Contains(got, "the desk holds DFORGED001:1 (location.created), another desk's change the server does not have") {
		t.Errorf("problems:\n%s", got)
	}
}

// From a sync hunt: a lease the server refused (one desk's tag_next set
// far too high) stopped the desk's sync before its push and pull: its
// changes never reached the server. The sync goes on, and says so.
func TestSyncGoesOnWhenTheLeaseIsRefused(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	if _, err := e.dev.AddLocation(ctx, "WH", "Warehouse", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.dev.SetSetting(ctx, store.SettingTagNext, "999999999999000"); err != nil {
		t.Fatal(err)
	}
	rep, err := e.client(t, hs.URL).Sync(ctx, nil)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if rep.Pushed == 0 || !strings.Contains(rep.LeaseRefused, "far past every desk's") {
		t.Errorf("report %+v", rep)
	}
}

// From a README walk-through: a lone desk's sync said "pushed 48 ...,
// pulled 48": its own changes, back in the server's order. Pulled counts
// the other desks'.
func TestSyncPulledCountsOtherDesks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewServer(e.h)
	defer hs.Close()
	e.receiveMany(t, 3)
	var last Progress
	rep, err := e.client(t, hs.URL).Sync(ctx, func(p Progress) {
		if p.Phase == "pull" {
			last = p
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed == 0 || rep.Pulled != 0 {
		t.Errorf("a lone desk: pushed %d, pulled %d (want 0)", rep.Pushed, rep.Pulled)
	}
	// The progress counts the same (a new user's hunt: "pulled 60" as it
	// went, "pulled 0" at the end).
	if last.Others != rep.Pulled || last.Done == 0 {
		t.Errorf("pull progress %+v, report pulled %d", last, rep.Pulled)
	}
}

// From a new user's hunt: --server http:// to a server that speaks HTTPS
// read "is not a tagdesk sync server (server said 400: Bad Request)"; it is
// one, at https://.
func TestSyncHTTPToHTTPSServer(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	hs := httptest.NewTLSServer(e.h)
	defer hs.Close()
	plain := "http://" + strings.TrimPrefix(hs.URL, "https://")
	c := &Client{DB: e.dev, Server: plain, Token: e.tok}
	_, err := c.Sync(ctx, nil)
	if err == nil || err.Error() != "the server at "+plain+" speaks HTTPS: use --server "+hs.URL {
		t.Fatalf("sync over http to an HTTPS server: %v", err)
	}
}
