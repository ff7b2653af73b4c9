package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sync, server side: a server database is a tagdesk database whose events
// come from devices' pushes, plus the srv_* tables. SQLite has one writer, so
// server_seq, assigned inside the push transaction, is in commit order.

// GapError says a push skipped sequence numbers: the server expects Expected next.
type GapError struct{ Expected int64 }

func (e *GapError) Error() string {
	return fmt.Sprintf("the server expects event %d next", e.Expected)
}

// PushReply is the server's answer to a push.
type PushReply struct {
	Results   []PushResult `json:"results"`
	HighWater int64        `json:"high_water"`
}

// ServerInit makes sure the server database has an epoch (a new random one
// when newEpoch: after a restore from backup) and returns it.
func (db *DB) ServerInit(ctx context.Context, newEpoch bool) (string, error) {
	var epoch string
	_, err := db.write(ctx, func(w *wtx) error {
		err := w.queryRow(`SELECT value FROM srv_meta WHERE key = 'epoch'`).Scan(&epoch)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read epoch: %w", err)
		}
		if epoch != "" && !newEpoch {
			return nil
		}
		epoch = "E" + randomBase32(16)
		_, err = w.exec(`INSERT INTO srv_meta(key, value) VALUES ('epoch', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, epoch)
		return err
	})
	return epoch, err
}

// MarkServerProjection marks the database as a sync server's projection
// of its log (PostgreSQL's, kept in SQLite): other devices' events are in
// it by the server's hand, as in a server's own database, and verify
// judges it so.
func (db *DB) MarkServerProjection(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `INSERT INTO srv_meta(key, value) VALUES ('projection', '1') ON CONFLICT(key) DO NOTHING`); err != nil {
		return fmt.Errorf("mark the projection: %w", err)
	}
	return nil
}

// ServerEpoch returns the server's epoch ("" before ServerInit).
func (db *DB) ServerEpoch(ctx context.Context) (string, error) {
	var epoch string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM srv_meta WHERE key = 'epoch'`).Scan(&epoch)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read epoch: %w", err)
	}
	return epoch, nil
}

// ServerHighWater returns the highest sequence number of device the server holds.
func (db *DB) ServerHighWater(ctx context.Context, device string) (int64, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, `SELECT seq FROM chain_heads WHERE device_id = ?`, device).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("read high water: %w", err)
	}
	return seq, nil
}

