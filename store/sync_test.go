package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// syncVia pushes dev's outbox straight into srv and pulls everything back
// (the protocol without HTTP).
func syncVia(t *testing.T, srv, dev *store.DB) {
	t.Helper()
	ctx := context.Background()
	epoch, err := srv.ServerEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.MarkEnrolled(ctx, epoch); err != nil {
		t.Fatal(err)
	}
	// Tag numbers, as a sync leases them after its hello.
	if left, next, err := dev.LeaseRemaining(ctx); err != nil {
		t.Fatal(err)
	} else if left < 200 {
		first, last, err := srv.ServerLease(ctx, dev.DeviceID(), 1000, next)
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.AddLease(ctx, first, last); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100; i++ {
		evs, err := dev.OutboxBatch(ctx, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		rep, err := srv.ServerPush(ctx, dev.DeviceID(), evs)
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.RecordPushResults(ctx, rep.Results, rep.HighWater); err != nil {
			t.Fatal(err)
		}
	}
	pullVia(t, srv, dev, epoch)
	if st, _ := dev.SyncState(ctx); st.NeedsRebuild {
		if err := dev.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// pullVia applies one page of what srv has after dev's cursor (no rebase).
func pullVia(t *testing.T, srv, dev *store.DB, epoch string) {
	t.Helper()
	ctx := context.Background()
	st, err := dev.SyncState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, next, _, err := srv.ServerPull(ctx, st.Cursor, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.ApplyPulled(ctx, changes, next, epoch); err != nil {
		t.Fatal(err)
	}
}

// twoDesks opens a sync server and two desks: a seeded (seed), b empty.
func twoDesks(t *testing.T) (srv, a, b *store.DB) {
	t.Helper()
	srv, a, b = openServer(t), mustOpen(t), mustOpen(t)
	seed(t, a)
	return srv, a, b
}

// syncedDesks is twoDesks with tags received on a at DUB, then both desks
// synced (a, then b): b has what a has.
func syncedDesks(t *testing.T, tags ...string) (srv, a, b *store.DB) {
	t.Helper()
	srv, a, b = twoDesks(t)
	receiveTags(t, a, "DUB", tags...)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	return srv, a, b
}

// syncedOne is twoDesks with one asset received on a (receiveOne), then
// both desks synced (a, then b); it returns the asset's tag.
func syncedOne(t *testing.T) (srv, a, b *store.DB, tag string) {
	t.Helper()
	srv, a, b = twoDesks(t)
	tag = receiveOne(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	return srv, a, b, tag
}

func openServer(t *testing.T) *store.DB {
	t.Helper()
	srv, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"), store.Options{Operator: "server"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := srv.ServerInit(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	return srv
}

func syncVerify(t *testing.T, dbs ...*store.DB) {
	t.Helper()
	for _, db := range dbs {
		rep, err := db.Verify(context.Background(), t.TempDir())
		if err != nil || !rep.OK {
			t.Fatalf("verify %s: %v %v", db.Path(), err, rep.Problems)
		}
	}
}

// refusedCheckOut makes a conflict: desks a and b check the asset tag out,
// a to Ana Silva (B1001), b to Bo Chen (B2002), while apart; a syncs first,
// so b's check-out is refused.
func refusedCheckOut(t *testing.T) (srv, a, b *store.DB, tag string) {
	t.Helper()
	ctx := context.Background()
	srv, a, b, tag = syncedOne(t)
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "B2002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B2002", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	return srv, a, b, tag
}

// Two desks check out the same asset offline: the first to arrive wins, the
// second is refused with the winner, its view is rebased on the server's,
// and verify (which replays in the same projection order) agrees.
func TestSyncConflictRebaseVerify(t *testing.T) {
	ctx := context.Background()
	srv, a, b, tag := refusedCheckOut(t)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %v %v", refs, err)
	}
	if !strings.Contains(refs[0].Explain(), "already checked out to Ana Silva (B1001)") || refs[0].Winner == nil || refs[0].Winner.DeviceID != a.DeviceID() {
		t.Fatalf("refusal: %s", refs[0].Explain())
	}
	got, err := b.Asset(ctx, tag)
	if err != nil || got.Custodian != "B1001" {
		t.Fatalf("b's view after the refusal: %+v %v", got.Custodian, err)
	}
	// Both desks tell the history in the server's order, b's check-out
	// marked as refused.
	syncVia(t, srv, a)
	for _, db := range []*store.DB{a, b} {
		_, evs, err := db.AssetHistory(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range evs {
			lines = append(lines, store.Describe(e))
		}
		got := strings.Join(lines, "\n")
		if !strings.HasSuffix(got, "checked out to Ana Silva (B1001)\nrefused by the sync server, changed nothing: checked out to Bo Chen (B2002)") {
			t.Errorf("%s history:\n%s", db.Path(), got)
		}
	}
	syncVerify(t, a, b, srv)
	st, err := b.Status(ctx)
	if err != nil || len(st.Problems) == 0 || st.Pending != 0 {
		t.Fatalf("status: %+v %v", st, err)
	}
	// Redo: a check-in and the check-out, accepted by the server.
	if _, err := b.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{a, b, srv} {
		if got, _ := db.Asset(ctx, tag); got.Custodian != "B2002" {
			t.Fatalf("%s: custodian %q after redo", db.Path(), got.Custodian)
		}
	}
	syncVerify(t, a, b, srv)
}

// A pull page is applied with its cursor in one transaction: if any change
// of the page fails, neither the changes nor the cursor are kept (F1).
func TestApplyPulledAtomic(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	syncVia(t, srv, a)
	epoch, _ := srv.ServerEpoch(ctx)
	if err := b.MarkEnrolled(ctx, epoch); err != nil {
		t.Fatal(err)
	}
	changes, next, _, err := srv.ServerPull(ctx, 0, 100)
	if err != nil || len(changes) < 3 {
		t.Fatalf("pull: %d %v", len(changes), err)
	}
	bad := append([]store.PulledChange(nil), changes...)
	bad[2].Event.Hash = strings.Repeat("f", 64) // a corrupted change mid-page
	if err := b.ApplyPulled(ctx, bad, next, epoch); err == nil {
		t.Fatal("a corrupted page was applied")
	}
	st, _ := b.SyncState(ctx)
	if st.Cursor != 0 {
		t.Fatalf("cursor moved to %d after a failed page", st.Cursor)
	}
	if _, err := b.Location(ctx, "DUB"); err == nil {
		t.Fatal("part of a failed page was kept")
	}
	if err := b.ApplyPulled(ctx, changes, next, epoch); err != nil {
		t.Fatal(err)
	}
	// The same page again changes nothing.
	if err := b.ApplyPulled(ctx, changes, next, epoch); err != nil {
		t.Fatal(err)
	}
	// Nor does an earlier page that a second sync of this desk, started
	// before the first pulled, brings in after it.
	if err := b.ApplyPulled(ctx, changes[:2], changes[1].ServerSeq, epoch); err != nil {
		t.Fatalf("a page already applied by another sync: %v", err)
	}
	if st, _ := b.SyncState(ctx); st.Cursor != next {
		t.Fatalf("cursor %d after an earlier page, want %d", st.Cursor, next)
	}
	syncVerify(t, b)
}

func receiveOne(t *testing.T, db *store.DB) string {
	t.Helper()
	a, err := db.Receive(context.Background(), store.Receipt{Model: "L5440", Location: "DUB-STORE", Serial: "SN-1"})
	if err != nil {
		t.Fatal(err)
	}
	return a.Tag
}

// The watchdog: pending events with no successful push for longer than the
// configured time are reported as a problem, not hidden (F4).
func TestSyncWatchdog(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t) // its clock advances a second per reading
	seed(t, db)
	st, err := db.Status(ctx)
	if err != nil || st.Stalled || st.Pending == 0 {
		t.Fatalf("fresh work is not a problem yet: %+v %v", st, err)
	}
	if err := db.SetSyncWatchdog(ctx, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		db.Now()
	}
	st, err = db.Status(ctx)
	if err != nil || !st.Stalled || len(st.Problems) == 0 || !strings.Contains(st.Problems[0], "waiting to sync") {
		t.Fatalf("stalled queue not reported: %+v %v", st, err)
	}
}

// A pull page ends before its payloads pass the byte budget (keeping at
// least one change), says there is more, and the next page continues
// exactly where it ended.
func TestServerPullByteBudget(t *testing.T) {
	ctx := context.Background()
	srv, a := openServer(t), mustOpen(t)
	seed(t, a)
	syncVia(t, srv, a)
	all, _, more, err := srv.ServerPull(ctx, 0, 1000)
	if err != nil || more || len(all) < 4 {
		t.Fatalf("whole log: %d changes, more %v, %v", len(all), more, err)
	}
	budget := len(all[0].Event.Payload) + len(all[1].Event.Payload) // passed after the second change
	var got []store.PulledChange
	cursor := int64(0)
	for pages := 0; ; pages++ {
		if pages > len(all) {
			t.Fatal("pages never end")
		}
		page, next, more, err := srv.ServerPullBytes(ctx, cursor, 1000, budget)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 || len(page) > 3 {
			t.Fatalf("a page of %d changes with a budget of two payloads", len(page))
		}
		got = append(got, page...)
		cursor = next
		if !more {
			break
		}
	}
	if len(got) != len(all) {
		t.Fatalf("paged %d changes, the log has %d", len(got), len(all))
	}
	for i := range all {
		if got[i].ServerSeq != all[i].ServerSeq {
			t.Fatalf("change %d: server_seq %d, want %d", i, got[i].ServerSeq, all[i].ServerSeq)
		}
	}
	// A budget smaller than one payload still makes progress.
	page, _, _, err := srv.ServerPullBytes(ctx, 0, 1000, 1)
	if err != nil || len(page) != 1 {
		t.Fatalf("a tiny budget: %d changes, %v", len(page), err)
	}
}

// Payloads decoded ahead of ApplyPulled give the same state as decoding
// them during it, and a page predecoded that does not apply still fails
// as a whole.
func TestPredecodePulled(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.Receive(ctx, store.Receipt{Serial: "PD-1", Model: "L5440", Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	epoch, _ := srv.ServerEpoch(ctx)
	if err := b.MarkEnrolled(ctx, epoch); err != nil {
		t.Fatal(err)
	}
	changes, next, _, err := srv.ServerPull(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]store.PulledChange(nil), changes...)
	store.PredecodePulled(bad)
	bad[len(bad)-1].Event.Hash = strings.Repeat("f", 64)
	if err := b.ApplyPulled(ctx, bad, next, epoch); err == nil {
		t.Fatal("a corrupted predecoded page was applied")
	}
	store.PredecodePulled(changes)
	if err := b.ApplyPulled(ctx, changes, next, epoch); err != nil {
		t.Fatal(err)
	}
	got, err := b.ResolveAsset(ctx, "PD-1")
	if err != nil || got.LocationCode != "DUB-STORE" || got.Model != "Latitude 5440" {
		t.Fatalf("pulled asset: %+v, %v", got, err)
	}
	rep, err := b.Verify(ctx, t.TempDir())
	if err != nil || !rep.OK {
		t.Fatalf("verify after a predecoded pull: %v %v", rep.Problems, err)
	}
}

// logOrder reads a database's sync_log joined to its events: server_seq ->
// device:seq.
func logOrder(t *testing.T, path string) map[int64]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT s.server_seq, e.device_id, e.seq FROM sync_log s JOIN events e ON e.id = s.event_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var seq, n int64
		var dev string
		if err := rows.Scan(&seq, &dev, &n); err != nil {
			t.Fatal(err)
		}
		out[seq] = fmt.Sprintf("%s:%d", dev, n)
	}
	return out
}

// Pushed batches and pulled pages write their event and log rows in chunks
// (store/logrows.go): every log row must point at its own event, on the
// server and on a device that pulled pages of hundreds of changes.
func TestLogRows_ChunkedWritesPointAtTheirEvents(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := store.Open(ctx, filepath.Join(dir, "server.db"), store.Options{Operator: "server", NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := srv.ServerInit(ctx, false); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *store.DB {
		db, err := store.Open(ctx, filepath.Join(dir, name), store.Options{Operator: name})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open("a.db"), open("b.db")
	for i := range 150 {
		if _, err := a.AddLocation(ctx, fmt.Sprintf("A%d", i), fmt.Sprintf("room %d", i), ""); err != nil {
			t.Fatal(err)
		}
		if i < 100 {
			if _, err := b.AddLocation(ctx, fmt.Sprintf("B%d", i), fmt.Sprintf("room %d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A refusal in the middle of a batch: B takes a code A has, pushed after A's.
	if _, err := b.AddLocation(ctx, "A7", "clash", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	want := map[int64]string{}
	changes, _, _, err := srv.ServerPull(ctx, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		want[c.ServerSeq] = fmt.Sprintf("%s:%d", c.Event.DeviceID, c.Event.Seq)
	}
	if len(want) != 251 {
		t.Fatalf("server log holds %d changes, want 251", len(want))
	}
	for name, path := range map[string]string{"server": filepath.Join(dir, "server.db"), "a": filepath.Join(dir, "a.db"), "b": filepath.Join(dir, "b.db")} {
		got := logOrder(t, path)
		for seq, w := range want {
			if got[seq] != w {
				t.Fatalf("%s: server_seq %d points at %s, want %s", name, seq, got[seq], w)
			}
		}
	}
	syncVerify(t, a, b)
}

// Plain receipts of a pushed batch or pulled page are inserted in chunks
// (store/receipts.go). A check-out of a receipt in the same page sees its
// asset; a tag already taken on the server refuses exactly the receipt that
// wants it; every copy verifies.
func TestReceiptChunks_RefusalAndLaterEventsExact(t *testing.T) {
	ctx := context.Background()
	srv := openServer(t)
	a, b, c, d := mustOpen(t), mustOpen(t), mustOpen(t), mustOpen(t)
	seed(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, d) // D has the catalogue, not A's assets
	for i := range 10 {
		if _, err := a.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("A-%d", i), Serial: fmt.Sprintf("SA%d", i), Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for i := range 60 {
		if _, err := b.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("B-%d", i), Serial: fmt.Sprintf("SB%d", i), Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.CheckOut(ctx, "B-30", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, c) // one page: the catalogue, A's and B's receipts, the check-out
	got, err := c.Asset(ctx, "B-30")
	if err != nil || got.Status != store.StatusDeployed || got.CustodianName != "Ana Silva" {
		t.Fatalf("B-30 on C = %+v, %v; want deployed to Ana Silva", got, err)
	}
	syncVerify(t, b, c)

	// D never saw A-7 and receives it among plain receipts (in the first
	// chunk of 64).
	for i := range 80 {
		tag := fmt.Sprintf("D-%d", i)
		if i == 25 {
			tag = "A-7"
		}
		if _, err := d.Receive(ctx, store.Receipt{Tag: tag, Serial: fmt.Sprintf("SD%d", i), Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := d.OutboxBatch(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := srv.ServerPush(ctx, d.DeviceID(), evs)
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for i, r := range rep.Results {
		if r.Status == store.PushRefused {
			refused++
			if evs[i].Type != store.EvAssetReceived || !strings.Contains(string(evs[i].Payload), `"A-7"`) {
				t.Errorf("refused %s %s: %s", evs[i].Type, evs[i].Payload, r.Reason)
			}
		}
	}
	if refused != 1 || len(rep.Results) != 80 {
		t.Fatalf("%d of %d events refused, want exactly the receipt of A-7", refused, len(rep.Results))
	}
	syncVerify(t, srv)
}

// Two desks create the same location, model, manufacturer and category
// while apart (or import the same catalogue), and receive assets with
// them: the second creation merges into the first instead of being refused
// with everything that used it, and every desk and the server end up with
// the same entries, whichever desk syncs first.
func TestSyncMergesCatalogue(t *testing.T) {
	for _, first := range []string{"a", "b"} {
		t.Run(first+" first", func(t *testing.T) {
			ctx := context.Background()
			srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
			for i, db := range []*store.DB{a, b} {
				if _, err := db.AddLocation(ctx, "DUB", []string{"Dublin", "Dublin office"}[i], ""); err != nil {
					t.Fatal(err)
				}
				if _, err := db.AddModel(ctx, "Latitude 5440", []string{"L5440", "l5440"}[i], "Dell", []string{"Laptop", "laptop"}[i]); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("TD-%c", 'A'+i), Serial: fmt.Sprintf("SN-%d", i), Model: "Latitude 5440", Location: "DUB"}); err != nil {
					t.Fatal(err)
				}
			}
			order := []*store.DB{a, b, a}
			if first == "b" {
				order = []*store.DB{b, a, b}
			}
			for _, db := range order {
				syncVia(t, srv, db)
			}
			for _, db := range []*store.DB{a, b, srv} {
				for _, tag := range []string{"TD-A", "TD-B"} {
					got, err := db.Asset(ctx, tag)
					if err != nil || got.Model != "Latitude 5440" || got.LocationCode != "DUB" {
						t.Fatalf("%s on %s: %+v %v", tag, db.Path(), got, err)
					}
				}
				if refs, err := db.Refusals(ctx, false); err != nil || len(refs) != 0 {
					t.Fatalf("%s: refusals %v %v", db.Path(), refs, err)
				}
			}
			syncVerify(t, a, b, srv)
			// The same entries on every desk: the one with the smaller uid,
			// with the attributes its creation gave.
			dump := func(db *store.DB) string {
				var out []string
				for _, q := range []string{`SELECT uid || ' ' || name FROM categories`, `SELECT uid || ' ' || code || ' ' || name FROM locations`, `SELECT uid || ' ' || model_number FROM models`, `SELECT tbl || ' ' || alias || ' ' || target FROM aliases ORDER BY 1`} {
					rows, err := db.ReadOnlyQueryForTest(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, rows...)
				}
				return strings.Join(out, "\n")
			}
			want := dump(srv)
			for _, db := range []*store.DB{a, b} {
				if got := dump(db); got != want {
					t.Errorf("%s differs from the server:\n%s\nwant\n%s", db.Path(), got, want)
				}
			}
			if strings.Count(want, "\n")+1 != 7 { // 1 category, 1 location, 1 model, 4 aliases (location, model, manufacturer, category)
				t.Errorf("entries and aliases:\n%s", want)
			}
		})
	}
}

// The winner shown for a refusal is what the other desk did: a check-out
// to someone offboarded elsewhere names the offboarding, not the desk's
// own receipt of the asset.
func TestSyncRefusalWinnerIsTheOtherDesks(t *testing.T) {
	ctx := context.Background()
	srv, a, b := syncedDesks(t)
	receiveTags(t, b, "DUB", "BX-1")
	tag := "BX-1"
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.DeviceID != a.DeviceID() || w.Type != store.EvPersonOffboarded {
		t.Fatalf("winner: %+v (%s)", w, refs[0].Explain())
	}
}

// The redo of a refused check-out acts on the asset the check-out was for:
// when that asset's own receipt was refused (its tag taken by another
// desk's asset), the redo is refused, never applied to the other asset.
func TestRedoCheckOutByIdentity(t *testing.T) {
	ctx := context.Background()
	srv, a, b := syncedDesks(t)
	if _, err := a.Receive(ctx, store.Receipt{Tag: "DUP-9", Serial: "SER-A", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Receive(ctx, store.Receipt{Tag: "DUP-9", Serial: "SER-B", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "DUP-9", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	var checkout store.Refusal
	for _, r := range refs {
		if r.Type == store.EvAssetCheckedOut {
			checkout = r
		}
	}
	if checkout.Reason != "DUP-9 is not in the register: its receipt was refused, or has not reached it" {
		t.Errorf("the check-out's refusal says %q", checkout.Reason)
	}
	// Won by the receipt that took its tag, not by its person.
	if w := checkout.Winner; w == nil || w.Type != store.EvAssetReceived || w.DeviceID != a.DeviceID() {
		t.Errorf("the check-out's refusal won by %+v", w)
	}
	_, err = b.ResolveRefusal(ctx, checkout.ID, store.ResolveRedo)
	if store.ErrorCode(err) != store.ENOTFOUND || !strings.Contains(store.ErrorMessage(err), "its receipt was refused too") {
		t.Fatalf("redo of a check-out whose asset is not in the register: %v", err)
	}
	if got, _ := b.Asset(ctx, "DUP-9"); got.Serial != "SER-A" || got.Status != store.StatusInStock {
		t.Fatalf("the other desk's DUP-9 after the refused redo: %+v", got)
	}
	syncVerify(t, a, b, srv)
}

// A count the server refused (another desk's count of the location was
// open) takes its results with it: they mark nothing missing.
func TestRefusedStocktakeMarksNothing(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	for _, s := range []string{"Y1", "Y2"} {
		if _, err := a.Receive(ctx, store.Receipt{Serial: s, Model: "L5440", Location: "DUB-STORE"}); err != nil {
			t.Fatal(err)
		}
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := a.StartStocktake(ctx, "DUB-STORE"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	st, err := b.StartStocktake(ctx, "DUB-STORE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	// What followed the refused start says why it has no count to go to.
	refs, err := b.Refusals(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, r := range refs {
		said = said || strings.Contains(r.Reason, "a count whose start was refused by the sync server")
	}
	if !said {
		t.Errorf("refusals after a refused start: %+v", refs)
	}
	// A refused count is not redone (its moment has passed): said, and
	// nothing changes; accepted, it is resolved.
	for _, r := range refs {
		if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveRedo); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "a count is not redone") {
			t.Errorf("redo of %s: %v", r.Type, err)
		}
		if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveAccept); err != nil {
			t.Errorf("accept %s: %v", r.Type, err)
		}
	}
	for _, db := range []*store.DB{a, b, srv} {
		assets, err := db.SearchAssets(ctx, store.AssetFilter{Location: "DUB-STORE"})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range assets {
			if x.Status != store.StatusInStock {
				t.Errorf("%s: %s is %s after a refused count", db.Path(), x.Tag, x.Status)
			}
		}
	}
	syncVerify(t, a, b, srv)
}

// A check-in made on a desk whose check-out the server refused does not
// take the asset back from the holder the register has.
func TestCheckInAfterRefusedCheckOut(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Carl Doe", Badge: "B3003"}); err != nil {
		t.Fatal(err)
	}
	tag := receiveOne(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := a.CheckOut(ctx, tag, "B3003", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckIn(ctx, tag, store.CheckInOptions{Condition: "repair"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{a, b, srv} {
		if got, _ := db.Asset(ctx, tag); got.Status != store.StatusDeployed || got.Custodian != "B3003" {
			t.Errorf("%s: %s is %s with %q, want deployed with Carl", db.Path(), tag, got.Status, got.Custodian)
		}
	}
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("refusals on the desk that lost: %+v %v", refs, err)
	}
	// Redone, the check-in takes it back from whoever has it now.
	for _, r := range refs {
		if r.Type == store.EvAssetCheckedIn {
			if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveRedo); err != nil {
				t.Fatalf("redo the check-in: %v", err)
			}
		}
	}
	if got, _ := b.Asset(ctx, tag); got.Status != store.StatusInRepair {
		t.Errorf("after the redone check-in: %s", got.Status)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	syncVerify(t, a, b, srv)
}

// The server applies a desk's own refusals against the register as it has
// it: a parent another desk installed a part in is not disposed of, and a
// code another desk made a badge is not taken as a tag.
func TestServerAdmitsByTheRegister(t *testing.T) {
	ctx := context.Background()
	srv, a, b := syncedDesks(t, "SRV-9", "DSK-9")
	if _, err := a.CheckOut(ctx, "DSK-9", "SRV-9", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Carl Doe", Badge: "CODE-7"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Dispose(ctx, "SRV-9", store.Disposal{Method: "shred"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Receive(ctx, store.Receipt{Tag: "CODE-7", Serial: "C7", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	for _, db := range []*store.DB{a, b, srv} {
		if got, _ := db.Asset(ctx, "SRV-9"); got.Status == store.StatusDisposed {
			t.Errorf("%s: SRV-9 disposed of with DSK-9 installed in it", db.Path())
		}
		if got, err := db.Asset(ctx, "CODE-7"); err == nil {
			t.Errorf("%s: CODE-7 is an asset (%s) and Carl's badge", db.Path(), got.Serial)
		}
	}
	// Locally: nothing is installed in a retired asset.
	receiveTags(t, a, "DUB", "OLD-1", "NEW-1")
	if _, err := a.Retire(ctx, "OLD-1", ""); err != nil {
		t.Fatal(err)
	}
	_, err = a.CheckOut(ctx, "NEW-1", "OLD-1", "")
	if store.ErrorCode(err) != store.EINVALID || store.ErrorMessage(err) != "OLD-1 is retired: nothing can be installed in it" {
		t.Errorf("install into a retired asset: %v", err)
	}
	syncVia(t, srv, a)
	syncVerify(t, a, b, srv)
}

// A check-in from a location two desks created apart (merged into one) is
// a check-in from that location, whichever uid it keeps.
func TestCheckInFromMergedLocation(t *testing.T) {
	ctx := context.Background()
	srv, a, b, tag := syncedOne(t)
	if _, err := a.AddLocation(ctx, "SHELF", "Shelf", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	// B's clock (each test desk's own) well past A's: B's uid for the
	// shelf is the larger, so it is the one merged away.
	for i := range 30 {
		if _, err := b.AddLocation(ctx, fmt.Sprintf("B-%d", i), fmt.Sprintf("Bay %d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.AddLocation(ctx, "SHELF", "Shelf", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "SHELF", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckIn(ctx, tag, store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	if refs, err := b.Refusals(ctx, false); err != nil || len(refs) != 0 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	for _, db := range []*store.DB{a, b, srv} {
		if got, _ := db.Asset(ctx, tag); got.Status != store.StatusInStock {
			t.Errorf("%s: %s is %s", db.Path(), tag, got.Status)
		}
	}
	syncVerify(t, a, b, srv)
}

// A part installed offline into an asset another desk retired meanwhile is
// refused at the server, as the desk itself would have refused it.
func TestServerRefusesInstallIntoRetired(t *testing.T) {
	ctx := context.Background()
	srv, a, b := syncedDesks(t, "S1", "D1")
	if _, err := a.Retire(ctx, "S1", "end of life"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	if _, err := b.CheckOut(ctx, "D1", "S1", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Reason != "S1 is retired: nothing can be installed in it" {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	syncVerify(t, a, b, srv)
}

// A sync that failed at the desk or was refused by the server is told
// apart from one that could not reach it: the first is not "offline".
func TestSyncFailedIsNotOffline(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if err := db.SetSyncServer(ctx, "http://127.0.0.1:1", "tok", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err    error
		failed bool
	}{
		{errors.New(store.UnreachablePrefix + " at http://127.0.0.1:1: nothing answers there"), false},
		{errors.New("read outbox: context deadline exceeded"), true},
	} {
		if err := db.RecordSyncAttempt(ctx, c.err); err != nil {
			t.Fatal(err)
		}
		st, err := db.Status(ctx)
		if err != nil || st.Online || st.Failed != c.failed {
			t.Errorf("after %q: online %v, failed %v (%v)", c.err, st.Online, st.Failed, err)
		}
	}
}

// An offboarding refused because another desk gave the leaver an asset
// meanwhile is redone whole: that asset taken back, then the offboarding.
func TestRedoOffboarding(t *testing.T) {
	ctx := context.Background()
	srv, a, b, tag := syncedOne(t)
	if _, err := b.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvPersonOffboarded {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatalf("redo the offboarding: %v", err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, db := range []*store.DB{a, b, srv} {
		if p, err := db.Person(ctx, "B1001"); err != nil || p.Active || p.Holding != 0 {
			t.Errorf("%s: Ana %+v %v", db.Path(), p, err)
		}
	}
	syncVerify(t, a, b, srv)
}

// The redo of a refused check-in as retired is held to the rule its
// command keeps: not while parts are installed in the asset.
func TestRedoRetiringCheckInKeepsPartsRule(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Bob Jones", Badge: "B2002"}); err != nil {
		t.Fatal(err)
	}
	receiveTags(t, a, "DUB", "S1", "D1")
	if _, err := a.CheckOut(ctx, "S1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := b.CheckIn(ctx, "S1", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "S1", "B2002", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "D1", "S1", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if _, err := a.CheckIn(ctx, "S1", store.CheckInOptions{Condition: store.ConditionRetire}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	_, err = a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo)
	if err == nil || !strings.Contains(store.ErrorMessage(err), "D1 installed in it") {
		t.Fatalf("redo of a retiring check-in with a part installed: %v", err)
	}
	if got, _ := a.Asset(ctx, "S1"); got.Status != store.StatusDeployed {
		t.Errorf("S1 is %s after the refused redo", got.Status)
	}
	syncVerify(t, a, b, srv)
}

// An asset another desk moved out while a count was open, synced before the
// counting desk finished without knowing: the server does not make it
// missing where it is now; the counting desk's result is refused, with why.
func TestServerKeepsAnAssetThatLeftTheCount(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	st := sharedCount(t, srv, a, b, "TD-STAY", "TD-GONE")
	if _, err := b.Move(ctx, "TD-GONE", "DUB"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if _, err := a.ScanIntoStocktake(ctx, st.UID, "TD-STAY"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.FinishStocktake(ctx, st.UID); err != nil { // a has not seen the move
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, db := range []*store.DB{a, b, srv} {
		if x := mustAsset(t, db, "TD-GONE"); x.Status != store.StatusInStock || x.LocationCode != "DUB" {
			t.Errorf("%s: TD-GONE is %s at %s", db.Path(), x.Status, x.LocationCode)
		}
	}
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || !strings.Contains(refs[0].Reason, "TD-GONE left the count of DUB-STORE while it was open (moved to DUB)") {
		t.Errorf("refusals on the counting desk: %+v %v", refs, err)
	}
	syncVerify(t, a, b, srv)
}

// A desk its server enrolled makes no tag numbers of its own before it has
// leased some: another desk of the same server could be making the same
// ones. A given tag is taken; once leased, tags come from the lease. A desk
// alone, or set to sync and never through, numbers its own.
func TestTagsWaitForALease(t *testing.T) {
	ctx := context.Background()
	alone := mustOpen(t)
	seed(t, alone)
	if a, err := alone.Receive(ctx, store.Receipt{Serial: "S-0", Model: "L5440", Location: "DUB"}); err != nil || a.Tag != "TD-000001" {
		t.Fatalf("a desk alone: %q %v", a.Tag, err)
	}
	db := mustOpen(t)
	seed(t, db)
	if err := db.SetSyncServer(ctx, "http://127.0.0.1:1", "tok", ""); err != nil {
		t.Fatal(err)
	}
	// Set to sync, never reached: it cannot know, and numbers its own.
	if a, err := db.Receive(ctx, store.Receipt{Serial: "S-0", Model: "L5440", Location: "DUB"}); err != nil || a.Tag != "TD-000001" {
		t.Fatalf("set to sync, never reached: %q %v", a.Tag, err)
	}
	if err := db.MarkEnrolled(ctx, "epoch-1"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Receive(ctx, store.Receipt{Serial: "S-1", Model: "L5440", Location: "DUB"})
	if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "no tag numbers from its server yet") {
		t.Fatalf("before a lease: %v", err)
	}
	if a, err := db.Receive(ctx, store.Receipt{Serial: "S-1", Model: "L5440", Location: "DUB", Tag: "PRE-1"}); err != nil || a.Tag != "PRE-1" {
		t.Fatalf("a pre-printed tag: %q %v", a.Tag, err)
	}
	if err := db.AddLease(ctx, 5001, 6000); err != nil {
		t.Fatal(err)
	}
	if a, err := db.Receive(ctx, store.Receipt{Serial: "S-2", Model: "L5440", Location: "DUB"}); err != nil || a.Tag != "TD-005001" {
		t.Fatalf("leased: %q %v", a.Tag, err)
	}
}

// A refused offboarding, redone, takes back what the person holds now in
// the condition and to the place the desk's offboarding gave (in repair, to
// the storeroom), not as it would by default (in stock, to each home).
func TestRedoOffboardingKeepsItsCondition(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Carl Doe", Badge: "B3003"}); err != nil {
		t.Fatal(err)
	}
	receiveTags(t, a, "DUB", "X-1", "Y-1")
	if _, err := a.CheckOut(ctx, "X-1", "B3003", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	// Offline: b lends Carl another laptop while a offboards him.
	if _, err := b.CheckOut(ctx, "Y-1", "B3003", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Offboard(ctx, "B3003", store.CheckInOptions{Condition: store.ConditionRepair, Location: "DUB-STORE"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvPersonOffboarded {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"X-1", "Y-1"} {
		if got, _ := a.Asset(ctx, tag); got.Status != store.StatusInRepair || got.LocationCode != "DUB-STORE" {
			t.Errorf("%s after the redone offboarding: %s at %s, want in repair at DUB-STORE", tag, got.Status, got.LocationCode)
		}
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVerify(t, a, b, srv)
}

// An import's generated tags come from the desk's leased blocks, as a
// receipt's do: two desks importing while apart do not make the same tag.
func TestImportTagsFromTheLease(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if err := db.SetSyncServer(ctx, "http://127.0.0.1:1", "tok", ""); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkEnrolled(ctx, "epoch-1"); err != nil {
		t.Fatal(err)
	}
	file := "Serial Number,Model Name,Location\nIMP-1,Latitude 5440,DUB\n"
	if rep, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{}); err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "no tag numbers from its server yet") {
		t.Fatalf("before a lease: %v %+v", err, rep)
	}
	if err := db.AddLease(ctx, 1001, 2000); err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{})
	if err != nil || rep.Imported != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	if a, err := db.Resolve(ctx, "IMP-1"); err != nil || a.Asset == nil || a.Asset.Tag != "TD-001001" {
		t.Fatalf("imported tag: %+v %v", a, err)
	}
}

// The winner of a refused check-out is the check-out that took the asset,
// not a note another desk wrote on it afterwards.
func TestWinnerIsTheChangeOfHands(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Bo Li", Badge: "B1002"}); err != nil {
		t.Fatal(err)
	}
	tag := receiveOne(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateAsset(ctx, tag, map[string]string{"notes": "charger missing"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B1002", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.Type != store.EvAssetCheckedOut || w.DeviceID != a.DeviceID() {
		t.Fatalf("winner: %+v (%s)", w, refs[0].Explain())
	}
}

// The same person added on two desks while apart (the same email and name)
// is one person once they sync: what each desk checked out to them stays
// checked out to them, on every desk, whichever desk syncs first.
func TestSamePersonOnTwoDesksMerges(t *testing.T) {
	for _, first := range []string{"a", "b"} {
		t.Run(first+" first", func(t *testing.T) {
			ctx := context.Background()
			srv, a, b := syncedDesks(t, "LAP-1", "LAP-2")
			for _, d := range []struct {
				db        *store.DB
				tag, more string
			}{{a, "LAP-1", "B7001"}, {b, "LAP-2", ""}} {
				p, err := d.db.AddPerson(ctx, store.PersonInput{Name: "Priya Raman", Email: "priya@example.com", Badge: d.more})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.db.CheckOut(ctx, d.tag, p.Email, ""); err != nil {
					t.Fatal(err)
				}
			}
			order := []*store.DB{a, b}
			if first == "b" {
				order = []*store.DB{b, a}
			}
			for _, db := range append(order, order...) {
				syncVia(t, srv, db)
			}
			for _, db := range []*store.DB{a, b, srv} {
				if refs, _ := db.Refusals(ctx, false); len(refs) != 0 {
					t.Errorf("%s: refusals %+v", db.Path(), refs)
				}
				people, err := db.People(ctx, store.PeopleFilter{})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, p := range people {
					if p.Email == "priya@example.com" {
						n++
						if p.Badge != "B7001" {
							t.Errorf("%s: the merged person lacks a desk's badge: %+v", db.Path(), p)
						}
					}
				}
				if n != 1 {
					t.Errorf("%s: %d people with Priya's email", db.Path(), n)
				}
				for _, tag := range []string{"LAP-1", "LAP-2"} {
					if x, _ := db.Asset(ctx, tag); x.Status != store.StatusDeployed || x.CustodianName != "Priya Raman" {
						t.Errorf("%s: %s is %s with %q", db.Path(), tag, x.Status, x.CustodianName)
					}
				}
			}
			syncVerify(t, a, b, srv)
		})
	}
}

// desksApart is a server and two desks that share a register (a seeded
// with LAP-1 and LAP-2, both synced); b's uids sort before a's.
func desksApart(t *testing.T) (srv, a, b *store.DB) {
	srv = openServer(t)
	b = mustOpenAt(t, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	a = mustOpenAt(t, time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC))
	seed(t, a)
	receiveTags(t, a, "DUB", "LAP-1", "LAP-2")
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	return srv, a, b
}

// A person merged with one this desk had already changed (a department, an
// email) ends as on the server: the desk's own changes come after the
// merge, as the server put them, and verify agrees everywhere.
func TestPersonMergeAfterLocalChanges(t *testing.T) {
	for _, c := range []struct {
		name   string
		change map[string]string
		email  string // the person's email at the end
		dept   string
	}{
		{"department", map[string]string{"department": "Sales"}, "j@example.com", "Sales"},
		{"email", map[string]string{"email": "jane@example.com"}, "jane@example.com", "IT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			srv, a, b := desksApart(t)
			if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Jane Roe", Email: "j@example.com"}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.UpdatePerson(ctx, "j@example.com", c.change); err != nil {
				t.Fatal(err)
			}
			if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Jane Roe", Email: "j@example.com", Department: "IT"}); err != nil {
				t.Fatal(err)
			}
			syncVia(t, srv, b)
			syncVia(t, srv, a)
			syncVia(t, srv, b)
			for _, db := range []*store.DB{srv, a, b} {
				ps, err := db.People(ctx, store.PeopleFilter{Query: "Jane", IncludeGone: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 1 || ps[0].Email != c.email || ps[0].Department != c.dept {
					t.Errorf("%s: %+v", db.Path(), ps)
				}
			}
			syncVerify(t, a, b, srv)
		})
	}
}

// A refused offboarding of a person whose uid became another's alias (the
// same person made on two desks) is redone on the person as they are now.
// The check-out it refused names the offboarding as its winner.
func TestMergedPersonOffboardingRedoAndWinner(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Jane Roe", Email: "jane@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckOut(ctx, "LAP-1", "jane@example.com", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Offboard(ctx, "jane@example.com", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Jane Roe", Email: "jane@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "LAP-2", "jane@example.com", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvPersonOffboarded {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatalf("redo: %v", err)
	}
	if x, _ := a.Asset(ctx, "LAP-2"); x.Status != store.StatusInStock {
		t.Errorf("LAP-2 after the redone offboarding: %s", x.Status)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVerify(t, a, b, srv)

	// Offboarded on a; b checks out to her, not knowing: the winner is
	// the offboarding, not the asset's last change.
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Kim Ode", Badge: "B4004"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	if _, err := a.Offboard(ctx, "B4004", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "LAP-2", "B4004", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err = b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.Type != store.EvPersonOffboarded {
		t.Fatalf("winner: %+v (%s)", w, refs[0].Explain())
	}
}

// Someone else's creation, pulled while this desk has people of its own
// still to push, applies at once: no rebase for a page of new colleagues.
func TestPulledNewPersonNeedsNoRebase(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Kim Ode", Email: "kim@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Lee Park", Email: "lee@example.com"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	epoch, err := srv.ServerEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pullVia(t, srv, b, epoch)
	if st, _ := b.SyncState(ctx); st.NeedsRebuild {
		t.Fatal("an unrelated person's creation made the desk rebase")
	}
	syncVia(t, srv, b)
	syncVerify(t, a, b, srv)
}

// Two desks received under the same tag while apart: the second desk's
// receipt is refused, and its redo takes a new tag, queues the asset's
// label and says to relabel it.
func TestRedoReceiptUnderATakenTagQueuesItsLabel(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	for _, db := range []*store.DB{a, b} {
		seed(t, db)
	}
	receiveTags(t, a, "DUB", "TD-1")
	if _, err := b.Receive(ctx, store.Receipt{Tag: "TD-1", Serial: "SN-B", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvAssetReceived || refs[0].Tag != "TD-1" {
		t.Fatalf("refusals %+v %v", refs, err)
	}
	evs, err := b.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.ResolveAsset(ctx, "SN-B")
	if err != nil || got.Tag == "TD-1" {
		t.Fatalf("SN-B after the redo: %q %v", got.Tag, err)
	}
	if note, want := store.RelabelNote(refs[0], evs), "relabel serial SN-B: its tag is now "+got.Tag+" (TD-1 is another asset's)"; note != want {
		t.Errorf("note %q, want %q", note, want)
	}
	jobs, err := b.QueuedJobs(ctx, 10)
	if err != nil || !slices.ContainsFunc(jobs, func(j store.PrintJob) bool { return j.Tag == got.Tag }) {
		t.Errorf("no label queued for %s: %+v %v", got.Tag, jobs, err)
	}
	syncVia(t, srv, b)
	if rep, err := b.Verify(ctx, t.TempDir()); err != nil || !rep.OK {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}

// A part moves with the asset it is installed in only where that asset's
// change holds: two desks check the dock out apart, to Madrid and to
// London; the server takes the first and refuses the second's check-out and
// the laptop's move with it (it was moved to London all the same); redone,
// the laptop follows the dock to where it is.
func TestPartFollowsOnlyAHeldMove(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	for _, l := range [][2]string{{"MAD", "Madrid"}, {"LON", "London"}} {
		if _, err := a.AddLocation(ctx, l[0], l[1], ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []store.PersonInput{{Name: "Mia Ruiz", Badge: "B3003", Location: "MAD"}, {Name: "Leo Hart", Badge: "B4004", Location: "LON"}} {
		if _, err := a.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	receiveTags(t, a, "DUB", "DOCK1", "LAP1")
	if _, err := a.CheckOut(ctx, "LAP1", "DOCK1", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := a.CheckOut(ctx, "DOCK1", "B3003", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "DOCK1", "B4004", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{srv, a, b} {
		for _, tag := range []string{"DOCK1", "LAP1"} {
			if got, err := db.Asset(ctx, tag); err != nil || got.LocationCode != "MAD" {
				t.Fatalf("%s on %s: at %s (%v), want MAD", tag, db.Path(), got.LocationCode, err)
			}
		}
	}
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("b's refusals: %+v %v", refs, err)
	}
	for _, r := range refs {
		if r.Type == store.EvAssetMoved {
			if !strings.Contains(r.Reason, "DOCK1 is not at London") {
				t.Errorf("the move's refusal: %s", r.Reason)
			}
			if _, err := b.ResolveRefusal(ctx, r.ID, store.ResolveRedo); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, _ := b.Asset(ctx, "LAP1"); got.LocationCode != "MAD" {
		t.Errorf("LAP1 at %s after the redo, want MAD", got.LocationCode)
	}
	syncVia(t, srv, b)
	syncVerify(t, a, b, srv)
}

// An offboarding undone (the wrong person): they hold assets again, the
// history says both, and the undoing travels to the server and other desks.
func TestReactivateUndoesOffboarding(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	tag := receiveOne(t, a)
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err == nil {
		t.Fatal("checked out to someone offboarded")
	}
	p, err := a.Reactivate(ctx, "B1001")
	if err != nil || !p.Active {
		t.Fatalf("reactivate: %+v %v", p, err)
	}
	if _, err := a.Reactivate(ctx, "B1001"); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "is not offboarded") {
		t.Fatalf("reactivating someone active: %v", err)
	}
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatalf("check-out after the undoing: %v", err)
	}
	h, err := a.History(ctx, p.UID)
	if err != nil || len(h) == 0 || store.Describe(h[len(h)-1]) != "reactivated Ana Silva (offboarding undone)" {
		t.Fatalf("history: %v %v", h, err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if q, err := b.Person(ctx, "B1001"); err != nil || !q.Active {
		t.Fatalf("on the other desk: %+v %v", q, err)
	}
	syncVerify(t, a, b, srv)
}

// A leaver kept a phone: it is checked in as not returned, missing where
// it was last recorded, and says so in its history; the leaver can then be
// offboarded. On the server and another desk alike.
func TestCheckInNotReturned(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddLocation(ctx, "MAD", "Madrid", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdatePerson(ctx, "B1001", map[string]string{"location": "MAD"}); err != nil {
		t.Fatal(err)
	}
	tag := receiveOne(t, a)
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	got, err := a.CheckIn(ctx, tag, store.CheckInOptions{Condition: store.ConditionMissing})
	if err != nil || got.Status != store.StatusMissing || got.Custodian != "" || got.LocationCode != "MAD" {
		t.Fatalf("not returned: %+v %v", got, err)
	}
	h, err := a.History(ctx, got.UID)
	if err != nil || store.Describe(h[len(h)-1]) != "not returned by Ana Silva (B1001): marked missing" {
		t.Fatalf("history: %v %v", store.Describe(h[len(h)-1]), err)
	}
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if x, err := b.Asset(ctx, tag); err != nil || x.Status != store.StatusMissing {
		t.Fatalf("on the other desk: %+v %v", x, err)
	}
	syncVerify(t, a, b, srv)
}

// A reactivation whose offboarding the server refused undoes nothing: it is
// refused too, so no history says an offboarding was undone.
func TestReactivationOfARefusedOffboarding(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	receiveOne(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	receiveTags(t, b, "DUB", "BX-1")
	tag := "BX-1"
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reactivate(ctx, "B1001"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	syncVerify(t, a, b, srv)
}

// A "not returned" check-in refused because someone else holds the asset
// now: redone, it does not mark missing what the new holder has.
func TestRedoNotReturnedHeldByAnother(t *testing.T) {
	ctx := context.Background()
	srv, a, b := twoDesks(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "B2002"}); err != nil {
		t.Fatal(err)
	}
	tag := receiveOne(t, a)
	if _, err := a.CheckOut(ctx, tag, "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := b.CheckIn(ctx, tag, store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B2002", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if _, err := a.CheckIn(ctx, tag, store.CheckInOptions{Condition: store.ConditionMissing}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	_, err = a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo)
	if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "is now held by Bo Chen (B2002)") {
		t.Fatalf("redo: %v", err)
	}
	if x, _ := a.Asset(ctx, tag); x.Status != store.StatusDeployed || x.Custodian != "B2002" {
		t.Fatalf("after the refused redo: %s held by %s", x.Status, x.Custodian)
	}
	syncVerify(t, a, b, srv)
}

// A check-out to a person whose creation the server refused (their badge
// another's, added on another desk while apart) is refused naming them, not
// by their uid.
func TestRefusedCheckOutNamesThePerson(t *testing.T) {
	ctx := context.Background()
	srv, a, c := openServer(t), mustOpen(t), mustOpen(t)
	seed(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, c)
	tag := receiveOne(t, a)
	syncVia(t, srv, a)
	syncVia(t, srv, c)
	if _, err := c.AddPerson(ctx, store.PersonInput{Name: "Lee Park", Badge: "CB2002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Kim Ode", Badge: "CB2002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CheckOut(ctx, tag, "CB2002", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, c)
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, r := range refs {
		reasons = append(reasons, r.Reason)
	}
	if len(refs) != 2 || !slices.ContainsFunc(reasons, func(r string) bool {
		return strings.Contains(r, "Kim Ode (CB2002) is not in the register: their creation was refused")
	}) {
		t.Fatalf("refusals: %q", reasons)
	}
	// The person's refusal was won by Lee Park's creation; the check-out's
	// by no change (the asset's receipt did not win anything).
	for _, r := range refs {
		switch r.Type {
		case store.EvPersonCreated:
			if r.Winner == nil || r.Winner.Type != store.EvPersonCreated || !strings.Contains(r.Winner.Summary, "Lee Park") {
				t.Errorf("the person's refusal won by %+v", r.Winner)
			}
		case store.EvAssetCheckedOut:
			if r.Winner != nil {
				t.Errorf("the check-out's refusal won by %+v", r.Winner)
			}
		}
	}
}

// Places on two desks while apart: the same code created on both, one
// renamed and moved since on the desk that made it second (the merge must
// not write the first creation over that change on that desk); and two
// rooms moved each under the other, the later refused with the move that
// won named. Every desk ends with the server's tree.
func TestLocationUpdatesAcrossDesks(t *testing.T) {
	ctx := context.Background()
	// (b's clock a day on: a's creation of LAB has the smaller uid, so the
	// merge on b keeps a's entry and writes a's creation over b's.)
	srv, a, b := openServer(t), mustOpen(t), mustOpenAt(t, time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC))
	// (c's clock a day before: its uids the smallest.)
	c := mustOpenAt(t, time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	seed(t, a) // DUB, DUB-STORE
	for _, c := range [][3]string{{"HQ", "Head office", ""}, {"RA", "Room A", "HQ"}, {"RB", "Room B", "HQ"}} {
		if _, err := a.AddLocation(ctx, c[0], c[1], c[2]); err != nil {
			t.Fatal(err)
		}
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	if _, err := a.AddLocation(ctx, "LAB", "Lab", "HQ"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddLocation(ctx, "LAB", "Lab", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateLocation(ctx, "LAB", map[string]string{"name": "Big Lab", "parent": "RB"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{srv, a, b} {
		if l, err := db.Location(ctx, "LAB"); err != nil || l.Name != "Big Lab" || l.ParentCode != "RB" {
			t.Fatalf("%s: LAB is %+v %v", db.Path(), l, err)
		}
	}
	// A third desk that made LAB before either (the smallest uid) and
	// syncs only now: its creation merges, and the rename and move stand.
	if _, err := c.AddLocation(ctx, "LAB", "Lab", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, c)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	for _, db := range []*store.DB{srv, a, b, c} {
		if l, err := db.Location(ctx, "LAB"); err != nil || l.Name != "Big Lab" || l.ParentCode != "RB" {
			t.Fatalf("%s after the third desk: LAB is %+v %v", db.Path(), l, err)
		}
	}
	// Renamed only: the name stands, the place comes from the creation
	// that keeps the entry (the third desk's, under HQ).
	if _, err := a.AddLocation(ctx, "LAB3", "Lab 3", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateLocation(ctx, "LAB3", map[string]string{"name": "Lab three"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddLocation(ctx, "LAB3", "Lab 3", "HQ"); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, c)
	syncVia(t, srv, a)
	for _, db := range []*store.DB{srv, a, c} {
		if l, err := db.Location(ctx, "LAB3"); err != nil || l.Name != "Lab three" || l.ParentCode != "HQ" {
			t.Fatalf("%s: LAB3 is %+v %v", db.Path(), l, err)
		}
	}
	if _, err := a.UpdateLocation(ctx, "RA", map[string]string{"parent": "RB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateLocation(ctx, "RB", map[string]string{"parent": "RA"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	// (A rename of where the rooms are, by a third desk, is not the move
	// that won.)
	if _, err := c.UpdateLocation(ctx, "HQ", map[string]string{"name": "Head office (main)"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, c)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	syncVia(t, srv, c)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %v %v", refs, err)
	}
	if why := refs[0].Explain(); !strings.Contains(why, "location RB cannot go under Room A (RA): it lies inside RB now") || refs[0].Winner == nil || !strings.Contains(refs[0].Winner.Summary, "location RA moved from Head office (HQ) to Room B (RB)") {
		t.Fatalf("refusal: %s (winner %+v)", why, refs[0].Winner)
	}
	tree := func(db *store.DB) string {
		ls, err := db.Locations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range ls {
			out = append(out, l.Code+"="+l.Name+"<"+l.ParentCode)
		}
		return strings.Join(out, " ")
	}
	want := tree(srv)
	if !strings.Contains(want, "LAB=Big Lab<RB") || !strings.Contains(want, "RA=Room A<RB") || !strings.Contains(want, "RB=Room B<HQ") {
		t.Fatalf("server tree: %s", want)
	}
	for _, db := range []*store.DB{a, b, c} {
		if got := tree(db); got != want {
			t.Fatalf("%s:\n got %s\nwant %s", db.Path(), got, want)
		}
	}
	syncVerify(t, srv, a, b, c)
}

// A desk pointed at another server and back: what that server refused
// (it had none of the desk's assets) is not this server's refusal. Once
// the server's own order says the change was applied, the refusal goes;
// it was left listed, a sync failing on it for ever, and its redo undid
// a later hand-over.
func TestRefusalsOfAnotherServerGoWhenAppliedHere(t *testing.T) {
	ctx := context.Background()
	srv, _, b, tag := syncedOne(t)
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Bo Chen", Badge: "B2002"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, tag, "B2002", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	// Pointed at another server: it re-sends its changes, and that
	// server, which never had the asset, refuses the check-out.
	other := openServer(t)
	epoch2, _ := other.ServerEpoch(ctx)
	if err := b.ResetForEpoch(ctx, epoch2, 0); err != nil {
		t.Fatal(err)
	}
	syncVia(t, other, b)
	if rs, _ := b.Refusals(ctx, false); len(rs) == 0 {
		t.Fatal("the other server refused nothing: the test sets nothing up")
	}
	// Back on its own server.
	epoch1, _ := srv.ServerEpoch(ctx)
	hw, _ := srv.ServerHighWater(ctx, b.DeviceID())
	if err := b.ResetForEpoch(ctx, epoch1, hw); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	if rs, _ := b.Refusals(ctx, false); len(rs) != 0 {
		t.Fatalf("refusals of the other server still listed: %+v", rs)
	}
	if got := mustAsset(t, b, tag); got.CustodianName != "Bo Chen" {
		t.Fatalf("%s is with %q", tag, got.CustodianName)
	}
	syncVerify(t, b)
}

// A refusal names the change that won over it: an offboarding refused
// because another desk checked an asset out to them names that check-out;
// a check-out refused because the asset went missing names what made it
// missing, not the holder's offboarding (which the reason does not name).
func TestWinnersOfOffboardingsAndMissingAssets(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	if _, err := a.Offboard(ctx, "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "LAP-1", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	refs, err := a.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvPersonOffboarded {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.Type != store.EvAssetCheckedOut || w.DeviceID != b.DeviceID() {
		t.Fatalf("the offboarding's winner: %+v", refs[0].Winner)
	}
	// Now LAP-2: marked missing on a, checked out to Ana on b (whom a
	// offboarded too, in the redo).
	if _, err := a.ResolveRefusal(ctx, refs[0].ID, store.ResolveRedo); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetStatus(ctx, "LAP-2", store.StatusMissing, "not on the shelf"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "LAP-2", "B1001", ""); err != nil { // (b has not heard)
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err = b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvAssetCheckedOut {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.Type == store.EvPersonOffboarded || w.DeviceID != a.DeviceID() || !strings.Contains(refs[0].Reason, "missing") {
		t.Fatalf("the check-out's reason %q, winner %+v", refs[0].Reason, refs[0].Winner)
	}
	syncVerify(t, a, b, srv)
}

// One purchase order added on two desks while apart: the second's creation
// is refused, and so is its receipt against it, said by the order's
// number (it gave an id); its redo receives the asset against the
// server's order of that number.
func TestReceiptAgainstARefusedOrderRedoneAgainstTheServers(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	for _, d := range []*store.DB{a, b} {
		if _, err := d.AddPurchaseOrder(ctx, "PO-9", "", map[string]int{"L5440": 2}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Receive(ctx, store.Receipt{Serial: "SN-A", Model: "L5440", Location: "DUB", PONumber: "PO-9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Receive(ctx, store.Receipt{Serial: "SN-B", Model: "L5440", Location: "DUB", PONumber: "PO-9"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	var receipt store.Refusal
	for _, r := range refs {
		if r.Type == store.EvAssetReceived {
			receipt = r
		}
	}
	if !strings.Contains(receipt.Reason, "PO-9") || strings.Contains(receipt.Reason, " id ") {
		t.Fatalf("the receipt's refusal: %q", receipt.Reason)
	}
	if _, err := b.ResolveRefusal(ctx, receipt.ID, store.ResolveRedo); err != nil {
		t.Fatalf("redo the receipt: %v", err)
	}
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	po, err := a.PurchaseOrder(ctx, "PO-9")
	if err != nil {
		t.Fatal(err)
	}
	if len(po.Lines) != 1 || po.Lines[0].Received != 2 {
		t.Fatalf("PO-9: %+v", po)
	}
	syncVerify(t, a, b, srv)
}

// From a sync hunt: a lease asked from near the top of int64 (a desk's
// tag_next set so, or any enrolled token) overflowed the server's counter,
// which went negative and then handed out blocks it had granted. Such a
// lease is refused, the counter never goes below a granted block, and a
// desk asks past every block it holds (a server restored from a backup
// that forgot them moves past them).
func TestServerLeaseBounds(t *testing.T) {
	ctx := context.Background()
	srv := mustOpen(t)
	if _, err := srv.ServerInit(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, min := range []int64{9223372036854775000, store.MaxTagNumber + 1, -5} {
		if _, _, err := srv.ServerLease(ctx, "DEV1", 1000, min); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("lease from %d: %v, want refused", min, err)
		}
	}
	if _, _, err := srv.ServerLease(ctx, "DEV1", 1000, store.MaxTagNumber-10); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("a lease past the largest tag number: %v", err)
	}
	first, last, err := srv.ServerLease(ctx, "DEV1", 1000, 1)
	if err != nil || first != 1 || last != 1000 {
		t.Fatalf("first lease %d-%d %v", first, last, err)
	}
	// A counter that went wrong (an older server's overflow) does not
	// hand out a granted block again.
	if err := srv.ExecForTest(ctx, `UPDATE srv_meta SET value = '-9223372036854775616' WHERE key = 'lease_next'`); err != nil {
		t.Fatal(err)
	}
	if first, last, err := srv.ServerLease(ctx, "DEV2", 1000, 1); err != nil || first != 1001 || last != 2000 {
		t.Fatalf("lease after a broken counter: %d-%d %v", first, last, err)
	}

	// From a sync hunt: one desk's tag_next set far too high moved the
	// counter every desk shares to the top, and every desk's next lease
	// found none left. Refused; a jump a register makes is granted.
	if _, _, err := srv.ServerLease(ctx, "DEV3", 1000, 999_999_999_999_000); store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "far past every desk's") {
		t.Errorf("a lease far past the counter: %v", err)
	}
	if first, _, err := srv.ServerLease(ctx, "DEV3", 1000, 2_026_000_001); err != nil || first != 2_026_000_001 {
		t.Errorf("a lease from 2026000001 (a year's numbering): %d %v", first, err)
	}

	// A desk holding 1-1000 asks from 1001, even before it used a tag.
	dev := mustOpen(t)
	if err := dev.AddLease(ctx, 1, 1000); err != nil {
		t.Fatal(err)
	}
	if left, from, err := dev.LeaseRemaining(ctx); err != nil || left != 1000 || from != 1001 {
		t.Fatalf("LeaseRemaining = %d, %d, %v; want 1000 left, a new lease from 1001", left, from, err)
	}
	// From a server hunt: numbers of the block whose tags the register
	// has already (another desk numbered its own before it enrolled, and
	// its receipts were pulled here) are not left: counted, the desk was
	// never topped up, and every receipt said "used all its leased tag
	// numbers" after each sync.
	seed(t, dev)
	for i := 1; i <= 10; i++ {
		if _, err := dev.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("TD-%06d", i), Model: "L5440", Location: "DUB-STORE"}); err != nil {
			t.Fatal(err)
		}
	}
	if left, _, err := dev.LeaseRemaining(ctx); err != nil || left != 990 {
		t.Fatalf("LeaseRemaining = %d, %v; want 990 (ten of the block's tags are taken)", left, err)
	}
	full := mustOpen(t)
	seed(t, full)
	if err := full.AddLease(ctx, 1, 3); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := full.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("TD-%06d", i), Model: "L5440", Location: "DUB-STORE"}); err != nil {
			t.Fatal(err)
		}
	}
	if left, from, err := full.LeaseRemaining(ctx); err != nil || left != 0 || from != 4 {
		t.Fatalf("LeaseRemaining = %d, %d, %v; want none left, a new lease from 4", left, from, err)
	}
}

// From a sync hunt: a badge given on two desks apart to two people was
// refused on the second with the winner the refused person's own earlier
// change, not the update that took the badge; a review found the same of
// an employee number (its update's key was misread).
func TestSyncIdentifierUpdateWinner(t *testing.T) {
	for _, c := range []struct{ field, value string }{{"badge", "B9000"}, {"employee_number", "E-777"}} {
		t.Run(c.field, func(t *testing.T) {
			ctx := context.Background()
			srv, a, b := twoDesks(t)
			if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Eva Lind", Badge: "B1003"}); err != nil {
				t.Fatal(err)
			}
			syncVia(t, srv, a)
			syncVia(t, srv, b)
			if _, err := a.UpdatePerson(ctx, "B1001", map[string]string{"email": "ana.silva@example.com"}); err != nil {
				t.Fatal(err) // Ana's own change, on a, before
			}
			syncVia(t, srv, a)
			if _, err := b.UpdatePerson(ctx, "B1003", map[string]string{c.field: c.value}); err != nil {
				t.Fatal(err)
			}
			syncVia(t, srv, b)
			if _, err := a.UpdatePerson(ctx, "B1001", map[string]string{c.field: c.value}); err != nil {
				t.Fatal(err)
			}
			syncVia(t, srv, a)
			refs, err := a.Refusals(ctx, false)
			if err != nil || len(refs) != 1 {
				t.Fatalf("refusals: %+v %v", refs, err)
			}
			w := refs[0].Winner
			if w == nil || w.DeviceID != b.DeviceID() || w.Type != store.EvPersonUpdated || !strings.Contains(w.Summary, c.value) {
				t.Fatalf("winner of the clash: %+v (%s)", w, refs[0].Explain())
			}
		})
	}
}

// From a sync hunt: two desks counted one shelf at once, each finding half;
// each finish marked missing what the other found, and the server took
// both, so every asset found ended missing. An asset another count saw
// while this one was open is not marked missing.
func TestSyncTwoCountsOfOneShelf(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	twoHalfCounts(t, srv, a, b)
	for _, db := range []*store.DB{srv, a, b} {
		for _, tag := range []string{"T-1", "T-2", "T-3", "T-4"} {
			if x, err := db.Asset(ctx, tag); err != nil || x.Status != store.StatusInStock {
				t.Errorf("%s: %s is %s (%v), want in stock: another count found it", db.DeviceID(), tag, x.Status, err)
			}
		}
	}
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 2 || !strings.Contains(refs[0].Reason, "in another count (of DUB-STORE, on device "+a.DeviceID()+") since this count of DUB-STORE began") || refs[0].Winner != nil {
		t.Fatalf("b's refusals: %+v %v", refs, err)
	}
}

// From an auditor's hunt: report history listed a desk's log in the order
// the desk received it, so a refused change came before the change that
// won, and two desks' reports of one log differed. It is the server's
// order, then the desk's changes not confirmed yet.
func TestEachEventInServerOrder(t *testing.T) {
	ctx := context.Background()
	srv, a, b, _ := refusedCheckOut(t)
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	order := func(db *store.DB) []string {
		var out []string
		if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
			out = append(out, e.UID())
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	oa, ob := order(a), order(b)
	if !slices.Equal(oa, ob) {
		t.Fatalf("the two desks' reports differ:\n a %v\n b %v", oa, ob)
	}
	if _, err := b.AddLocation(ctx, "LOCAL", "Not synced yet", ""); err != nil {
		t.Fatal(err)
	}
	if ob = order(b); len(ob) != len(oa)+1 || !slices.Equal(ob[:len(oa)], oa) {
		t.Fatalf("a change not synced yet is not last: %v", ob)
	}
}

// From a sync hunt: a check-out refused because a count on another desk had
// marked the asset missing named the asset's receipt ("in stock") as the
// change it lost to; the count's audit made it missing.
func TestWinnerOfCheckOutOfAssetCountedMissing(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	st, err := a.StartStocktake(ctx, "DUB")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.FinishStocktake(ctx, st.UID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CheckOut(ctx, "LAP-2", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvAssetCheckedOut {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if w := refs[0].Winner; w == nil || w.Type != store.EvAssetAudited || !strings.Contains(w.Summary, "missing") {
		t.Fatalf("reason %q, winner %+v", refs[0].Reason, refs[0].Winner)
	}
}

// From a review: two desks apart gave one person a username and another an
// email of the same text; each desk refuses that of its own people, but
// the server took both, and a lookup by the email named the other. The
// server refuses the second, as it does an email given twice.
func TestSyncIdentifiersApartAcrossKinds(t *testing.T) {
	ctx := context.Background()
	srv, a, b := desksApart(t)
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Ana Lima", Username: "ana@corp.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddPerson(ctx, store.PersonInput{Name: "Bo Ek", Email: "ana@corp.com"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 || refs[0].Type != store.EvPersonCreated || !strings.Contains(refs[0].Reason, "is Ana Lima's username") {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
}

// From a sync hunt: a custom field named "Size" on one desk and "size" on
// another held an asset's values under both names (one field, as custom
// fields compare without case), and each desk's export read only one.
func TestSyncCustomFieldOneName(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	for i, db := range []*store.DB{a, b} {
		seed(t, db)
		if _, err := db.Receive(ctx, store.Receipt{Tag: fmt.Sprintf("CF-%d", i), Serial: fmt.Sprintf("SN-CF-%d", i), Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.UpdateAsset(ctx, "CF-0", map[string]string{"custom:Size": "L"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdateAsset(ctx, "CF-1", map[string]string{"custom:size": "M"}); err != nil {
		t.Fatal(err)
	}
	for _, db := range []*store.DB{a, b, a} {
		syncVia(t, srv, db)
	}
	// Each desk's export gives both values in its one column (a review:
	// the values taken under the desk's name at apply differed by the
	// order events came in, and a replay in the server's order made
	// verify name a healthy desk).
	for _, db := range []*store.DB{a, b} {
		var out bytes.Buffer
		if _, err := db.ExportSnipeIT(ctx, &out); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&out).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range recs[0] {
			if strings.EqualFold(h, "size") {
				col = i
			}
		}
		got := map[string]string{}
		for _, r := range recs[1:] {
			if col >= 0 {
				got[r[0]] = r[col]
			}
		}
		if got["CF-0"] != "L" || got["CF-1"] != "M" {
			t.Errorf("%s exports %v", db.Path(), got)
		}
	}
	syncVerify(t, a, b)
}

// From a sync hunt: a refused change to a person said only what changed
// ("username "" → "asilva""), not whose.
func TestRefusalNamesThePerson(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	for _, db := range []*store.DB{a, b} {
		seed(t, db)
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Tom Byrne", Badge: "B1002"}); err != nil {
		t.Fatal(err)
	}
	for _, db := range []*store.DB{a, b, a} {
		syncVia(t, srv, db)
	}
	if _, err := a.UpdatePerson(ctx, "B1001", map[string]string{"username": "zz-one"}); err != nil {
		t.Fatal(err)
	}
	other, err := b.Person(ctx, "B1002")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.UpdatePerson(ctx, "B1002", map[string]string{"username": "zz-one"}); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	refs, err := b.Refusals(ctx, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("refusals: %+v %v", refs, err)
	}
	if !strings.Contains(refs[0].Summary, other.Name) {
		t.Errorf("the refusal names no one: %q (want %s)", refs[0].Summary, other.Name)
	}
}

// A desk's receipts count as used numbers: one that leased past
// MaxLeaseHeld over the years is topped up as long as it used them; a
// jump is charged against what its leases skipped before.
func TestLeaseForCountsReceipts(t *testing.T) {
	h := store.LeaseHolding{Granted: 1_500_000, Used: 1_499_000}
	if first, last, err := store.LeaseFor(3_000_001, 3_000_000, 3_000_001, 1000, h); err != nil || first != 3_000_001 || last != 3_001_000 {
		t.Errorf("a top-up of a desk that used its numbers: %d-%d %v", first, last, err)
	}
	h.Used = 1_300_000
	if _, _, err := store.LeaseFor(3_000_001, 3_000_000, 3_000_001, 1000, h); store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "holds 200000 unused tag numbers") {
		t.Errorf("a desk holding 200,000 unused: %v", err)
	}
	h = store.LeaseHolding{Granted: 2000, Jumped: store.MaxLeaseJump - 10}
	if _, _, err := store.LeaseFor(5001, 5000, 5011, 1000, h); err != nil {
		t.Errorf("a skip of 10 within the bound: %v", err)
	}
	if _, _, err := store.LeaseFor(5001, 5000, 5012, 1000, h); store.ErrorCode(err) != store.EINVALID || !strings.Contains(err.Error(), "skipped") {
		t.Errorf("a skip past the bound: %v", err)
	}
	if _, _, err := store.LeaseFor(5001, 5000, 1, 1000, h); err != nil {
		t.Errorf("a lease from the counter: %v", err)
	}

	// The server counts the desk's receipts once its blocks near the bound.
	ctx := context.Background()
	srv := mustOpen(t)
	if _, err := srv.ServerInit(ctx, false); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		_, _, err := srv.ServerLease(ctx, "DEV1", 100_000, 1)
		if (err == nil) != want || err != nil && !strings.Contains(err.Error(), "holds 200000 unused") {
			t.Errorf("lease %d of 100,000: %v", i+1, err)
		}
	}
	if first, _, err := srv.ServerLease(ctx, "DEV2", 100_000, 1); err != nil || first != 200_001 {
		t.Errorf("another desk's lease: %d %v", first, err)
	}
}
