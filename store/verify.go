package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// VerifyReport is what `tagdesk verify` prints: enough for an auditor to
// re-check the log independently.
type VerifyReport struct {
	OK         bool          `json:"ok"`
	Events     int64         `json:"events"`
	Devices    []DeviceChain `json:"devices"`
	Tables     []TableCheck  `json:"tables"`
	Problems   []string      `json:"problems"`
	Notes      []string      `json:"notes,omitempty"` // what was not checked, and why
	HashScheme string        `json:"hash_scheme"`
	// Server is the comparison with the sync server's log (verify --server).
	Server *ServerCheckReport `json:"server,omitempty"`
}

// DeviceChain is one device's hash chain.
type DeviceChain struct {
	DeviceID string `json:"device_id"`
	Events   int64  `json:"events"`
	Head     string `json:"head"`
}

// TableCheck compares one state table with its rebuild from events.
type TableCheck struct {
	Table   string `json:"table"`
	Rows    int    `json:"rows"`
	Rebuilt int    `json:"rebuilt"`
	Equal   bool   `json:"equal"`
}

const hashScheme = "sha256 over prev_hash, device_id, seq, operator, at (RFC 3339 UTC), type, subject, each followed by a newline, then the JSON payload; a device's first prev_hash is 64 zeros"

// canonical queries: each state table with local ids replaced by uids, in
// one deterministic order.
var canonical = []struct {
	table string
	keys  int // leading columns that name a row
	query string
}{
	{"manufacturers", 1, `SELECT uid, name FROM manufacturers ORDER BY uid`},
	{"categories", 1, `SELECT uid, name FROM categories ORDER BY uid`},
	{"suppliers", 1, `SELECT uid, name FROM suppliers ORDER BY uid`},
	{"models", 1, `SELECT m.uid, m.name, m.model_number, coalesce(f.uid, '') AS manufacturer, coalesce(c.uid, '') AS category FROM models m LEFT JOIN manufacturers f ON f.id = m.manufacturer_id LEFT JOIN categories c ON c.id = m.category_id ORDER BY m.uid`},
	{"locations", 1, `SELECT l.uid, l.code, l.name, coalesce(p.uid, '') AS parent, l.edited FROM locations l LEFT JOIN locations p ON p.id = l.parent_id ORDER BY l.uid`},
	{"people", 1, `SELECT p.uid, p.name, coalesce(p.badge, '') AS badge, coalesce(p.employee_no, '') AS employee_no, coalesce(p.username, '') AS username, coalesce(p.email, '') AS email, p.department, p.cost_centre, coalesce(l.uid, '') AS location, p.active FROM people p LEFT JOIN locations l ON l.id = p.location_id ORDER BY p.uid`},
	{"purchase_orders", 1, `SELECT o.uid, o.number, coalesce(s.uid, '') AS supplier, coalesce((SELECT group_concat(m.uid || '=' || pl.quantity, ',') FROM po_lines pl JOIN models m ON m.id = pl.model_id WHERE pl.po_id = o.id), '') AS lines FROM purchase_orders o LEFT JOIN suppliers s ON s.id = o.supplier_id ORDER BY o.uid`},
	{"custom_fields", 1, `SELECT name FROM custom_fields ORDER BY name`},
	{"assets", 1, `SELECT a.uid, a.tag, coalesce(a.serial, '') AS serial, a.name, coalesce(m.uid, '') AS model, a.kind, a.status, coalesce(l.uid, '') AS location, coalesce(hl.uid, '') AS home_location,
		coalesce(p.uid, '') AS holder_person, coalesce(cl.uid, '') AS holder_location, coalesce(ca.uid, '') AS holder_asset, a.checked_out_at, a.due_date, a.cost_centre, coalesce(s.uid, '') AS supplier, coalesce(o.uid, '') AS purchase_order,
		a.order_number, a.purchase_date, a.purchase_cost, a.currency, a.warranty_end, a.eol_date, a.notes, a.custom, a.last_audit, a.next_audit, a.created_at, a.updated_at
		FROM assets a LEFT JOIN models m ON m.id = a.model_id LEFT JOIN locations l ON l.id = a.location_id LEFT JOIN locations hl ON hl.id = a.home_location_id
		LEFT JOIN people p ON p.id = a.custodian_person_id LEFT JOIN locations cl ON cl.id = a.custodian_location_id LEFT JOIN assets ca ON ca.id = a.custodian_asset_id
		LEFT JOIN suppliers s ON s.id = a.supplier_id LEFT JOIN purchase_orders o ON o.id = a.po_id ORDER BY a.uid`},
	{"stocktakes", 1, `SELECT s.uid, l.uid AS location, s.status, s.started_at, s.started_by, s.finished_at, s.finished_by, s.finished_on FROM stocktakes s JOIN locations l ON l.id = s.location_id ORDER BY s.uid`},
	{"stocktake_expected", 2, `SELECT s.uid AS stocktake, a.uid AS asset, e.found FROM stocktake_expected e JOIN stocktakes s ON s.id = e.stocktake_id JOIN assets a ON a.id = e.asset_id ORDER BY s.uid, a.uid`},
	{"stocktake_scans", 3, `SELECT s.uid AS stocktake, c.code, coalesce(a.uid, '') AS asset, c.result, c.at, c.operator, c.device_id FROM stocktake_scans c JOIN stocktakes s ON s.id = c.stocktake_id LEFT JOIN assets a ON a.id = c.asset_id ORDER BY s.uid, c.at, c.code, c.id`},
	{"disposals", 1, `SELECT a.uid, a.tag, d.method, d.certificate, d.vendor, d.disposed_at FROM disposals d JOIN assets a ON a.id = d.asset_id ORDER BY a.uid`},
	{"aliases", 2, `SELECT tbl, alias, target FROM aliases ORDER BY tbl, alias`},
	{"device_sites", 2, `SELECT device_id, seq, site FROM device_sites ORDER BY device_id, seq`},
}