// ServerHead returns the last server_seq assigned.
func (db *DB) ServerHead(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(server_seq), 0) FROM sync_log`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("read head: %w", err)
	}
	return seq, nil
}

// ServerPush takes a batch of device's events (consecutive sequence numbers)
// in one transaction. Each event already held gets its stored answer
// (duplicate); a gap is refused with the expected sequence number; every new
// event is checked against the device's hash chain, then validated and
// applied against the current state, or kept as refused history with the
// reason and the winner. Either way it gets the next server_seq, and the
// device's high water advances: a refusal never blocks the queue.
func (db *DB) ServerPush(ctx context.Context, device string, events []Event) (PushReply, error) {
	return db.ServerPushWith(ctx, device, events, PushHooks{})
}

// PushHooks are ServerPushWith's optional callbacks.
type PushHooks struct {
	// Queued is called once the batch waits for the writer. Batches queue
	// in order: one queued after this one commits after it (in the same
	// group commit, or a later one), so the server may let a device's next
	// batch in from here. A batch is queued once: one that meets a refusal
	// runs again with savepoints in the same place in the queue.
	Queued func()
	// BeforeCommit gets the new log entries while the SQLite transaction
	// is still open; if it fails, nothing is committed.
	BeforeCommit func([]LogEntry) error
}

// LogEntry is one entry of a server's log: the change and the answer given.
type LogEntry struct {
	Change PulledChange
	Result PushResult
}

// ServerPushWith is ServerPush with hooks. The PostgreSQL backend commits
// its log in BeforeCommit, so that this database (its projection cache)
// never gets ahead of PostgreSQL.
func (db *DB) ServerPushWith(ctx context.Context, device string, events []Event, hooks PushHooks) (PushReply, error) {
	var reply PushReply
	var entries []LogEntry
	_, err := db.writeBatch(ctx, hooks.Queued, func(w *wtx) error {
		w.outbox = false
		// Without savepoints first (the fast path); a domain error needs
		// them: the batch runs again from a savepoint of its own, in the
		// same transaction and so in the same place in the queue (a batch
		// queued behind it must not commit first).
		if _, err := w.tx.ExecContext(w.ctx, `SAVEPOINT push_batch`); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		heads, emitted := maps.Clone(w.heads), len(w.emitted)
		err := db.serverPush(w, device, events, false, &reply, &entries)
		if errors.Is(err, errNeedSavepoint) {
			if _, err := w.tx.ExecContext(w.ctx, `ROLLBACK TO push_batch`); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
			clear(w.ids) // rows the first run created are gone
			w.receipts, w.peeked, w.deferred = nil, nil, nil
			w.heads, w.emitted, w.dirty = heads, w.emitted[:emitted], nil
			err = db.serverPush(w, device, events, true, &reply, &entries)
		}
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(w.ctx, `RELEASE push_batch`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		if hooks.BeforeCommit != nil && len(entries) > 0 {
			return hooks.BeforeCommit(entries)
		}
		return nil
	})
	if err != nil {
		return PushReply{}, err
	}
	return reply, nil
}

// ServerIngest appends log entries decided elsewhere (by another server
// process, recorded in PostgreSQL) with their server_seq and answers,
// applying those that were applied. Entries must continue the log.
func (db *DB) ServerIngest(ctx context.Context, entries []LogEntry) error {
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		w.outbox = false
		for _, le := range entries {
			c, r := le.Change, le.Result
			if _, err := w.appendRaw(c.Event, !c.Refused); err != nil {
				return Errorf(ErrorCode(err), "ingest %s: %s", c.Event.UID(), ErrorMessage(err))
			}
			id := w.emitted[len(w.emitted)-1].ID
			if _, err := w.exec(`INSERT INTO sync_log(event_id, server_seq, refused) VALUES (?, ?, ?)`, id, c.ServerSeq, boolInt(c.Refused)); err != nil {
				return err
			}
			if err := w.storeRefusal(c.Event.DeviceID, c.Event.Seq, r); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// serverPush runs a push batch in w: one run, with or without a savepoint
// per event (tryApply). It fills reply and entries.
func (db *DB) serverPush(w *wtx, device string, events []Event, savepoint bool, reply *PushReply, entries *[]LogEntry) error {
	*entries = (*entries)[:0]
	*reply = PushReply{}
	var pending logRows // the batch's new events and log rows, written in chunks
	w.receipts = nil
	if !savepoint {
		w.receipts = plainReceipts() // plain receipts inserted in chunks too
	}
	var next int64
	if err := w.queryRow(`SELECT coalesce(max(server_seq), 0) + 1 FROM sync_log`).Scan(&next); err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	for i, e := range events {
		if e.DeviceID != device {
			return invalid("event %s is not device %s's", e.UID(), device)
		}
		if i > 0 && e.Seq != events[i-1].Seq+1 {
			return invalid("a push batch must have consecutive sequence numbers (%d after %d)", e.Seq, events[i-1].Seq)
		}
		h, err := w.head(device)
		if err != nil {
			return err
		}
		if e.Seq <= h.seq {
			if err := w.flushRows(&pending); err != nil {
				return err
			}
			r, err := w.storedResult(device, e)
			if err != nil {
				return err
			}
			reply.Results = append(reply.Results, r)
			continue
		}
		if e.Seq != h.seq+1 {
			return &GapError{Expected: h.seq + 1}
		}
		if e.PrevHash != h.hash || HashEvent(e) != e.Hash {
			return conflict("event %s does not continue device %s's hash chain: altered, or the device's database was restored from an old backup%s", e.UID(), device, restoredHint)
		}
		r := PushResult{Seq: e.Seq, Status: PushApplied, ServerSeq: next}
		aerr, err := w.admit(e)
		if err != nil {
			return err
		}
		if aerr == nil {
			if aerr, err = w.tryApply(e, savepoint); err != nil {
				return err
			}
		}
		if aerr != nil {
			r.Status, r.Code, r.Reason = PushRefused, ErrorCode(aerr), ErrorMessage(aerr)
			if err := w.flushRows(&pending); err != nil {
				return err
			}
			var alone noWinner
			if !errors.As(aerr, &alone) {
				if r.Winner, err = w.winner(e, r.Code); err != nil {
					return err
				}
			}
		}
		w.addEvent(&pending, e, next, aerr != nil) // chain and hash checked above
		if aerr != nil {
			// Written at once (refusals are few): a later change in the
			// batch refused for the entry this one made names it by its
			// creation (createdAs).
			if err := w.flushRows(&pending); err != nil {
				return err
			}
		}
		if err := w.storeRefusal(device, e.Seq, r); err != nil {
			return err
		}
		next++
		reply.Results = append(reply.Results, r)
		*entries = append(*entries, LogEntry{Change: PulledChange{ServerSeq: r.ServerSeq, Refused: aerr != nil, Event: e}, Result: r})
	}
	if err := w.flushReceipts(); err != nil {
		return err
	}
	w.receipts = nil
	if err := w.flushRows(&pending); err != nil {
		return err
	}
	h, err := w.head(device)
	if err != nil {
		return err
	}
	reply.HighWater = h.seq
	return nil
}

func (w *wtx) storedResult(device string, e Event) (PushResult, error) {
	r := PushResult{Seq: e.Seq, Duplicate: true}
	var hash string
	var status, code, reason, winner sql.NullString
	var serverSeq int64
	err := w.queryRow(`SELECT e.hash, s.server_seq, r.status, r.code, r.reason, r.winner FROM events e JOIN sync_log s ON s.event_id = e.id
		LEFT JOIN srv_results r ON r.device_id = e.device_id AND r.seq = e.seq WHERE e.device_id = ? AND e.seq = ?`, device, e.Seq).
		Scan(&hash, &serverSeq, &status, &code, &reason, &winner)
	if err != nil {
		return r, fmt.Errorf("read stored result of %s: %w", e.UID(), err)
	}
	if hash != e.Hash {
		return r, conflict("event %s differs from the copy the server holds: the device's database was restored from an old backup, or copied from another desk%s", e.UID(), restoredHint)
	}
	r.ServerSeq = serverSeq
	if !status.Valid {
		// Only refusals keep a row: an event without one was applied.
		r.Status = PushApplied
		return r, nil
	}
	r.Status, r.Code, r.Reason = status.String, code.String, reason.String
	if winner.String != "" {
		var win Winner
		if json.Unmarshal([]byte(winner.String), &win) == nil {
			r.Winner = &win
		}
	}
	return r, nil
}

// storeRefusal keeps the answer given for a refused event, so that a push
// repeated after a lost reply gets the same one. Applied events keep no row:
// their answer (applied, at their place in sync_log) is derived.
func (w *wtx) storeRefusal(device string, seq int64, r PushResult) error {
	if r.Status == PushApplied {
		return nil
	}
	winner := ""
	if r.Winner != nil {
		b, _ := json.Marshal(r.Winner)
		winner = string(b)
	}
	_, err := w.exec(`INSERT INTO srv_results(device_id, seq, status, server_seq, code, reason, winner) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		device, seq, r.Status, r.ServerSeq, r.Code, r.Reason, winner)
	return err
}

// noWinner is a refusal no other change won over (a desk's clock ahead):
// it names no winner.
type noWinner struct{ error }

func (e noWinner) Unwrap() error { return e.error }

// winner finds the last applied event about what e is about: its subject,
// or the asset that holds the tag e wanted.
func (w *wtx) winner(e Event, code string) (*Winner, error) {
	var x Event
	var at, typ, payload string
	scan := func(sc scanner) error {
		return sc.Scan(&x.ID, &x.DeviceID, &x.Seq, &x.Operator, &at, &typ, &x.Subject, &payload, &x.PrevHash, &x.Hash)
	}
	// The latest change another device made to what the refused event is
	// about: its subject; failing that, whom it hands the asset to (an
	// offboarding refuses a check-out to that person); failing that, the
	// asset with its tag (a tag taken by another's receipt).
	var p struct {
		Tag string `json:"tag"`
		To  string `json:"to"`
	}
	json.Unmarshal(e.Payload, &p)
	const latest = ` AND s.refused = 0 AND e.device_id <> ? ORDER BY e.id DESC LIMIT 1`
	if e.Type == EvPersonCreated || e.Type == EvPersonUpdated {
		// A person refused for an identifier another has (made with it,
		// or given it): that other's latest change (its creation, at
		// least), not the refused person's own.
		var pp PersonPayload
		if e.Type == EvPersonCreated {
			json.Unmarshal(e.Payload, &pp)
		} else {
			var up UpdatePayload
			json.Unmarshal(e.Payload, &up)
			pp.Badge, pp.EmployeeNo, pp.Username, pp.Email = up.Changes["badge"].New, up.Changes["employee_number"].New, up.Changes["username"].New, up.Changes["email"].New
		}
		err := scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id
			WHERE e.subject = (SELECT uid FROM people WHERE (badge = ?1 OR employee_no = ?2 OR username = ?3 OR email = ?4) AND uid <> ?6 LIMIT 1)`+strings.Replace(latest, "?", "?5", 1),
			nullable(pp.Badge), nullable(pp.EmployeeNo), nullable(pp.Username), nullable(pp.Email), e.DeviceID, e.Subject))
		if err == nil {
			x.At, x.Type, x.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
			return &Winner{Event: x.UID(), DeviceID: x.DeviceID, Operator: x.Operator, At: x.At, Type: x.Type, Summary: Describe(x)}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("find winner: %w", err)
		}
	}
	if e.Type == EvLocationUpdated {
		// A move refused because its new parent lies inside the place
		// now: the latest move another desk made of a place on the way up
		// from that parent (the one that put it there), through merges.
		var up UpdatePayload
		json.Unmarshal(e.Payload, &up)
		if c, ok := up.Changes["parent"]; ok && c.New != "" {
			err := scan(w.queryRow(`WITH RECURSIVE up(id, depth) AS (
					SELECT id, 0 FROM locations WHERE uid = coalesce((SELECT target FROM aliases WHERE tbl = 'locations' AND alias = ?1), ?1)
					UNION SELECT l.parent_id, up.depth + 1 FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL AND up.depth < 1000),
				uids(uid) AS (SELECT l.uid FROM locations l WHERE l.id IN (SELECT id FROM up)
					UNION SELECT a.alias FROM aliases a JOIN locations l ON l.uid = a.target WHERE a.tbl = 'locations' AND l.id IN (SELECT id FROM up))
				SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id
				WHERE e.type = ?2 AND e.subject IN (SELECT uid FROM uids) AND json_extract(e.payload, '$.changes.parent') IS NOT NULL AND s.refused = 0 AND e.device_id <> ?3 ORDER BY e.id DESC LIMIT 1`,
				c.New, string(EvLocationUpdated), e.DeviceID))
			if err == nil {
				x.At, x.Type, x.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
				return &Winner{Event: x.UID(), DeviceID: x.DeviceID, Operator: x.Operator, At: x.At, Type: x.Type, Summary: Describe(x)}, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("find winner: %w", err)
			}
		}
	}
	if e.Type == EvAssetCheckedOut && code == ENOTFOUND {
		// To someone or somewhere the register lacks (their creation was
		// refused): no change won over it. (An asset the register lacks is
		// looked for by its tag below.)
		var n int
		if err := w.queryRow(`SELECT count(*) FROM assets WHERE uid = ?`, e.Subject).Scan(&n); err != nil {
			return nil, fmt.Errorf("find winner: %w", err)
		}
		if n > 0 {
			return nil, nil
		}
	}
	// A refused change of hands or state was refused for a change of hands
	// or state: a note edited, a label printed or an audit after it is not
	// the winner, unless nothing else is.
	err := sql.ErrNoRows
	inStock := true // (the asset could go out: a refused check-out was its holder's)
	if e.Type == EvAssetCheckedOut {
		var status string
		if qerr := w.queryRow(`SELECT status FROM assets WHERE uid = ?`, e.Subject).Scan(&status); qerr == nil {
			inStock = Status(status) == StatusInStock
		} else if !errors.Is(qerr, sql.ErrNoRows) {
			return nil, fmt.Errorf("find winner: %w", qerr)
		}
	}
	if e.Type == EvPersonOffboarded {
		// An offboarding refused while they hold assets: the latest
		// check-out to them another desk made.
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id
			WHERE e.type = ?1 AND e.subject IN (SELECT a.uid FROM assets a JOIN people p ON p.id = a.custodian_person_id
				WHERE p.uid = coalesce((SELECT target FROM aliases WHERE tbl = 'people' AND alias = ?2), ?2))`+latest,
			string(EvAssetCheckedOut), e.Subject, e.DeviceID))
	}
	if e.Type == EvAssetCheckedOut && p.To != "" && inStock {
		// A check-out to someone another desk offboarded: that offboarding
		// (under any uid the person has had, merged or not).
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id
			WHERE e.type = ?1 AND e.subject IN (
				SELECT p.uid FROM people p WHERE p.active = 0 AND (p.uid = ?2 OR p.uid = (SELECT target FROM aliases WHERE tbl = 'people' AND alias = ?2))
				UNION SELECT a.alias FROM aliases a JOIN people p ON p.uid = a.target WHERE a.tbl = 'people' AND p.active = 0
					AND (p.uid = ?2 OR p.uid = (SELECT target FROM aliases WHERE tbl = 'people' AND alias = ?2)))`+latest,
			string(EvPersonOffboarded), p.To, e.DeviceID))
	}
	if errors.Is(err, sql.ErrNoRows) && e.Type != EvAssetUpdated {
		// An audit is the winner when it made the asset missing (a count
		// that did not find it): the receipt before it was named.
		audited := string(EvAssetAudited)
		var status string
		if qerr := w.queryRow(`SELECT status FROM assets WHERE uid = ?`, e.Subject).Scan(&status); qerr == nil && Status(status) == StatusMissing {
			audited = ""
		} else if qerr != nil && !errors.Is(qerr, sql.ErrNoRows) {
			return nil, fmt.Errorf("find winner: %w", qerr)
		}
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id WHERE e.subject = ? AND e.type NOT IN (?, ?, ?)`+latest,
			e.Subject, string(EvAssetUpdated), string(EvLabelPrinted), audited, e.DeviceID))
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id WHERE e.subject = ?`+latest, e.Subject, e.DeviceID))
	}
	if errors.Is(err, sql.ErrNoRows) && p.Tag != "" {
		// (Before whom it hands the asset to: an asset whose receipt was
		// refused lost its tag to another's receipt.)
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM assets a JOIN events e ON e.subject = a.uid JOIN sync_log s ON s.event_id = e.id WHERE a.tag = ?`+latest, p.Tag, e.DeviceID))
	}
	if errors.Is(err, sql.ErrNoRows) && p.To != "" {
		err = scan(w.queryRow(`SELECT `+prefixCols("e")+` FROM events e JOIN sync_log s ON s.event_id = e.id WHERE e.subject = ?`+latest, p.To, e.DeviceID))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find winner: %w", err)
	}
	x.At, x.Type, x.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
	return &Winner{Event: x.UID(), DeviceID: x.DeviceID, Operator: x.Operator, At: x.At, Type: x.Type, Summary: Describe(x)}, nil
}