// Verify checks every device's hash chain and that the current state equals
// the state rebuilt from the events. The rebuild goes into a temporary
// database next to tmpDir ("" for the system default).
func (db *DB) Verify(ctx context.Context, tmpDir string) (VerifyReport, error) {
	rep := VerifyReport{HashScheme: hashScheme, Problems: []string{}}
	problem := func(format string, args ...any) {
		if len(rep.Problems) < 100 {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
		}
	}
	// Everything is read from one snapshot: commits made meanwhile (a desk
	// at work beside the check) are not half seen, as a log longer than
	// its recorded head or a table ahead of its events.
	snap, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	defer snap.Rollback()
	// 0. The log's guard: the triggers that refuse an event's change or
	// removal (dropped, the log can be edited without a word from SQLite;
	// the hashes still find an edit, but the guard is gone).
	// As the migration made them, word for word (spaces aside): one
	// made again with a WHEN, or on another event, guards nothing.
	guards := map[string]string{}
	if err := eachText(ctx, snap, `SELECT name || char(9) || coalesce(sql, '') FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'`, func(row string) {
		name, sql, _ := strings.Cut(row, "\t")
		guards[name] = strings.Join(strings.Fields(sql), " ")
	}); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	for _, g := range []struct{ name, op string }{{"events_no_update", "UPDATE"}, {"events_no_delete", "DELETE"}} {
		want := "CREATE TRIGGER " + g.name + " BEFORE " + g.op + " ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
		if guards[g.name] != want {
			problem("the event log's guard %s is gone or changed (by hand?): events can be changed or removed without SQLite refusing it", g.name)
		}
	}
	// 1. Hash chains, and the recorded heads.
	rows, err := snap.QueryContext(ctx, `SELECT `+eventColumns+`, at FROM events ORDER BY device_id, seq`)
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	var cur *DeviceChain
	prev := genesisHash
	var at string    // the time as stored
	var prevID int64 // the device's previous event's id
	for rows.Next() {
		e, err := scanEvent(scanAlso{rows, &at})
		if err != nil {
			// An unreadable row (a time that is no time) is a finding, not
			// the end of the check: the rest of the log is still read.
			problem("an event cannot be read: %s", ErrorMessage(err))
			continue
		}
		// The hash covers the instant, and reports select days by the
		// stored text: the same instant written in another zone moves the
		// event to another day unseen.
		if at != timestamp(e.At) {
			problem("event %s: its time %q is not as it is recorded (%s in UTC): altered", e.UID(), clip(at), timestamp(e.At))
		}
		rep.Events++
		if cur == nil || cur.DeviceID != e.DeviceID {
			rep.Devices = append(rep.Devices, DeviceChain{DeviceID: e.DeviceID})
			cur = &rep.Devices[len(rep.Devices)-1]
			prev = genesisHash
		}
		cur.Events++
		// A device's events are stored in the order it made them: the
		// log's ids rise with its sequence numbers.
		if cur.Events > 1 && e.ID < prevID {
			problem("device %s: event seq %d is stored before seq %d (the log was reordered)", e.DeviceID, e.Seq, e.Seq-1)
		}
		prevID = e.ID
		if e.Seq != cur.Events {
			problem("device %s: event seq %d where %d was expected (a gap or a deletion)", e.DeviceID, e.Seq, cur.Events)
			cur.Events = e.Seq
		}
		if e.PrevHash != prev {
			problem("event %s: prev_hash does not match the previous event's hash", e.UID())
		}
		if h := HashEvent(e); h != e.Hash {
			problem("event %s: hash does not match its contents (altered)", e.UID())
		}
		prev = e.Hash
		cur.Head = e.Hash
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	for _, d := range rep.Devices {
		var seq int64
		var hash string
		if err := snap.QueryRowContext(ctx, `SELECT seq, hash FROM chain_heads WHERE device_id = ?`, d.DeviceID).Scan(&seq, &hash); err != nil {
			problem("device %s: no recorded chain head (%v)", d.DeviceID, err)
		} else if seq != d.Events {
			problem("device %s: recorded head is seq %d, the log ends at %d (events removed from the end?)", d.DeviceID, seq, d.Events)
		} else if hash != d.Head {
			problem("device %s: recorded head's hash %s is not the last event's %s (altered)", d.DeviceID, clip(hash), clip(d.Head))
		}
	}
	// A head with no events: a device's whole chain removed.
	if err := eachText(ctx, snap, `SELECT device_id FROM chain_heads h WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.device_id = h.device_id) ORDER BY device_id`, func(dev string) {
		problem("device %s: a chain head is recorded, but none of its events are in the log (removed?)", dev)
	}); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	// Sync records decide which events count (a refused or an unapplied
	// one changed nothing), so each must rest on evidence: a refusal of
	// this desk's event, or of one this server took, has its answer
	// recorded; an unapplied event is this desk's own, not yet placed by
	// the server, on a desk that has pulled (only a rebase after a pull
	// marks one).
	if err := eachText(ctx, snap, `SELECT e.device_id || ':' || e.seq FROM sync_log s JOIN events e ON e.id = s.event_id
		WHERE s.refused = 1 AND (e.device_id = ? OR EXISTS (SELECT 1 FROM srv_results x WHERE x.device_id = e.device_id))
		AND NOT EXISTS (SELECT 1 FROM sync_refusals r WHERE r.event_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM srv_results x WHERE x.device_id = e.device_id AND x.seq = e.seq AND x.status = 'refused')
		ORDER BY e.id`, func(uid string) {
		problem("event %s is marked refused by the server, but no refusal of it is recorded (a change cancelled by hand?)", uid)
	}, db.deviceID); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	if err := eachText(ctx, snap, `SELECT e.device_id || ':' || e.seq FROM sync_unapplied u JOIN events e ON e.id = u.event_id
		WHERE e.device_id <> ? OR EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id)
			OR coalesce((SELECT cursor FROM sync_state WHERE id = 1), 0) = 0 ORDER BY e.id`, func(uid string) {
		problem("event %s is marked as no longer applying, but it is not this desk's pending change after a pull (a change cancelled by hand?)", uid)
	}, db.deviceID); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	// Another device's events reach a desk only by a pull, each with its
	// place in the server's order (sync_log, or sync_pulled_before after a
	// new epoch; a server's database aside):
	// one without was put in the file by hand (an anchor covers only the
	// desk's own chain, and verify --server needs a server).
	if err := eachText(ctx, snap, `SELECT DISTINCT e.device_id FROM events e WHERE e.device_id <> ?
		AND NOT EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM sync_pulled_before b WHERE b.event_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM srv_meta) ORDER BY e.device_id`, func(dev string) {
		problem("device %s: this desk holds events of that device that no pull from a sync server brought (put in the file by hand?)", dev)
	}, db.deviceID); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}

	// 2. Rebuild the state from the events and compare.
	// A desk between a pull and its rebase (a sync interrupted, or one
	// running beside the check) holds a state the rebase will put in the
	// server's order: compared now, it would look tampered with.
	var rebasing int
	var epoch string
	if err := snap.QueryRowContext(ctx, `SELECT coalesce((SELECT needs_rebuild FROM sync_state WHERE id = 1), 0),
		coalesce((SELECT epoch FROM sync_state WHERE id = 1), '')`).Scan(&rebasing, &epoch); err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	switch {
	case rebasing != 0 && epoch == "":
		// Only a pull (or a server found restored) asks for a rebase,
		// and either follows a hello, which records the server's epoch:
		// on a desk that never synced, the mark was set by hand (to keep
		// a state edited by hand from being compared). Compared.
		problem("a rebase is marked pending, but this desk has never synced (only a sync asks for one): marked by hand? the state is compared all the same")
	case rebasing != 0:
		// Not OK: an auditor's verify that could not compare vouches for
		// nothing (and a state edited by hand under a pending mark would
		// pass, then be rebuilt away by the next sync).
		problem("the state could not be compared with the events: a rebase is pending (a sync was interrupted, or is running); sync (or let the running sync end), then verify again")
		rep.OK = false
		return rep, nil
	}
	dir, err := os.MkdirTemp(tmpDir, "tagdesk-verify-")
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	defer os.RemoveAll(dir)
	rebuilt, err := Open(ctx, filepath.Join(dir, "rebuilt.db"), Options{Unsafe: true, Now: db.now})
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	defer rebuilt.Close()
	if err := replayInto(ctx, snap, rebuilt); err != nil {
		problem("the events do not replay: %s", ErrorMessage(err))
	} else {
		for _, c := range canonical {
			tc, diff, err := compareQuery(ctx, snap, rebuilt.r, c.query, c.keys)
			if err != nil {
				return rep, fmt.Errorf("verify %s: %w", c.table, err)
			}
			tc.Table = c.table
			rep.Tables = append(rep.Tables, tc)
			if !tc.Equal {
				problem("%s: current state differs from the events: %s", c.table, diff)
			}
		}
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// Anchor is where a device's chain stood at a check: "DEVICE:SEQ:HASH".
func (d DeviceChain) Anchor() string { return fmt.Sprintf("%s:%d:%s", d.DeviceID, d.Events, d.Head) }

// CheckAnchors checks that the log still passes through heads recorded at
// earlier checks (DeviceChain.Anchor, kept by the auditor away from the
// desk): a log rewritten up to an anchor, hashes and all, or cut before it,
// no longer does. It returns a problem per anchor that fails.
func (db *DB) CheckAnchors(ctx context.Context, anchors []string) ([]string, error) {
	var problems []string
	for _, an := range anchors {
		an = strings.TrimSpace(an)
		first, last := strings.Index(an, ":"), strings.LastIndex(an, ":")
		if first <= 0 || last <= first+1 || last == len(an)-1 {
			return nil, invalid("anchor %q is not DEVICE:SEQ:HASH (as verify prints it)", clip(an))
		}
		parts := []string{an[:first], an[first+1 : last], an[last+1:]} // a device id may hold a colon
		seq, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || seq < 1 {
			return nil, invalid("anchor %q: %q is not a sequence number", clip(an), clip(parts[1]))
		}
		if !isHash(parts[2]) {
			return nil, invalid("anchor %q: the hash must be the 64 lower-case hex digits verify printed", clip(an))
		}
		var hash string
		err = db.r.QueryRowContext(ctx, `SELECT hash FROM events WHERE device_id = ? AND seq = ?`, parts[0], seq).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Not there: never pulled this far (an anchor of another
			// database, such as the server's), or removed.
			var head int64
			if err := db.r.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM chain_heads WHERE device_id = ?), 0)`, parts[0]).Scan(&head); err != nil {
				return nil, fmt.Errorf("check anchor: %w", err)
			}
			if head < seq && parts[0] == db.deviceID {
				// This desk's own: no sync brings them back.
				problems = append(problems, fmt.Sprintf("anchor %s:%d: this desk's own events end at %d: its later events were removed (or the database was put back from an older copy)", clip(parts[0]), seq, head))
				break
			}
			if head < seq {
				problems = append(problems, fmt.Sprintf("anchor %s:%d: this database holds that device's events up to %d only: not synced that far yet (sync, then check again), or removed", clip(parts[0]), seq, head))
				break
			}
			problems = append(problems, fmt.Sprintf("anchor %s:%d: the log no longer holds that event, recorded at an earlier check (removed?)", clip(parts[0]), seq))
		case err != nil:
			return nil, fmt.Errorf("check anchor: %w", err)
		case hash != parts[2]:
			// (Whole: cut, two hashes differing at the end read the same.)
			problems = append(problems, fmt.Sprintf("anchor %s:%d: the event's hash is %s, an earlier check recorded %s: the history up to it was rewritten", clip(parts[0]), seq, clipAt(hash, 128), clipAt(parts[2], 128)))
		}
	}
	return problems, nil
}

// isHash says whether h is a hash as events carry them: 64 lower-case hex.
func isHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// replayInto applies the events read through from to an empty database in projection
// order (see sync.go): events the sync server confirmed in its commit order,
// then the others in log order. Events the server refused, and pending ones
// that no longer apply after a rebase, are stored without being applied, as
// the device does.
func replayInto(ctx context.Context, from querier, to *DB) error {
	type item struct {
		e     Event
		apply bool
	}
	batch := make([]item, 0, 5000)
	flush := func() error {
		_, err := to.write(ctx, func(w *wtx) error {
			w.outbox = false
			for _, it := range batch {
				if _, err := w.appendRaw(it.e, it.apply); err != nil {
					return Errorf(ErrorCode(err), "event %s (%s): %s", it.e.UID(), it.e.Type, ErrorMessage(err))
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	err := eachProjected(ctx, from, func(e Event, _, refused, unapplied bool) error {
		batch = append(batch, item{e, !refused && !unapplied})
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	return flush()
}

// eachText calls fn with each row of a one-column query.
func eachText(ctx context.Context, q querier, query string, fn func(string), args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		fn(s)
	}
	return rows.Err()
}

func compareQuery(ctx context.Context, a, b querier, q string, keys int) (TableCheck, string, error) {
	var tc TableCheck
	ra, err := a.QueryContext(ctx, q)
	if err != nil {
		return tc, "", err
	}
	defer ra.Close()
	rb, err := b.QueryContext(ctx, q)
	if err != nil {
		return tc, "", err
	}
	defer rb.Close()
	cols, err := ra.Columns()
	if err != nil {
		return tc, "", err
	}
	read := func(r *sql.Rows) ([]string, bool, error) {
		if !r.Next() {
			return nil, false, r.Err()
		}
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return nil, false, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = v.String
		}
		return parts, true, nil
	}
	tc.Equal = true
	var diff string
	for {
		x, okA, err := read(ra)
		if err != nil {
			return tc, "", err
		}
		y, okB, err := read(rb)
		if err != nil {
			return tc, "", err
		}
		if okA {
			tc.Rows++
		}
		if okB {
			tc.Rebuilt++
		}
		if !okA && !okB {
			break
		}
		if tc.Equal {
			if d := rowDiff(cols, keys, x, y, refNamer(ctx, a, b)); d != "" {
				tc.Equal = false
				diff = d
			}
		}
	}
	return tc, diff, nil
}

// refLabels read, by uid, the entries that verify's columns (named for them
// in canonical) and an update's fields point to, as people read them;
// refSame maps the other names that point into the same tables.
var (
	refLabels = map[string]string{
		"location":       `SELECT name || ' (' || code || ')' FROM locations WHERE uid = ?`,
		"model":          `SELECT name || coalesce(' (' || nullif(model_number, '') || ')', '') FROM models WHERE uid = ?`,
		"holder_person":  `SELECT name || coalesce(' (' || badge || ')', '') FROM people WHERE uid = ?`,
		"asset":          `SELECT tag FROM assets WHERE uid = ?`,
		"supplier":       `SELECT name FROM suppliers WHERE uid = ?`,
		"purchase_order": `SELECT number FROM purchase_orders WHERE uid = ?`,
		"manufacturer":   `SELECT name FROM manufacturers WHERE uid = ?`,
		"category":       `SELECT name FROM categories WHERE uid = ?`,
	}
	refSame = map[string]string{"home_location": "location", "holder_location": "location", "parent": "location", "holder_asset": "asset"}
)

// refLabel is the query that reads, by uid, the entry a column or field
// named col points to, as people read it.
func refLabel(col string) (string, bool) {
	if same, ok := refSame[col]; ok {
		col = same
	}
	q, ok := refLabels[col]
	return q, ok
}

// refNamer shows a value of a verify column quoted, and one that is an
// entry's uid as that entry reads (in the state a, else the rebuilt b), so
// that a problem says location is "Dublin office (DUB)", not a uid.
func refNamer(ctx context.Context, a, b querier) func(col, v string) string {
	return func(col, v string) string {
		q, ok := refLabel(col)
		if !ok || v == "" {
			return fmt.Sprintf("%q", clip(v))
		}
		for _, db := range []querier{a, b} {
			var labels []string
			if err := eachText(ctx, db, q, func(l string) { labels = append(labels, l) }, v); err == nil && len(labels) > 0 {
				return fmt.Sprintf("%q", clip(labels[0]))
			}
		}
		return fmt.Sprintf("%q (not in the register)", clip(v))
	}
}

// rowDiff says how row have (the current state) differs from row want (the
// state the events give): the column that differs, with both values, when
// the rows are about the same thing (their first keys columns agree); else
// which row is missing. "" when they are equal.
func rowDiff(cols []string, keys int, have, want []string, show func(col, v string) string) string {
	name := func(i int) string {
		c := cols[i]
		if j := strings.LastIndex(c, "."); j >= 0 && !strings.ContainsAny(c, "( ") {
			c = c[j+1:]
		}
		return c
	}
	key := func(row []string) string {
		n := min(max(keys, 1), len(row))
		k := strings.Join(row[:n], " / ")
		if n == 1 && len(row) > 1 {
			k += " (" + clip(row[1]) + ")"
		}
		return clip(k)
	}
	missing := func(row []string) string {
		return fmt.Sprintf("row %s is in the events, not in the state (deleted?)", key(row))
	}
	added := func(row []string) string {
		return fmt.Sprintf("row %s is in the state, not in the events (added by hand?)", key(row))
	}
	switch {
	case have == nil:
		return missing(want)
	case want == nil:
		return added(have)
	}
	for i := range min(max(keys, 1), len(have)) {
		if have[i] != want[i] {
			if strings.Join(have[:i+1], "\x1f") < strings.Join(want[:i+1], "\x1f") {
				return added(have)
			}
			return missing(want)
		}
	}
	for i := range have {
		if have[i] != want[i] {
			return fmt.Sprintf("row %s: %s is %s, the events give %s", key(have), name(i), show(name(i), have[i]), show(name(i), want[i]))
		}
	}
	return ""
}

// scanAlso scans a row into what its caller asks, then the row's last
// column into also.
type scanAlso struct {
	sc   scanner
	also any
}

func (s scanAlso) Scan(dest ...any) error { return s.sc.Scan(append(dest, s.also)...) }