// ServerHashAt is the hash of the event at place serverSeq of the server's
// order; "" if none.
func (db *DB) ServerHashAt(ctx context.Context, serverSeq int64) (string, error) {
	var hash string
	err := db.r.QueryRowContext(ctx, `SELECT e.hash FROM sync_log s JOIN events e ON e.id = s.event_id WHERE s.server_seq = ?`, serverSeq).Scan(&hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read the log at %d: %w", serverSeq, err)
	}
	return hash, nil
}

// ServerPull returns up to limit changes after cursor in commit order, the
// next cursor and whether more follow.
func (db *DB) ServerPull(ctx context.Context, cursor int64, limit int) ([]PulledChange, int64, bool, error) {
	return db.ServerPullBytes(ctx, cursor, limit, 0)
}

// ServerPullBytes is ServerPull with a budget: the page ends before the
// payloads it carries pass maxBytes (0: no budget), though it always holds
// at least one change.
func (db *DB) ServerPullBytes(ctx context.Context, cursor int64, limit, maxBytes int) ([]PulledChange, int64, bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.server_seq, s.refused, `+prefixCols("e")+` FROM sync_log s JOIN events e ON e.id = s.event_id WHERE s.server_seq > ? ORDER BY s.server_seq LIMIT ?`, cursor, limit+1)
	if err != nil {
		return nil, cursor, false, fmt.Errorf("pull: %w", err)
	}
	defer rows.Close()
	var out []PulledChange
	next, more, size := cursor, false, 0
	for rows.Next() {
		if len(out) == limit || (maxBytes > 0 && len(out) > 0 && size > maxBytes) {
			more = true
			break
		}
		var c PulledChange
		var ref int
		var at, typ, payload string
		e := &c.Event
		if err := rows.Scan(&c.ServerSeq, &ref, &e.ID, &e.DeviceID, &e.Seq, &e.Operator, &at, &typ, &e.Subject, &payload, &e.PrevHash, &e.Hash); err != nil {
			return nil, cursor, false, fmt.Errorf("pull: %w", err)
		}
		e.At, e.Type, e.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
		size += len(payload)
		c.Refused = ref == 1
		next = c.ServerSeq
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, cursor, false, fmt.Errorf("pull: %w", err)
	}
	return out, next, more, nil
}

// ServerLease hands device a block of count tag numbers, none below min,
// within what one desk may hold (LeaseFor).
func (db *DB) ServerLease(ctx context.Context, device string, count, min int64) (first, last int64, err error) {
	if _, _, err := LeaseBlock(min, 0, min, count); err != nil {
		return 0, 0, err // (said before the write lock)
	}
	_, err = db.write(ctx, func(w *wtx) error {
		var v string
		var granted int64
		err := w.queryRow(`SELECT coalesce((SELECT value FROM srv_meta WHERE key = 'lease_next'), ''), coalesce((SELECT max(last) FROM srv_leases), 0)`).Scan(&v, &granted)
		if err != nil {
			return fmt.Errorf("read lease counter: %w", err)
		}
		var h LeaseHolding
		if err := w.queryRow(leaseHoldingQuery, device).Scan(&h.Granted, &h.Jumped); err != nil {
			return fmt.Errorf("read the desk's leases: %w", err)
		}
		if h.Granted+count > MaxLeaseHeld {
			// (Counted only for a desk that leased that many, and from
			// where the last count left off: srv_meta keeps it. A count of
			// a busy desk's whole log held the write lock for seconds.)
			key := usedMarkKey(device)
			var mark string
			if err := w.queryRow(`SELECT coalesce((SELECT value FROM srv_meta WHERE key = ?), '')`, key).Scan(&mark); err != nil {
				return fmt.Errorf("count the desk's receipts: %w", err)
			}
			seq, used := ParseUsedMark(mark)
			var top, n int64
			if err := w.queryRow(`SELECT coalesce(max(seq), ?), count(CASE WHEN type = ? THEN 1 END) FROM events WHERE device_id = ? AND seq > ?`, seq, string(EvAssetReceived), device, seq).Scan(&top, &n); err != nil {
				return fmt.Errorf("count the desk's receipts: %w", err)
			}
			h.Used = used + n
			if _, err := w.exec(`INSERT INTO srv_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, UsedMark(top, h.Used)); err != nil {
				return fmt.Errorf("count the desk's receipts: %w", err)
			}
		}
		next, _ := strconv.ParseInt(v, 10, 64)
		if first, last, err = LeaseFor(next, granted, min, count, h); err != nil {
			return err
		}
		if _, err := w.exec(`INSERT INTO srv_meta(key, value) VALUES ('lease_next', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(last+1, 10)); err != nil {
			return err
		}
		_, err = w.exec(`INSERT INTO srv_leases(first, last, device_id, at) VALUES (?, ?, ?, ?)`, first, last, device, timestamp(w.at))
		return err
	})
	return first, last, err
}

// leaseHoldingQuery reads a desk's LeaseHolding but its receipts: the
// numbers in its blocks, and those its blocks skipped (past the block
// granted before each; blocks are few, a thousand numbers or more each).
// sync/postgres.go has its PostgreSQL twin (pgLeaseHolding).
const leaseHoldingQuery = `SELECT coalesce(sum(last - first + 1), 0), coalesce(sum(CASE WHEN first - prev > 1 THEN first - prev - 1 ELSE 0 END), 0)
FROM (SELECT first, last, device_id, coalesce(lag(last) OVER (ORDER BY first), 0) AS prev FROM srv_leases) l WHERE device_id = ?`

// usedMarkKey is the server's meta key under which it keeps how far it
// has counted a desk's receipts (UsedMark).
func usedMarkKey(device string) string { return "lease_used:" + device }

// UsedMarkKey is usedMarkKey, for the PostgreSQL server.
func UsedMarkKey(device string) string { return usedMarkKey(device) }

// UsedMark is the note of a desk's receipts counted: through its event
// seq, n of them.
func UsedMark(seq, n int64) string {
	return strconv.FormatInt(seq, 10) + " " + strconv.FormatInt(n, 10)
}

// ParseUsedMark reads a UsedMark (none, or not one: nothing counted yet).
func ParseUsedMark(v string) (seq, n int64) {
	a, b, ok := strings.Cut(v, " ")
	seq, err1 := strconv.ParseInt(a, 10, 64)
	n, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || seq < 0 || n < 0 {
		return 0, 0
	}
	return seq, n
}

// LeaseHolding is what a server knows of one desk's tag numbers.
type LeaseHolding struct {
	Granted int64 // numbers in the blocks granted to it
	Jumped  int64 // numbers its blocks skipped, each past the block before it
	Used    int64 // its receipts the server holds, applied or refused (counted only when Granted is near MaxLeaseHeld)
}

// MaxLeaseHeld bounds the tag numbers one desk may hold unused, as the
// server counts them (granted to it, less its receipts, which each took a
// number or a pre-printed tag): two of the largest blocks. A desk's sync
// tops it up to 1,000 to 2,000; a token asking in a loop took the whole
// tag space from every desk.
const MaxLeaseHeld = 200_000

// LeaseFor is LeaseBlock for a desk that holds h: refused when the desk
// would hold more than MaxLeaseHeld unused numbers, or when its leases
// would have skipped more than MaxLeaseJump numbers in all.
func LeaseFor(next, granted, min, count int64, h LeaseHolding) (first, last int64, err error) {
	if first, last, err = LeaseBlock(next, granted, min, count); err != nil {
		return 0, 0, err
	}
	if held := h.Granted - h.Used; held+count > MaxLeaseHeld {
		return 0, 0, invalid("this desk holds %d unused tag numbers already, by the server's count (leased to it, less its receipts): none more until it uses them (%d at most); receive with those it has, and sync", held, int64(MaxLeaseHeld))
	}
	if skip := first - max(next, granted+1, 1); skip > 0 && h.Jumped+skip > MaxLeaseJump {
		return 0, 0, invalid("this desk asks for tag numbers from %d, far past every desk's (%d), and its leases have skipped %d numbers already (%d at most in all): is its tag_next setting wrong? (tagdesk setting set tag_next N)", min, max(next, granted+1, 1), h.Jumped, int64(MaxLeaseJump))
	}
	return first, last, nil
}

// MaxTagNumber is the largest number a generated tag carries: fifteen
// digits, far past any register, and far from where int64 arithmetic on
// lease blocks overflows.
const MaxTagNumber = 999_999_999_999_999

// ServerLeaseNext is the first tag number no lease has granted: past the
// counter and every granted block.
func (db *DB) ServerLeaseNext(ctx context.Context) (int64, error) {
	var v string
	var granted int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM srv_meta WHERE key = 'lease_next'), ''), coalesce((SELECT max(last) FROM srv_leases), 0)`).Scan(&v, &granted); err != nil {
		return 0, fmt.Errorf("read lease counter: %w", err)
	}
	next, _ := strconv.ParseInt(v, 10, 64)
	return max(next, granted+1, 1), nil
}

// ServerRaiseLeaseNext moves the lease counter up to next, if it is below
// (a database restored from a backup that forgot blocks granted since,
// which the restore marker remembers); never down.
func (db *DB) ServerRaiseLeaseNext(ctx context.Context, next int64) error {
	if next < 1 || next > MaxTagNumber+1 {
		return invalid("a lease counter from 1 to %d, not %d", int64(MaxTagNumber)+1, next)
	}
	_, err := db.write(ctx, func(w *wtx) error {
		var v string
		if err := w.queryRow(`SELECT coalesce((SELECT value FROM srv_meta WHERE key = 'lease_next'), '')`).Scan(&v); err != nil {
			return fmt.Errorf("read lease counter: %w", err)
		}
		if cur, _ := strconv.ParseInt(v, 10, 64); cur >= next {
			return nil
		}
		_, err := w.exec(`INSERT INTO srv_meta(key, value) VALUES ('lease_next', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(next, 10))
		return err
	})
	return err
}

// MaxLeaseJump is how far past the server's counter a desk may ask its
// lease to start (LeaseBlock): more than any register's numbering skips (a
// year's numbers, 2026000001), and far below the top of the tag space,
// which one desk's typo would otherwise take for every desk.
const MaxLeaseJump = 1_000_000_000_000

// LeaseBlock is the block of count tag numbers a server grants a desk that
// asks from min, its counter at next and the highest number it has granted
// at granted (a counter that went wrong, or older, cannot then hand out a
// granted block again). The counter never goes down: the block starts at
// or past both, and past min.
func LeaseBlock(next, granted, min, count int64) (first, last int64, err error) {
	if count <= 0 || count > 100000 {
		return 0, 0, invalid("lease between 1 and 100000 tag numbers, not %d", count)
	}
	if min < 0 || min > MaxTagNumber {
		return 0, 0, invalid("a lease starts at a tag number from 1 to %d, not %d (the desk's tag_next setting?)", int64(MaxTagNumber), min)
	}
	if base := max(next, granted+1, 1); min > base+MaxLeaseJump {
		// One desk's tag_next set far too high (a typo, a stray digit)
		// would move the counter shared by every desk to the top, and
		// every desk's next lease would find none left: this desk's
		// lease is refused instead.
		return 0, 0, invalid("this desk asks for tag numbers from %d, far past every desk's (%d): is its tag_next setting wrong? (tagdesk setting set tag_next N)", min, base)
	}
	first = max(next, granted+1, min, 1)
	if first > MaxTagNumber-count+1 {
		return 0, 0, invalid("no %d tag numbers are left below %d (the next is %d)", count, int64(MaxTagNumber), first)
	}
	return first, first + count - 1, nil
}

// TokenInfo describes a device token (never the token itself). A revoked
// token's DeviceID is the device it was bound to (ServerTokens), which may
// since have enrolled with another.
type TokenInfo struct {
	Name      string `json:"name"`
	DeviceID  string `json:"device_id"`
	CreatedAt string `json:"created_at"`
	RevokedAt string `json:"revoked_at,omitempty"`
}

// HashToken is how tokens are stored: SHA-256, hex.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewToken returns a new random device token.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "tdk_" + base64.RawURLEncoding.EncodeToString(b)
}

// ValidTokenName checks a token's name.
func ValidTokenName(name string) error {
	// (It is printed by token list and in the server's messages: no
	// terminal escapes; and ASCII, whose case SQLite and PostgreSQL fold
	// alike when they compare names.)
	if name == "" || len(name) > 64 || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return invalid("a token name is 1 to 64 ASCII letters, digits and marks such as - _ . (no spaces)")
	}
	return nil
}

// ServerAddToken stores the hash of token under name.
func (db *DB) ServerAddToken(ctx context.Context, name, token string) error {
	if err := ValidTokenName(name); err != nil {
		return err
	}
	// (DESK-1 and desk-1 would be two names for one desk in token list.)
	var same, revoked string
	if err := db.w.QueryRowContext(ctx, `SELECT name, revoked_at FROM srv_tokens WHERE lower(name) = lower(?)`, name).Scan(&same, &revoked); err == nil {
		return TokenNameTaken(same, revoked != "")
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("add token: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO srv_tokens(name, hash, created_at) VALUES (?, ?, ?)`, name, HashToken(token), timestamp(db.now())); err != nil {
		if isConstraint(err) {
			return conflict("a token named %s already exists", name)
		}
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// TokenNameTaken is the refusal of a token name another token has (case
// aside); a revoked one keeps its name, for the record.
func TokenNameTaken(name string, revoked bool) error {
	if revoked {
		return conflict("a token named %s already exists (revoked, kept for the record): give the new one another name, such as %s-2", name, name)
	}
	return conflict("a token named %s already exists", name)
}

// ServerTokens lists the tokens.
func (db *DB) ServerTokens(ctx context.Context) ([]TokenInfo, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT name, coalesce(device_id, revoked_device), created_at, revoked_at FROM srv_tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []TokenInfo{}
	for rows.Next() {
		var t TokenInfo
		if err := rows.Scan(&t.Name, &t.DeviceID, &t.CreatedAt, &t.RevokedAt); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ServerRevokeToken revokes a token: it is refused from now on, and its
// device may enrol again with a new token.
func (db *DB) ServerRevokeToken(ctx context.Context, name string) error {
	_, err := db.ServerRevoke(ctx, name)
	return err
}

// Revocation is a revoked token as the server's revocation record keeps
// it beside the database (sync.RevokedPath): a database restored from a
// backup taken before the revocation revokes it again (ServerRevokeAgain).
type Revocation struct {
	Hash string // HashToken of the token
	Name string
	At   string // revoked_at, as stored
}

// ServerRevoke is ServerRevokeToken, and says what it revoked.
func (db *DB) ServerRevoke(ctx context.Context, name string) (Revocation, error) {
	var names []string
	rows, err := db.w.QueryContext(ctx, `SELECT name FROM srv_tokens WHERE lower(name) = lower(?) AND revoked_at = '' ORDER BY name`, name)
	if err != nil {
		return Revocation{}, fmt.Errorf("revoke token: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return Revocation{}, fmt.Errorf("revoke token: %w", err)
		}
		names = append(names, n)
	}
	rows.Close()
	target, err := TokenToRevoke(name, names)
	if err != nil {
		return Revocation{}, err
	}
	r := Revocation{Name: target, At: timestamp(db.now())}
	err = db.w.QueryRowContext(ctx, `UPDATE srv_tokens SET revoked_at = ?, revoked_device = coalesce(device_id, ''), device_id = NULL WHERE name = ? AND revoked_at = '' RETURNING hash`, r.At, target).Scan(&r.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Revocation{}, notFound("no active token named %s", name)
	}
	if err != nil {
		return Revocation{}, fmt.Errorf("revoke token: %w", err)
	}
	return r, nil
}

// ServerRevocations lists the revoked tokens.
func (db *DB) ServerRevocations(ctx context.Context) ([]Revocation, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT hash, name, revoked_at FROM srv_tokens WHERE revoked_at <> '' ORDER BY revoked_at, name`)
	if err != nil {
		return nil, fmt.Errorf("list revoked tokens: %w", err)
	}
	defer rows.Close()
	var out []Revocation
	for rows.Next() {
		var r Revocation
		if err := rows.Scan(&r.Hash, &r.Name, &r.At); err != nil {
			return nil, fmt.Errorf("list revoked tokens: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ServerRevokeAgain revokes, at the time each was revoked, the tokens of
// rs the database holds active (a database restored from a backup taken
// before they were revoked), in one transaction, and returns their names
// in order.
func (db *DB) ServerRevokeAgain(ctx context.Context, rs []Revocation) ([]string, error) {
	var again []string
	_, err := db.write(ctx, func(w *wtx) error {
		again = again[:0]
		for _, r := range rs {
			var name string
			err := w.queryRow(`UPDATE srv_tokens SET revoked_at = ?, revoked_device = coalesce(device_id, ''), device_id = NULL WHERE hash = ? AND revoked_at = '' RETURNING name`, r.At, r.Hash).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				continue // revoked here too, or made after this backup
			}
			if err != nil {
				return fmt.Errorf("revoke token %s again: %w", r.Name, err)
			}
			again = append(again, name)
		}
		return nil
	})
	slices.Sort(again)
	return again, err
}

// TokenToRevoke picks, of the active tokens whose names are name in some
// case, the one a revoke means: the name as given, else the one such name
// (a server database from before names were compared so may hold two: both
// were revoked at once, a second desk locked out unsaid).
func TokenToRevoke(name string, active []string) (string, error) {
	switch {
	case slices.Contains(active, name):
		return name, nil
	case len(active) == 1:
		return active[0], nil
	case len(active) == 0:
		return "", notFound("no active token named %s", name)
	}
	return "", conflict("%s names %d tokens in other cases (%s): give the name as token list shows it", name, len(active), strings.Join(active, ", "))
}

// ErrUnauthorized is a wrong or revoked token.
var ErrUnauthorized = errors.New("unknown or revoked token")

// ServerAuthenticate returns the token's record, comparing hashes in constant time.
func (db *DB) ServerAuthenticate(ctx context.Context, token string) (TokenInfo, error) {
	want := HashToken(token)
	var t TokenInfo
	var hash string
	err := db.r.QueryRowContext(ctx, `SELECT name, hash, coalesce(device_id, ''), created_at, revoked_at FROM srv_tokens WHERE hash = ?`, want).
		Scan(&t.Name, &hash, &t.DeviceID, &t.CreatedAt, &t.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrUnauthorized
	}
	if err != nil {
		return t, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 || t.RevokedAt != "" {
		return t, ErrUnauthorized
	}
	return t, nil
}

// ServerBind binds a token to a device at enrolment; a token speaks for one
// device only, and a device has one token.
func (db *DB) ServerBind(ctx context.Context, name, device string) error {
	if device == "" || len(device) > 64 {
		return invalid("bad device id")
	}
	res, err := db.w.ExecContext(ctx, `UPDATE srv_tokens SET device_id = ? WHERE name = ? AND device_id IS NULL AND revoked_at = ''`, device, name)
	if err != nil {
		if isConstraint(err) {
			return conflict("device %s is enrolled with another token", device)
		}
		return fmt.Errorf("bind token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var bound sql.NullString
	if err := db.w.QueryRowContext(ctx, `SELECT device_id FROM srv_tokens WHERE name = ?`, name).Scan(&bound); err != nil {
		return fmt.Errorf("bind token: %w", err)
	}
	if bound.String != device {
		return conflict("this token belongs to device %s, not %s", bound.String, device)
	}
	return nil
}

// admit applies, to an event pushed to the server, the rules a desk's
// command applies before it records one, against the register as the
// server has it (other desks' events included): a desk offline did not
// see what they changed. aerr refuses the event; err is a failure.
//
// These rules stay out of apply: an event the server accepted is applied
// again, on every desk and by verify, as it was the first time, whatever
// rules came later.
// MaxClockAhead is how far ahead of the server's clock a change may be
// dated: clocks drift by seconds, not hours.
const MaxClockAhead = time.Hour

// roughly says a duration as people read a clock error.
func roughly(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24+0.5))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()+0.5))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()+0.5))
}

// ClockSkew describes how far the desk's clock at deskNow is from the
// server's at serverNow, as a sentence; "" when within MaxClockAhead.
func ClockSkew(deskNow, serverNow time.Time) string {
	d := deskNow.Sub(serverNow)
	if d <= MaxClockAhead && d >= -MaxClockAhead {
		return ""
	}
	way := "ahead of"
	if d < 0 {
		way = "behind"
	}
	return fmt.Sprintf("this desk's clock is %s %s the server's (desk %s, server %s UTC)", roughly(d), way,
		deskNow.UTC().Format("2006-01-02 15:04"), serverNow.UTC().Format("2006-01-02 15:04"))
}

// installedIn says whether the asset uid is installed in the asset tagged
// parent, and where that asset is (its location's uid and code; "" when
// nowhere). Neither asset known: not installed.
func (w *wtx) installedIn(uid, parent string) (in bool, locUID, locCode string, err error) {
	var l, c sql.NullString
	err = w.queryRow(`SELECT l.uid, l.code FROM assets a JOIN assets par ON par.id = a.custodian_asset_id AND par.tag = ?
		LEFT JOIN locations l ON l.id = par.location_id WHERE a.uid = ?`, parent, uid).Scan(&l, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", "", nil
	}
	if err != nil {
		return false, "", "", fmt.Errorf("read installed asset: %w", err)
	}
	return true, l.String, c.String, nil
}

func (w *wtx) admit(e Event) (aerr, err error) {
	// A rule's refusal is the event's (aerr); anything else is a failure.
	split := func(err error) (error, error) {
		if err != nil && ErrorCode(err) == EINTERNAL {
			return nil, err
		}
		return err, nil
	}
	code := func(code, kind string) (error, error) {
		if code == "" {
			return nil, nil
		}
		// Receipts held back for a bulk insert are assets too: a code is
		// judged against them whatever batches the events came in.
		if kind != "asset" {
			if err := w.flushReceipts(); err != nil {
				return nil, err
			}
		}
		return split(w.codeFree(code, kind))
	}
	// A desk whose clock runs ahead dates its changes in the future for
	// every desk (a check-out "since" next year, audits not due for two
	// years). A change recorded before the desk came back online is
	// merely old, and taken.
	if ahead := e.At.Sub(w.at); ahead > MaxClockAhead {
		return noWinner{invalid("recorded at %s UTC, %s ahead of the server's clock: this desk's clock was wrong; set it right, then redo the change",
			e.At.UTC().Format("2006-01-02 15:04"), roughly(ahead))}, nil
	}
	// An event is filed under its subject (history, winners, a count's
	// last seen): one whose payload names another entry would change that
	// entry with nothing in its history. Every desk writes the entry's
	// uid as the subject.
	var named struct {
		UID *string `json:"uid"`
	}
	if json.Unmarshal(e.Payload, &named) == nil && named.UID != nil && *named.UID != e.Subject {
		return noWinner{invalid("event %s is filed under %q but changes %q: not as a desk records it", e.UID(), clip(e.Subject), clip(*named.UID))}, nil
	}
	// A payload that does not decode is left to apply, which says so.
	switch e.Type {
	case EvAssetDisposed:
		if p, derr := decode[DisposePayload](e); derr == nil {
			return split(w.refuseInstalled(p.UID, p.Tag, "disposing of"))
		}
	case EvAssetStatus, EvAssetRetired:
		if p, derr := decode[StatusPayload](e); derr == nil && p.To == StatusRetired {
			return split(w.refuseInstalled(p.UID, p.Tag, "retiring"))
		}
	case EvAssetCheckedIn:
		if p, derr := decode[CheckInPayload](e); derr == nil && p.Status == StatusRetired {
			return split(w.refuseInstalled(p.UID, p.Tag, "retiring"))
		}
	case EvAssetCheckedOut:
		if p, derr := decode[CheckOutPayload](e); derr == nil && p.ToKind == CustodianAsset {
			return w.parentTakes(p.To, false)
		}
	case EvAssetAudited:
		// A count's results come with its finish, while it is open: a
		// count the server does not have (its start refused) marks
		// nothing missing.
		if p, derr := decode[AuditPayload](e); derr == nil && p.Stocktake != "" {
			st, err := w.stocktakeState(p.Stocktake)
			if err != nil {
				return split(err)
			}
			if st.status != "open" {
				return invalid("the stocktake of %s is already finished", st.locCode), nil
			}
			// The counting desk did not know, when it finished, what the
			// server knows: an asset moved out, checked out to a person,
			// retired or disposed while the count was open left it, and
			// is not made missing where it is now.
			if p.Result == "missing" {
				var tag, where string
				err := w.queryRow(scopeSQL+` SELECT a.tag, CASE
						WHEN a.custodian_person_id IS NOT NULL THEN 'checked out to ' || coalesce((SELECT name FROM people WHERE id = a.custodian_person_id), 'a person')
						WHEN a.status IN ('retired', 'disposed') THEN a.status
						WHEN a.location_id IS NULL OR a.location_id NOT IN (SELECT id FROM scope) THEN 'moved to ' || coalesce((SELECT code FROM locations WHERE id = a.location_id), 'elsewhere')
						ELSE '' END FROM assets a WHERE a.uid = ?`, st.locID, p.UID).Scan(&tag, &where)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return nil, fmt.Errorf("read asset: %w", err)
				}
				if where != "" {
					return invalid("%s left the count of %s while it was open (%s): not marked missing", tag, st.locCode, where), nil
				}
				// This count has it, scanned on another desk whose scans the
				// finishing desk had not pulled (two desks scanning into one
				// count), or another count saw it while this one was open
				// (two desks counting one shelf, each finding half): it is
				// not lost.
				var seenAt, seenIn, seenBy string
				var same bool
				err = w.queryRow(`SELECT c.at, l.code, c.device_id, c.stocktake_id = ?2 FROM stocktake_scans c JOIN stocktakes s2 ON s2.id = c.stocktake_id JOIN locations l ON l.id = s2.location_id
					WHERE c.asset_id = (SELECT id FROM assets WHERE uid = ?1) AND c.result IN ('found', 'unexpected')
					AND (c.stocktake_id = ?2 OR julianday(c.at) >= julianday((SELECT started_at FROM stocktakes WHERE id = ?2))) ORDER BY c.stocktake_id <> ?2, c.id LIMIT 1`, p.UID, st.id).Scan(&seenAt, &seenIn, &seenBy, &same)
				switch {
				case err == nil && same:
					return noWinner{invalid("%s was scanned at %s UTC in this count of %s, on device %s, whose scans this desk had not pulled when it finished: not marked missing",
						tag, parseTime(seenAt).UTC().Format("2006-01-02 15:04"), st.locCode, seenBy)}, nil
				case err == nil:
					// (No change won over it: no winner to name.)
					return noWinner{invalid("%s was scanned at %s UTC in another count (of %s, on device %s) since this count of %s began: not marked missing",
						tag, parseTime(seenAt).UTC().Format("2006-01-02 15:04"), seenIn, seenBy, st.locCode)}, nil
				case !errors.Is(err, sql.ErrNoRows):
					return nil, fmt.Errorf("read stocktake scans: %w", err)
				}
			}
		}
	case EvAssetMoved:
		// A part moved because the asset it is installed in did: it goes
		// where that asset went here, or nowhere (that asset's own change
		// was refused, or the part was taken out meanwhile).
		if p, derr := decode[MovePayload](e); derr == nil && p.With != "" {
			if err := w.flushReceipts(); err != nil {
				return nil, err
			}
			in, at, _, err := w.installedIn(p.UID, p.With)
			switch {
			case err != nil:
				return nil, err
			case !in:
				return invalid("%s is no longer installed in %s: it does not move with it", p.Tag, p.With), nil
			case at != p.LocationUID:
				to := p.ToLabel
				if to == "" {
					to = "that place"
				}
				return invalid("%s is not at %s here (its own change was refused): %s, installed in it, stays with it", p.With, to, p.Tag), nil
			}
		}
	case EvAssetReceived:
		if p, derr := decode[AssetRecord](e); derr == nil {
			return code(p.Tag, "asset")
		}
	case EvLocationCreated:
		if p, derr := decode[LocationPayload](e); derr == nil {
			return code(p.Code, "location")
		}
	case EvPersonCreated:
		if p, derr := decode[PersonPayload](e); derr == nil {
			if aerr, err := code(p.Badge, "person"); aerr != nil || err != nil {
				return aerr, err
			}
			// One person's identifier that is another's of another kind
			// (a username here, an email there: two desks apart), which
			// each desk refuses of its own people: a lookup would name the
			// wrong one. (Admission, not apply: logs that hold such pairs
			// from before replay as they did.)
			return split(w.codesApart(p.Badge, p.EmployeeNo, p.Username, p.Email, p.UID))
		}
	case EvPersonUpdated:
		if p, derr := decode[UpdatePayload](e); derr == nil {
			if c, ok := p.Changes["badge"]; ok {
				if aerr, err := code(c.New, "person"); aerr != nil || err != nil {
					return aerr, err
				}
			}
			return split(w.codesApart(p.Changes["badge"].New, p.Changes["employee_number"].New, p.Changes["username"].New, p.Changes["email"].New, p.UID))
		}
	}
	return nil, nil
}
