package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sync, device side. See sync/PROTOCOL.md for the whole protocol.
//
// The device's state tables are a projection of its event log in this order:
// first the events the server has confirmed, in the server's commit order
// (sync_log.server_seq), skipping those the server refused; then every other
// event in log order (this device's pending events), skipping pending events
// that no longer apply on top of the server's state (sync_unapplied). Refused
// events stay in the log as history. `verify` replays in the same order.

// SyncState is this device's sync configuration and progress.
type SyncState struct {
	Server       string        `json:"server"`
	Token        string        `json:"-"`
	CAFile       string        `json:"ca_file,omitempty"`
	Enrolled     bool          `json:"enrolled"`
	Epoch        string        `json:"epoch"`
	Cursor       int64         `json:"cursor"`
	AckedSeq     int64         `json:"acked_seq"`
	LastPushOK   time.Time     `json:"last_push_ok"`
	LastPullOK   time.Time     `json:"last_pull_ok"`
	LastAttempt  time.Time     `json:"last_attempt"`
	LastError    string        `json:"last_error"`
	NeedsRebuild bool          `json:"needs_rebuild"`
	Watchdog     time.Duration `json:"watchdog"`
}

// PushResult is the server's answer for one pushed event.
type PushResult struct {
	Seq       int64   `json:"seq"`
	Status    string  `json:"status"` // applied or refused
	Duplicate bool    `json:"duplicate,omitempty"`
	ServerSeq int64   `json:"server_seq"`
	Code      string  `json:"code,omitempty"`
	Reason    string  `json:"reason,omitempty"`
	Winner    *Winner `json:"winner,omitempty"`
}

// Push result statuses.
const (
	PushApplied = "applied"
	PushRefused = "refused"
)

// Winner is the event that made a refused event impossible: the last applied
// change of the same thing.
type Winner struct {
	Event    string    `json:"event"`
	DeviceID string    `json:"device_id"`
	Operator string    `json:"operator"`
	At       time.Time `json:"at"`
	Type     EventType `json:"type"`
	Summary  string    `json:"summary"`
}

// String says who won, as a person reads it.
func (w *Winner) String() string {
	if w == nil || w.Event == "" {
		return ""
	}
	return fmt.Sprintf("%s by %s on device %s at %s", w.Summary, w.Operator, w.DeviceID, w.At.UTC().Format("2006-01-02 15:04 UTC")) // (beside local times: said which)
}

// PulledChange is one entry of the server's commit-ordered log.
type PulledChange struct {
	ServerSeq int64 `json:"server_seq"`
	Refused   bool  `json:"refused,omitempty"`
	Event     Event `json:"event"`
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timestamp(t)
}

// SyncState returns the device's sync configuration and progress.
func (db *DB) SyncState(ctx context.Context) (SyncState, error) {
	var s SyncState
	var enrolled, rebuild int
	var push, pull, attempt string
	var wd int64
	err := db.w.QueryRowContext(ctx, `SELECT server, token, ca_file, enrolled, epoch, cursor, acked_seq, last_push_ok, last_pull_ok, last_attempt, last_error, needs_rebuild, watchdog_secs FROM sync_state WHERE id = 1`).
		Scan(&s.Server, &s.Token, &s.CAFile, &enrolled, &s.Epoch, &s.Cursor, &s.AckedSeq, &push, &pull, &attempt, &s.LastError, &rebuild, &wd)
	if err != nil {
		return s, fmt.Errorf("read sync state: %w", err)
	}
	s.Enrolled, s.NeedsRebuild = enrolled == 1, rebuild == 1
	s.LastPushOK, s.LastPullOK, s.LastAttempt = parseTime(push), parseTime(pull), parseTime(attempt)
	s.Watchdog = time.Duration(wd) * time.Second
	return s, nil
}

// SetSyncServer stores the server address, token and CA file ("" keeps the
// stored value). A different server or token means a new enrolment.
func (db *DB) SetSyncServer(ctx context.Context, server, token, caFile string) error {
	// A change of an endpoint the server accepted keeps that one
	// (prev_*) until the server accepts the new (MarkEnrolled), for
	// RestoreSyncFallback. (SET sees the row as it was.)
	const changes = `(?1 <> '' AND ?1 <> server OR ?2 <> '' AND ?2 <> token OR ?3 <> '' AND ?3 <> ca_file)`
	const keep = `enrolled = 1 AND prev_server = '' AND ` + changes
	_, err := db.w.ExecContext(ctx, `UPDATE sync_state SET
		prev_server = CASE WHEN `+keep+` THEN server ELSE prev_server END,
		prev_token = CASE WHEN `+keep+` THEN token ELSE prev_token END,
		prev_ca_file = CASE WHEN `+keep+` THEN ca_file ELSE prev_ca_file END,
		enrolled = CASE WHEN `+changes+` THEN 0 ELSE enrolled END,
		server = CASE WHEN ?1 <> '' THEN ?1 ELSE server END,
		token = CASE WHEN ?2 <> '' THEN ?2 ELSE token END,
		ca_file = CASE WHEN ?3 <> '' THEN ?3 ELSE ca_file END WHERE id = 1`,
		server, token, caFile)
	if err != nil {
		return db.plainWriteErr("save sync server", err)
	}
	return nil
}

// SyncEndpoint is where and how this desk syncs, as stored, and whether
// that server has accepted it.
type SyncEndpoint struct {
	Server, Token, CAFile string
	Enrolled              bool
}

// SyncEndpoint reads the desk's sync server, token and CA file.
func (db *DB) SyncEndpoint(ctx context.Context) (SyncEndpoint, error) {
	var e SyncEndpoint
	if err := db.w.QueryRowContext(ctx, `SELECT server, token, ca_file, enrolled FROM sync_state WHERE id = 1`).Scan(&e.Server, &e.Token, &e.CAFile, &e.Enrolled); err != nil {
		return e, fmt.Errorf("read sync server: %w", err)
	}
	return e, nil
}

// RestoreSyncFallback puts back the endpoint the desk synced with before
// it was given one the server has not accepted (SetSyncServer keeps it):
// a mistyped token or server would otherwise lock the desk out, its
// working token forgotten. It returns that server, "" if there was none.
func (db *DB) RestoreSyncFallback(ctx context.Context) (string, error) {
	var server string
	err := db.w.QueryRowContext(ctx, `UPDATE sync_state SET server = prev_server, token = prev_token, ca_file = prev_ca_file, enrolled = 1,
		prev_server = '', prev_token = '', prev_ca_file = '' WHERE id = 1 AND enrolled = 0 AND prev_server <> '' RETURNING server`).Scan(&server)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("restore sync server: %w", err)
	}
	return server, nil
}

// SetSyncWatchdog sets after how long pending events without a successful
// push are reported as a problem.
func (db *DB) SetSyncWatchdog(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return invalid("the sync watchdog must be a positive duration")
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE sync_state SET watchdog_secs = ? WHERE id = 1`, int64(d/time.Second)); err != nil {
		return db.plainWriteErr("save sync watchdog", err)
	}
	return nil
}

// MarkEnrolled records that the server accepted this device and which epoch
// it is in. A first enrolment takes the epoch as is; a different epoch must
// go through ResetForEpoch.
func (db *DB) MarkEnrolled(ctx context.Context, epoch string) error {
	if _, err := db.w.ExecContext(ctx, `UPDATE sync_state SET enrolled = 1, epoch = CASE WHEN epoch = '' THEN ? ELSE epoch END,
		prev_server = '', prev_token = '', prev_ca_file = '' WHERE id = 1 AND (enrolled = 0 OR epoch = '')`, epoch); err != nil {
		return db.plainWriteErr("save enrolment", err)
	}
	return nil
}

// RecordSyncAttempt records when a sync was tried and how it ended (nil: it succeeded).
func (db *DB) RecordSyncAttempt(ctx context.Context, syncErr error) error {
	msg := ""
	if syncErr != nil {
		msg = syncErr.Error()
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE sync_state SET last_attempt = ?, last_error = ? WHERE id = 1`, timestamp(db.now()), msg); err != nil {
		return db.plainWriteErr("save sync attempt", err)
	}
	return nil
}

// OutboxBatch returns up to max of this device's events not yet acknowledged
// by the server, in sequence order.
func (db *DB) OutboxBatch(ctx context.Context, max int) ([]Event, error) {
	return db.OutboxAfter(ctx, 0, max)
}

// OutboxAfter returns up to max events of the outbox with an id above
// after, in order: the batch after one still in flight.
func (db *DB) OutboxAfter(ctx context.Context, after int64, max int) ([]Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+prefixCols("e")+` FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.event_id > ? ORDER BY o.event_id LIMIT ?`, after, max)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func prefixCols(alias string) string {
	cols := strings.Split(eventColumns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// appendRaw stores e, extending its device's chain; it applies e to the state
// tables only when apply is set. It returns the new event's row id.
func (w *wtx) appendRaw(e Event, apply bool) (int64, error) {
	h, err := w.head(e.DeviceID)
	if err != nil {
		return 0, err
	}
	if err := checkChain(e, h); err != nil {
		return 0, err
	}
	if apply {
		if err := w.apply(e); err != nil {
			return 0, err
		}
	}
	res, err := w.exec(`INSERT INTO events(device_id, seq, operator, at, type, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.DeviceID, e.Seq, e.Operator, timestamp(e.At), string(e.Type), e.Subject, string(e.Payload), e.PrevHash, e.Hash)
	if err != nil {
		return 0, err
	}
	e.ID, _ = res.LastInsertId()
	if w.outbox && e.DeviceID == w.db.deviceID {
		if _, err := w.exec(`INSERT INTO outbox(event_id) VALUES (?)`, e.ID); err != nil {
			return 0, err
		}
	}
	w.heads[e.DeviceID] = chainHead{seq: e.Seq, hash: e.Hash}
	w.emitted = append(w.emitted, e)
	return e.ID, nil
}

// ErrChainGap is in the error of an event whose device's earlier events
// this database does not have: pulled, the server's order skipped them
// (a server restored from a backup, its log grown again past where the
// desk had pulled).
var ErrChainGap = errors.New("events of its device are missing before it")

// checkChain checks that e continues its device's chain, whose head is h,
// and that its hash matches its contents.
func checkChain(e Event, h chainHead) error {
	if e.Seq > h.seq+1 {
		// Events of its device between are missing here (ErrChainGap).
		return &Error{Code: EINVALID, Message: fmt.Sprintf("event %s does not continue its device's chain (have seq %d)", e.UID(), h.seq), Err: ErrChainGap}
	}
	if e.Seq != h.seq+1 || e.PrevHash != h.hash {
		return invalid("event %s does not continue its device's chain (have seq %d)", e.UID(), h.seq)
	}
	if HashEvent(e) != e.Hash {
		return invalid("event %s: hash does not match its contents", e.UID())
	}
	return nil
}

// errNeedSavepoint aborts an optimistic transaction that met a domain
// error without a savepoint: the caller runs it again with savepoints.
var errNeedSavepoint = errors.New("retry with savepoints")

// tryApply applies e. With savepoint, a domain error leaves the state as it
// was and is returned as applyErr; without (the fast path: a SAVEPOINT makes
// SQLite flush the search index), a domain error aborts the transaction with
// errNeedSavepoint. Other errors are returned as err.
func (w *wtx) tryApply(e Event, savepoint bool) (applyErr error, err error) {
	if !savepoint {
		aerr := w.apply(e)
		if aerr != nil && ErrorCode(aerr) != EINTERNAL {
			return nil, errNeedSavepoint
		}
		return nil, aerr
	}
	if _, err := w.tx.ExecContext(w.ctx, `SAVEPOINT sync_apply`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	aerr := w.apply(e)
	if aerr != nil {
		if _, err := w.tx.ExecContext(w.ctx, `ROLLBACK TO sync_apply`); err != nil {
			return nil, fmt.Errorf("rollback to savepoint: %w", err)
		}
		clear(w.ids) // rows the failed apply created are gone
		w.peeked, w.spaced = nil, nil
	}
	if _, err := w.tx.ExecContext(w.ctx, `RELEASE sync_apply`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	if aerr != nil && ErrorCode(aerr) == EINTERNAL {
		return nil, aerr
	}
	return aerr, nil
}

// optimistic runs fn without savepoints, and again with them if it needs them.
func optimistic(fn func(savepoint bool) error) error {
	err := fn(false)
	if errors.Is(err, errNeedSavepoint) {
		err = fn(true)
	}
	return err
}

// RecordPushResults records the server's answers for pushed events in one
// transaction: acknowledged events leave the outbox, refusals are recorded
// with their reason, and the server's order is kept for the projection.
func (db *DB) RecordPushResults(ctx context.Context, results []PushResult, highWater int64) error {
	_, err := db.write(ctx, func(w *wtx) error {
		rebuild := false
		var special int // unapplied or refusal rows exist: check each event
		if err := w.queryRow(`SELECT (SELECT count(*) FROM sync_unapplied) + (SELECT count(*) FROM sync_refusals WHERE resolved = '')`).Scan(&special); err != nil {
			return fmt.Errorf("read sync state: %w", err)
		}
		if special == 0 && allApplied(results) {
			// The usual answer, every event applied and nothing pending
			// locally: a few set statements instead of three per event.
			if err := w.recordApplied(results); err != nil {
				return err
			}
			results = nil
		}
		for _, r := range results {
			var id int64
			if err := w.queryRow(`SELECT id FROM events WHERE device_id = ? AND seq = ?`, db.deviceID, r.Seq).Scan(&id); err != nil {
				return fmt.Errorf("push result for seq %d: %w", r.Seq, err)
			}
			unapplied := 0
			if special > 0 {
				if err := w.queryRow(`SELECT count(*) FROM sync_unapplied WHERE event_id = ?`, id).Scan(&unapplied); err != nil {
					return fmt.Errorf("read unapplied: %w", err)
				}
			}
			refused := 0
			switch r.Status {
			case PushApplied:
				if unapplied > 0 {
					rebuild = true // the server applied what the rebase could not: replay
				}
				if special > 0 {
					if _, err := w.exec(`DELETE FROM sync_refusals WHERE event_id = ? AND resolved = ''`, id); err != nil {
						return err
					}
				}
			case PushRefused:
				refused = 1
				if unapplied == 0 {
					rebuild = true // it is in the local state but not on the server
				}
				winner := "{}"
				if r.Winner != nil {
					b, _ := json.Marshal(r.Winner)
					winner = string(b)
				}
				if _, err := w.exec(`INSERT INTO sync_refusals(event_id, code, reason, winner, refused_at) VALUES (?, ?, ?, ?, ?)
					ON CONFLICT(event_id) DO UPDATE SET code = excluded.code, reason = excluded.reason, winner = excluded.winner`,
					id, r.Code, r.Reason, winner, timestamp(db.now())); err != nil {
					return err
				}
			default:
				return invalid("push result for seq %d: unknown status %q", r.Seq, r.Status)
			}
			if _, err := w.exec(`INSERT INTO sync_log(event_id, server_seq, refused) VALUES (?, ?, ?) ON CONFLICT(event_id) DO NOTHING`, id, r.ServerSeq, refused); err != nil {
				return err
			}
			if unapplied > 0 {
				if _, err := w.exec(`DELETE FROM sync_unapplied WHERE event_id = ?`, id); err != nil {
					return err
				}
			}
			if _, err := w.exec(`DELETE FROM outbox WHERE event_id = ?`, id); err != nil {
				return err
			}
		}
		_, err := w.exec(`UPDATE sync_state SET acked_seq = max(acked_seq, ?), last_push_ok = ?, needs_rebuild = max(needs_rebuild, ?) WHERE id = 1`,
			highWater, timestamp(db.now()), boolInt(rebuild))
		return err
	})
	return err
}

func allApplied(results []PushResult) bool {
	for _, r := range results {
		if r.Status != PushApplied {
			return false
		}
	}
	return true
}

// recordApplied records that the server applied these events of this
// device: they take their place in sync_log and leave the outbox.
func (w *wtx) recordApplied(results []PushResult) error {
	pairs := make([][2]int64, len(results))
	for i, r := range results {
		pairs[i] = [2]int64{r.Seq, r.ServerSeq}
	}
	b, err := json.Marshal(pairs)
	if err != nil {
		return fmt.Errorf("push results: %w", err)
	}
	dev := w.db.deviceID
	var found int
	if err := w.queryRow(`SELECT count(*) FROM json_each(?) j CROSS JOIN events e ON e.device_id = ? AND e.seq = j.value ->> 0`, string(b), dev).Scan(&found); err != nil {
		return fmt.Errorf("push results: %w", err)
	}
	if found != len(results) {
		return fmt.Errorf("push results: %d of %d acknowledged events are not in this device's log", len(results)-found, len(results))
	}
	if _, err := w.exec(`INSERT INTO sync_log(event_id, server_seq, refused) SELECT e.id, j.value ->> 1, 0 FROM json_each(?) j
		CROSS JOIN events e ON e.device_id = ? AND e.seq = j.value ->> 0 WHERE true ON CONFLICT(event_id) DO NOTHING`, string(b), dev); err != nil {
		return err
	}
	_, err = w.exec(`DELETE FROM outbox WHERE event_id IN (SELECT e.id FROM json_each(?) j CROSS JOIN events e ON e.device_id = ? AND e.seq = j.value ->> 0)`, string(b), dev)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ApplyPulled applies changes pulled from the server together with the new
// cursor, in one transaction: a crash leaves either both or neither (F1).
// Its commit does not wait for the disk (writeRelaxed): a page lost to a
// power cut is pulled again.
// A change that cannot be applied in place, because this device's own
// later-ordered events touch the same thing or it does not apply on top of
// them, is stored and the projection marked for a rebuild (Rebuild).
func (db *DB) ApplyPulled(ctx context.Context, changes []PulledChange, nextCursor int64, epoch string) error {
	return optimistic(func(savepoint bool) error { return db.applyPulled(ctx, changes, nextCursor, epoch, savepoint) })
}

func (db *DB) applyPulled(ctx context.Context, changes []PulledChange, nextCursor int64, epoch string, savepoint bool) error {
	_, err := db.writeRelaxed(ctx, func(w *wtx) error {
		w.outbox = false
		var cursor int64
		var stEpoch string
		var rebuild int
		if err := w.queryRow(`SELECT cursor, epoch, needs_rebuild FROM sync_state WHERE id = 1`).Scan(&cursor, &stEpoch, &rebuild); err != nil {
			return fmt.Errorf("read sync state: %w", err)
		}
		if stEpoch != epoch {
			return conflict("pulled changes are from server epoch %s, this device follows %s", epoch, stEpoch)
		}
		if nextCursor < cursor {
			// A page another sync of this desk has applied meanwhile (the
			// UI's beside a script's: each pulls from the cursor it read).
			for _, c := range changes {
				if c.ServerSeq > cursor {
					return invalid("the server's cursor went back from %d to %d", cursor, nextCursor)
				}
			}
			return nil
		}
		needs := rebuild == 1
		// Subjects of this device's events that come after the pulled ones
		// in the projection order but are already applied (laterSubjects).
		later := &laterSubjects{w: w, device: db.deviceID, cursor: cursor, most: db.laterMost}
		var laterIDs map[string]bool // (read when a page brings a person's creation)
		last := cursor
		var pending logRows // the page's new events and log rows, written in chunks
		if !savepoint {
			w.receipts = plainReceipts() // plain receipts inserted in chunks too
		}
		for _, c := range changes {
			if c.ServerSeq <= last {
				if c.ServerSeq <= cursor {
					continue // already have it (a repeated page)
				}
				return invalid("pulled changes out of order (%d after %d)", c.ServerSeq, last)
			}
			last = c.ServerSeq
			e := c.Event
			var id int64
			var hash string
			// A device's events are stored in sequence: one beyond its
			// chain head is new without a look-up.
			h, err := w.head(e.DeviceID)
			if err != nil {
				return err
			}
			if e.Seq > h.seq {
				err = sql.ErrNoRows
			} else {
				if err := w.flushRows(&pending); err != nil {
					return err
				}
				err = w.queryRow(`SELECT id, hash FROM events WHERE device_id = ? AND seq = ?`, e.DeviceID, e.Seq).Scan(&id, &hash)
			}
			switch {
			case err == nil:
				if hash != e.Hash {
					return conflict("event %s differs from the server's copy (a forked history)", e.UID())
				}
				var n int
				if err := w.queryRow(`SELECT count(*) FROM sync_log WHERE event_id = ?`, id).Scan(&n); err != nil {
					return fmt.Errorf("read sync log: %w", err)
				}
				if n > 0 {
					continue
				}
				needs = true // a known event now has its place in the server's order
				if _, err := w.exec(`DELETE FROM outbox WHERE event_id = ?`, id); err != nil {
					return err
				}
				if _, err := w.exec(`DELETE FROM sync_unapplied WHERE event_id = ?`, id); err != nil {
					return err
				}
				if !c.Refused && e.DeviceID == db.deviceID {
					// Applied in this server's order: a refusal waiting
					// for an answer is another server's (the desk was
					// pointed elsewhere, and back), and goes.
					if _, err := w.exec(`DELETE FROM sync_refusals WHERE event_id = ? AND resolved = ''`, id); err != nil {
						return err
					}
				}
				// This desk's own change, refused, whose push answer never
				// got recorded (the pushing sync died first, or another
				// sync of this desk pushed it): recorded now, so that it is
				// shown and can be resolved, as a refusal answered is.
				if c.Refused && e.DeviceID == db.deviceID {
					if _, err := w.exec(`INSERT OR IGNORE INTO sync_refusals(event_id, code, reason, refused_at) VALUES (?, ?, ?, ?)`,
						id, ECONFLICT, "refused by the server (the answer to this desk's push was lost; the server's log says why)", timestamp(db.now())); err != nil {
						return err
					}
				}
			case errors.Is(err, sql.ErrNoRows):
				if e.DeviceID == db.deviceID {
					return conflict("the server has event %s of this device that this device does not: a database restored from an old backup, or a copy of another desk's%s", e.UID(), restoredHint)
				}
				if err := checkChain(e, h); err != nil {
					return err
				}
				apply := !c.Refused && !needs
				if apply {
					if apply, err = later.none(e.Subject); err != nil {
						return err
					}
				}
				if apply && e.Type == EvPersonCreated {
					// Another desk's creation of a person that this desk has
					// changed since, in changes the server put after it: the
					// same person under this desk's uid (a merge), or someone
					// whose badge, email, … this desk's changes took away. It
					// must come before those changes, as on the server: the
					// rebase applies it in the server's order. (Anyone else's
					// creation applies at once: a page of new colleagues must
					// not cost a rebase.)
					p, err := decode[PersonPayload](e)
					if err != nil {
						return err
					}
					uid, _, err := w.samePerson(p)
					if err != nil {
						return err
					}
					if laterIDs == nil {
						if laterIDs, err = w.laterPeopleIDs(db.deviceID, cursor); err != nil {
							return err
						}
					}
					if apply, err = later.none(uid); err != nil {
						return err
					}
					apply = apply && !laterIDs[p.Badge] && !laterIDs[p.EmployeeNo] && !laterIDs[p.Username] && !laterIDs[p.Email]
				}
				if apply && e.Type == EvLocationCreated {
					// Another desk's creation of a place this desk has too
					// (the same code), which this desk renamed or moved since:
					// a merge would write the creation's name and parent over
					// that change, so it goes in the server's order (rebase).
					p, err := decode[LocationPayload](e)
					if err != nil {
						return err
					}
					other, err := w.existing(`SELECT uid FROM locations WHERE code = ?`, p.Code)
					if err != nil {
						return fmt.Errorf("look up location: %w", err)
					}
					if other != "" {
						if apply, err = later.none(other); err != nil {
							return err
						}
					}
				}
				if apply {
					aerr, err := w.tryApply(e, savepoint)
					if err != nil {
						return err
					}
					if aerr != nil {
						needs = true
					}
				} else if !c.Refused {
					needs = true
				}
				// The event is applied already (or not at all): store it.
				w.addEvent(&pending, e, c.ServerSeq, c.Refused)
				continue
			default:
				return fmt.Errorf("look up event %s: %w", e.UID(), err)
			}
			pending.addKnown(id, c.ServerSeq, c.Refused)
		}
		if err := w.flushReceipts(); err != nil {
			return err
		}
		w.receipts = nil
		if err := w.flushRows(&pending); err != nil {
			return err
		}
		if nextCursor < last {
			nextCursor = last
		}
		_, err := w.exec(`UPDATE sync_state SET cursor = ?, needs_rebuild = ?, last_pull_ok = ? WHERE id = 1`, nextCursor, boolInt(needs), timestamp(db.now()))
		return err
	})
	return err
}

// ResetForEpoch follows a server that was restored or replaced: forget the
// old server's order and cursor, and queue again every event of this device
// the server does not have (F3). serverHighWater is the highest sequence
// number of this device the new server holds.
func (db *DB) ResetForEpoch(ctx context.Context, epoch string, serverHighWater int64) error {
	_, err := db.writeAlone(ctx, func(w *wtx) error { return w.resetForEpoch(epoch, serverHighWater) })
	return err
}

func (w *wtx) resetForEpoch(epoch string, serverHighWater int64) error {
	// Other desks' changes pulled from the old server: kept in mind, for
	// verify --server (the new one may lack them until their desk syncs).
	if _, err := w.exec(`INSERT OR IGNORE INTO sync_pulled_before(event_id) SELECT l.event_id FROM sync_log l JOIN events e ON e.id = l.event_id WHERE e.device_id <> ?`, w.db.deviceID); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM sync_log`, `DELETE FROM sync_unapplied`} {
		if _, err := w.exec(q); err != nil {
			return err
		}
	}
	if _, err := w.exec(`INSERT OR IGNORE INTO outbox(event_id) SELECT id FROM events WHERE device_id = ? AND seq > ?`, w.db.deviceID, serverHighWater); err != nil {
		return err
	}
	_, err := w.exec(`UPDATE sync_state SET epoch = ?, cursor = 0, acked_seq = ?, needs_rebuild = 1 WHERE id = 1`, epoch, serverHighWater)
	return err
}

// ResetForEpochIf is ResetForEpoch for a hello answered after this desk's
// sync state was read (before): done only if the desk still stands where
// it stood then, its last known place of the server's order at or before
// that cursor still seq holding hash (LogPoint, read before the hello; 0
// and "" for none). Another sync of this desk may have
// read the log again meanwhile: reset is false then, nothing done, and the
// caller asks again. (Twice, the second on top of the first's re-read,
// left places of the order unrecorded for good.)
func (db *DB) ResetForEpochIf(ctx context.Context, before SyncState, epoch string, serverHighWater, seq int64, hash string) (reset bool, err error) {
	_, err = db.writeAlone(ctx, func(w *wtx) error {
		var cursor, acked int64
		var stEpoch string
		if err := w.queryRow(`SELECT cursor, acked_seq, epoch FROM sync_state WHERE id = 1`).Scan(&cursor, &acked, &stEpoch); err != nil {
			return fmt.Errorf("read sync state: %w", err)
		}
		if cursor != before.Cursor || acked < before.AckedSeq || stEpoch != before.Epoch {
			return nil
		}
		var haveSeq int64
		var have string
		if err := w.queryRow(logPointQuery, before.Cursor).Scan(&haveSeq, &have); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read sync log: %w", err)
		}
		if haveSeq != seq || have != hash {
			return nil
		}
		reset = true
		return w.resetForEpoch(epoch, serverHighWater)
	})
	return reset, err
}

// LogPoint is the last place of the server's order at or before cursor
// that this desk knows, and the hash of the event it holds there (0, ""
// for none): a sync's hello asks the server whether it still holds that
// event there (a server restored from a backup, its log grown again past
// the desk's cursor, holds other events at those places).
func (db *DB) LogPoint(ctx context.Context, cursor int64) (int64, string, error) {
	var seq int64
	var hash string
	err := db.r.QueryRowContext(ctx, logPointQuery, cursor).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("read sync log: %w", err)
	}
	return seq, hash, nil
}

const logPointQuery = `SELECT s.server_seq, e.hash FROM sync_log s JOIN events e ON e.id = s.event_id WHERE s.server_seq <= ? ORDER BY s.server_seq DESC LIMIT 1`

// Requeue queues again this device's events from seq on: the server said it
// expects seq next (it lost later ones it had acknowledged).
func (db *DB) Requeue(ctx context.Context, seq int64) error {
	_, err := db.write(ctx, func(w *wtx) error {
		_, err := w.exec(`INSERT OR IGNORE INTO outbox(event_id) SELECT id FROM events WHERE device_id = ? AND seq >= ?`, db.deviceID, seq)
		return err
	})
	return err
}

// UnreachablePrefix begins the error of a sync that could not reach its
// server at all (sync's reachError): the desk is offline.
const UnreachablePrefix = "cannot reach the server"

// QueueUnsent queues this device's events that the server has not
// acknowledged and that are not queued: the history a demo desk was built
// with, which a first sync sends, so that the server has the assets the
// desk's later changes are about (else its first change's push would be
// answered with a gap, and the whole history sent then, unannounced).
// It returns how many it queued.
func (db *DB) QueueUnsent(ctx context.Context) (int64, error) {
	const unsent = ` FROM events e WHERE e.device_id = ? AND e.seq > (SELECT acked_seq FROM sync_state WHERE id = 1)
		AND NOT EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id) AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id)`
	// Read first: a desk's sync finds none, and commits nothing for it.
	var any int
	if err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1`+unsent+`)`, db.deviceID).Scan(&any); err != nil {
		return 0, fmt.Errorf("look for unsent events: %w", err)
	}
	if any == 0 {
		return 0, nil
	}
	var n int64
	_, err := db.write(ctx, func(w *wtx) error {
		res, err := w.exec(`INSERT OR IGNORE INTO outbox(event_id) SELECT e.id`+unsent, db.deviceID)
		if err != nil {
			return fmt.Errorf("queue unsent events: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// derivedTables are the projection's tables: verify's list, plus the ones
// verify checks through their parents.
func derivedTables() []string {
	out := []string{"po_lines", "asset_fts"}
	for _, c := range canonical {
		out = append(out, c.table)
	}
	return out
}

// restoredHint is the way out for a desk whose database is an old copy of
// itself (a restored backup, or a copy on another machine): its device's
// chain on the server has gone further, and events are never rewritten.
const restoredHint = ": keep this copy for its history and start a fresh database for the desk (tagdesk --db NEW.db sync --server URL --token NEW-TOKEN pulls everything the server has), then redo there what this copy changed since its last sync (tagdesk report history lists it)"

// RebuildIfNeeded rebases the view when a sync left it to be rebased
// (needs_rebuild: the server refused changes it had), calling starting
// first when it does; it says whether it did.
func (db *DB) RebuildIfNeeded(ctx context.Context, starting func()) (bool, error) {
	st, err := db.SyncState(ctx)
	if err != nil || !st.NeedsRebuild {
		return false, err
	}
	if starting != nil {
		starting()
	}
	if err := db.Rebuild(ctx); err != nil {
		return false, err
	}
	return true, nil
}

// Rebuild replays the projection (server-confirmed events in server order,
// then pending ones) into the state tables in one transaction: the rebase
// after the server decided differently from what this device assumed. Local
// tables that point at projected rows (a print job's asset) are re-pointed
// by uid; rows whose target no longer exists are dropped.
func (db *DB) Rebuild(ctx context.Context) error {
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		derived := map[string]bool{}
		for _, t := range derivedTables() {
			derived[t] = true
		}
		if _, err := w.tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return fmt.Errorf("defer foreign keys: %w", err)
		}
		// Entities with a uid, and local references to them.
		type ref struct{ table, col, target string }
		var entities []string
		var refs []ref
		rows, err := w.tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		if err != nil {
			return fmt.Errorf("list tables: %w", err)
		}
		var tables []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return fmt.Errorf("list tables: %w", err)
			}
			tables = append(tables, n)
		}
		rows.Close()
		for _, t := range tables {
			if derived[t] {
				var n int
				if err := w.tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info(?) WHERE name = 'uid'`, t).Scan(&n); err != nil {
					return fmt.Errorf("inspect %s: %w", t, err)
				}
				if n > 0 {
					entities = append(entities, t)
				}
				continue
			}
			fks, err := w.tx.QueryContext(ctx, `SELECT "table", "from" FROM pragma_foreign_key_list(?)`, t)
			if err != nil {
				return fmt.Errorf("inspect %s: %w", t, err)
			}
			for fks.Next() {
				var target, col string
				if err := fks.Scan(&target, &col); err != nil {
					fks.Close()
					return fmt.Errorf("inspect %s: %w", t, err)
				}
				if derived[target] {
					refs = append(refs, ref{t, col, target})
				}
			}
			fks.Close()
		}
		if _, err := w.tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS sync_old_ids (tbl TEXT NOT NULL, old_id INTEGER NOT NULL, uid TEXT NOT NULL, PRIMARY KEY (tbl, old_id))`); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		if _, err := w.tx.ExecContext(ctx, `DELETE FROM sync_old_ids`); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
		if len(refs) > 0 {
			for _, t := range entities {
				if _, err := w.tx.ExecContext(ctx, `INSERT INTO sync_old_ids(tbl, old_id, uid) SELECT ?, id, uid FROM `+t, t); err != nil {
					return fmt.Errorf("rebuild: remember %s: %w", t, err)
				}
			}
		}
		for _, t := range derivedTables() {
			if _, err := w.tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		if _, err := w.exec(`DELETE FROM sync_unapplied`); err != nil {
			return err
		}
		err = eachProjected(ctx, w.tx, func(e Event, confirmed, refused, _ bool) error {
			if refused {
				return nil
			}
			aerr, err := w.tryApply(e, !confirmed) // confirmed events must apply
			if errors.Is(err, errNeedSavepoint) {
				return Errorf(EINTERNAL, "rebuild: server-confirmed event %s does not apply", e.UID())
			}
			if err != nil {
				return err
			}
			if aerr == nil {
				return nil
			}
			if confirmed {
				return Errorf(ErrorCode(aerr), "rebuild: server-confirmed event %s does not apply: %s", e.UID(), ErrorMessage(aerr))
			}
			_, err = w.exec(`INSERT INTO sync_unapplied(event_id, code, reason) VALUES (?, ?, ?)`, e.ID, ErrorCode(aerr), ErrorMessage(aerr))
			return err
		})
		if err != nil {
			return err
		}
		for _, r := range refs {
			mapped := `(SELECT n.id FROM sync_old_ids o JOIN ` + r.target + ` n ON n.uid = o.uid WHERE o.tbl = '` + r.target + `' AND o.old_id = ` + r.table + `.` + r.col + `)`
			if _, err := w.tx.ExecContext(ctx, `DELETE FROM `+r.table+` WHERE `+r.col+` IS NOT NULL AND `+mapped+` IS NULL`); err != nil {
				return fmt.Errorf("rebuild: re-point %s.%s: %w", r.table, r.col, err)
			}
			if _, err := w.tx.ExecContext(ctx, `UPDATE `+r.table+` SET `+r.col+` = `+mapped+` WHERE `+r.col+` IS NOT NULL`); err != nil {
				return fmt.Errorf("rebuild: re-point %s.%s: %w", r.table, r.col, err)
			}
		}
		_, err = w.exec(`UPDATE sync_state SET needs_rebuild = 0 WHERE id = 1`)
		return err
	})
	return err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// eachProjected calls fn for every event in projection order: confirmed
// events by server_seq, then the others by log order. refused and unapplied
// say whether the event is left out of the state.
func eachProjected(ctx context.Context, q querier, fn func(e Event, confirmed, refused, unapplied bool) error) error {
	const page = 2000
	type item struct {
		e         Event
		key       int64
		refused   bool
		unapplied bool
	}
	read := func(query string, after int64, confirmed bool) ([]item, error) {
		rows, err := q.QueryContext(ctx, query, after, page)
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		defer rows.Close()
		var out []item
		for rows.Next() {
			var it item
			var e Event
			var at, typ, payload string
			var ref, unap int
			if err := rows.Scan(&e.ID, &e.DeviceID, &e.Seq, &e.Operator, &at, &typ, &e.Subject, &payload, &e.PrevHash, &e.Hash, &it.key, &ref, &unap); err != nil {
				return nil, fmt.Errorf("read events: %w", err)
			}
			t, err := time.Parse(time.RFC3339Nano, at)
			if err != nil {
				return nil, fmt.Errorf("event %d: bad time %q: %w", e.ID, at, err)
			}
			e.At, e.Type, e.Payload = t, EventType(typ), json.RawMessage(payload)
			it.e, it.refused, it.unapplied = e, ref == 1, unap == 1
			out = append(out, it)
		}
		return out, rows.Err()
	}
	phases := []struct {
		query     string
		confirmed bool
	}{
		{`SELECT ` + prefixCols("e") + `, s.server_seq, s.refused, 0 FROM sync_log s JOIN events e ON e.id = s.event_id WHERE s.server_seq > ? ORDER BY s.server_seq LIMIT ?`, true},
		{`SELECT ` + prefixCols("e") + `, e.id, 0, EXISTS (SELECT 1 FROM sync_unapplied u WHERE u.event_id = e.id) FROM events e
			WHERE e.id > ? AND NOT EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id) ORDER BY e.id LIMIT ?`, false},
	}
	for _, ph := range phases {
		after := int64(-1 << 62)
		for {
			items, err := read(ph.query, after, ph.confirmed)
			if err != nil {
				return err
			}
			for _, it := range items {
				if err := fn(it.e, ph.confirmed, it.refused, it.unapplied); err != nil {
					return err
				}
				after = it.key
			}
			if len(items) < page {
				break
			}
		}
	}
	return nil
}

// Refusal is one of this device's events the server refused.
type Refusal struct {
	ID         int64     `json:"id"`
	Event      string    `json:"event"`
	Type       EventType `json:"type"`
	Subject    string    `json:"subject"`
	Tag        string    `json:"tag,omitempty"`
	Summary    string    `json:"summary"`
	Code       string    `json:"code"`
	Reason     string    `json:"reason"`
	Winner     *Winner   `json:"winner,omitempty"`
	RefusedAt  time.Time `json:"refused_at"`
	Resolved   string    `json:"resolved,omitempty"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	ResolvedBy string    `json:"resolved_by,omitempty"` // the operator who resolved it
}

// RelabelNote says, for a refused receipt redone under a new tag (its tag
// was another asset's by then), that the asset needs a new label; "" when
// its tag stands.
func RelabelNote(r Refusal, redone []Event) string {
	if r.Type != EvAssetReceived {
		return ""
	}
	for _, e := range redone {
		var p AssetRecord
		if e.Type != EvAssetReceived || json.Unmarshal(e.Payload, &p) != nil || p.Tag == r.Tag {
			continue
		}
		what := "the asset"
		if p.Serial != "" {
			what = "serial " + p.Serial
		}
		return fmt.Sprintf("relabel %s: its tag is now %s (%s is another asset's)", what, p.Tag, r.Tag)
	}
	return ""
}

// Explain says in one line what was refused and why.
func (r Refusal) Explain() string {
	s := fmt.Sprintf("%s (%s): %s", r.Summary, r.Event, r.Reason)
	if w := r.Winner.String(); w != "" {
		s += "; " + w
	}
	return s
}

// Refusals returns this device's refused events, unresolved ones only unless all.
func (db *DB) Refusals(ctx context.Context, all bool) ([]Refusal, error) {
	q := `SELECT ` + prefixCols("e") + `, r.code, r.reason, r.winner, r.refused_at, r.resolved, r.resolved_at, r.resolved_by, ` + namedSQL + ` FROM sync_refusals r JOIN events e ON e.id = r.event_id`
	if !all {
		q += ` WHERE r.resolved = ''`
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY r.event_id`)
	if err != nil {
		return nil, fmt.Errorf("read refusals: %w", err)
	}
	defer rows.Close()
	var out []Refusal
	for rows.Next() {
		var e Event
		var at, typ, payload, winner, refusedAt, resolvedAt string
		var r Refusal
		if err := rows.Scan(&e.ID, &e.DeviceID, &e.Seq, &e.Operator, &at, &typ, &e.Subject, &payload, &e.PrevHash, &e.Hash, &r.Code, &r.Reason, &winner, &refusedAt, &r.Resolved, &resolvedAt, &r.ResolvedBy, &e.Named); err != nil {
			return nil, fmt.Errorf("read refusals: %w", err)
		}
		e.At, e.Type, e.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
		r.ID, r.Event, r.Type, r.Subject, r.Summary = e.ID, e.UID(), e.Type, e.Subject, Describe(e)
		var tp struct {
			Tag string `json:"tag"`
		}
		json.Unmarshal(e.Payload, &tp)
		r.Tag = tp.Tag
		// Whose: the asset's tag, or the person's name, the count's place
		// (a refused username change named no one).
		if label := SubjectLabel(e); label != "" && !strings.Contains(r.Summary, label) {
			r.Summary = label + " " + r.Summary
		}
		var win Winner
		if json.Unmarshal([]byte(winner), &win) == nil && win.Event != "" {
			r.Winner = &win
		}
		r.RefusedAt, r.ResolvedAt = parseTime(refusedAt), parseTime(resolvedAt)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Ways to resolve a refusal.
const (
	ResolveAccept = "accept" // keep the server's state
	ResolveRedo   = "redo"   // do the action again against the current state
)

// ResolveRefusal closes a refusal: accept keeps the server's state; redo
// records the refused action again as new events against the current state
// (for a check-out of an asset someone else holds: a check-in, then the
// check-out). It returns the new events.
func (db *DB) ResolveRefusal(ctx context.Context, id int64, how string) ([]Event, error) {
	if how != ResolveAccept && how != ResolveRedo {
		return nil, invalid("resolve a refusal with accept or redo, not %q", how)
	}
	if how == ResolveRedo {
		// A redo acts on the view as the server decided. A sync cut off
		// after the server refused changes (the link dropped while
		// pulling) left the view with them still in it: a redo against
		// that view is refused again. The rebase needs no server.
		if _, err := db.RebuildIfNeeded(ctx, nil); err != nil {
			return nil, err
		}
	}
	return db.write(ctx, func(w *wtx) error {
		var e Event
		var at, typ, payload, resolved string
		err := w.queryRow(`SELECT `+prefixCols("e")+`, r.resolved FROM sync_refusals r JOIN events e ON e.id = r.event_id WHERE r.event_id = ?`, id).
			Scan(&e.ID, &e.DeviceID, &e.Seq, &e.Operator, &at, &typ, &e.Subject, &payload, &e.PrevHash, &e.Hash, &resolved)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("no refused event with id %d (see tagdesk sync status)", id)
		}
		if err != nil {
			return fmt.Errorf("read refusal: %w", err)
		}
		if resolved != "" {
			return conflict("refusal %d is already resolved (%s)", id, resolved)
		}
		e.At, e.Type, e.Payload = parseTime(at), EventType(typ), json.RawMessage(payload)
		mark := how
		if how == ResolveRedo {
			if err := w.redo(e); err != nil {
				// Named as the refusals are listed (sync status, the
				// Sync screen): by number, not the event's DEV:SEQ.
				return Errorf(ErrorCode(err), "cannot redo refusal %d: %s", id, ErrorMessage(err))
			}
			var uids []string
			for _, x := range w.emitted {
				uids = append(uids, x.UID())
			}
			mark = "redone as " + strings.Join(uids, ", ")
			if len(uids) == 0 {
				mark = "redone: nothing left to do (it stands as it is now)"
			}
		}
		_, err = w.exec(`UPDATE sync_refusals SET resolved = ?, resolved_at = ?, resolved_by = ? WHERE event_id = ?`, mark, timestamp(w.at), w.operator, id)
		return err
	})
}

// redo emits the refused event's action again against the current state.
func (w *wtx) redo(e Event) error {
	switch e.Type {
	case EvStocktakeScanned:
		return w.redoScan(e)
	case EvStocktakeStarted, EvStocktakeFinished, EvAssetAudited:
		// A count is its moment: its expected list and results were of
		// the register as it stood then. Said, not replayed.
		return invalid("a count is not redone: accept the refusal and count again (its scans stay in its history)")
	case EvAssetCheckedOut:
		p, err := decode[CheckOutPayload](e)
		if err != nil {
			return err
		}
		// The asset the check-out was for, by its identity: its tag may
		// now name another asset (a receipt of the same tag elsewhere won).
		var tag string
		err = w.queryRow(`SELECT tag FROM assets WHERE uid = ?`, p.UID).Scan(&tag)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("the asset it checked out (%s on this desk) is not in the register: its receipt was refused too; redo that first, then check the new asset out", p.Tag)
		}
		if err != nil {
			return fmt.Errorf("read asset: %w", err)
		}
		_, a, err := w.assetByTag(tag)
		if err != nil {
			return err
		}
		if a.status == StatusDeployed {
			if err := w.checkIn(tag, CheckInOptions{}); err != nil {
				return err
			}
		}
		return w.checkOut(tag, Holder{Kind: p.ToKind, UID: p.To, Label: p.ToLabel}, p.Due)
	case EvPersonOffboarded:
		// Offboarding again: what they hold now is taken back first.
		// The person as the register has them now: their uid may have
		// become another's alias (merged with the same person made on
		// another desk).
		var uid, name string
		err := w.queryRow(`SELECT uid, name FROM people WHERE uid = ?1
			UNION ALL SELECT p.uid, p.name FROM aliases a JOIN people p ON p.uid = a.target WHERE a.tbl = 'people' AND a.alias = ?1 LIMIT 1`, e.Subject).Scan(&uid, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("no person with id %s", e.Subject)
		}
		if err != nil {
			return fmt.Errorf("read person: %w", err)
		}
		opt, err := w.offboardedAs(e)
		if err != nil {
			return err
		}
		_, err = w.offboard(uid, name, opt)
		return err
	case EvAssetCheckedIn:
		// Taken back from whoever holds it now: the holder the refused
		// check-in named may be why it was refused.
		p, err := decode[CheckInPayload](e)
		if err != nil {
			return err
		}
		a, err := w.assetNamed(p.UID, p.Tag)
		if err != nil {
			return err
		}
		if a.status != StatusDeployed {
			// Checked in on another desk first: what this one still
			// means is its condition and the place it was brought to.
			return w.redoCheckInInStock(p, a)
		}
		if p.Status == StatusRetired {
			if err := w.refuseInstalled(p.UID, a.tag, "retiring"); err != nil {
				return err
			}
		}
		if p.Status == StatusMissing && a.held != p.FromUID {
			// "Not returned" says who kept it: someone else holds it
			// now (and did not lose it).
			var target string
			err := w.queryRow(`SELECT target FROM aliases WHERE alias = ? AND target = ?`, p.FromUID, a.held).Scan(&target)
			if errors.Is(err, sql.ErrNoRows) {
				return conflict("%s is now held by %s, not %s, who did not return it: accept the server's state", a.tag, orNone(a.holder), orNone(p.From))
			}
			if err != nil {
				return fmt.Errorf("read aliases: %w", err)
			}
		}
		p.Tag, p.From, p.FromUID = a.tag, a.holder, a.held
		if err := w.emit(EvAssetCheckedIn, e.Subject, p); err != nil {
			return err
		}
		return w.carryParts(e.Subject)
	case EvAssetMoved:
		// A part that moved with the asset it is installed in follows that
		// asset to where it is now, if it is still in it; a move of its
		// own is done again.
		p, err := decode[MovePayload](e)
		if err != nil {
			return err
		}
		if p.With == "" {
			break
		}
		in, _, code, err := w.installedIn(p.UID, p.With)
		if err != nil || !in || code == "" {
			return err // taken out of it since, or it is nowhere: nothing to follow
		}
		_, err = w.moveWith(p.Tag, code, p.With, 0, map[string]bool{})
		return err
	case EvAssetReceived:
		p, err := decode[AssetRecord](e)
		if err != nil {
			return err
		}
		var one int
		if err := w.queryRow(`SELECT 1 FROM assets WHERE tag = ?`, p.Tag).Scan(&one); err == nil {
			if p.Tag, err = w.nextTag(); err != nil {
				return err
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check tag: %w", err)
		}
		if p.POUID != "" {
			if _, err := w.idOf("purchase_orders", p.POUID); ErrorCode(err) == ENOTFOUND {
				// Its order's creation was refused (another desk made
				// one of that number first): against that one, the
				// server's, or against none.
				number := w.createdAs(p.POUID)
				p.POUID = ""
				if number != "" {
					if err := w.queryRow(`SELECT uid FROM purchase_orders WHERE number = ?`, number).Scan(&p.POUID); err != nil && !errors.Is(err, sql.ErrNoRows) {
						return fmt.Errorf("find purchase order: %w", err)
					}
				}
			} else if err != nil {
				return err
			}
		}
		p.UID = w.db.newUID()
		if err := w.emit(EvAssetReceived, p.UID, p); err != nil {
			return err
		}
		// A new asset to the register: its label, as at any receipt (the
		// refused one's job went with it; and its tag may be new).
		return w.autoLabel(p.UID, false)
	case EvAssetUpdated:
		p, err := decode[UpdatePayload](e)
		if err != nil {
			return err
		}
		// Old values: what the asset has now, so history shows what the redo overwrote.
		for k, c := range p.Changes {
			col, ok := assetTextFields[k]
			if !ok {
				continue
			}
			var cur sql.NullString
			if err := w.queryRow(`SELECT `+col+` FROM assets WHERE uid = ?`, p.UID).Scan(&cur); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read asset: %w", err)
			}
			c.Old = cur.String
			p.Changes[k] = c
		}
		return w.emit(EvAssetUpdated, e.Subject, p)
	case EvDeviceSite:
		// Where the desk is now, not where it said it was then: it may
		// have moved since.
		site, err := w.setting(SettingSite)
		if err != nil {
			return err
		}
		_, err = w.stateSiteIfChanged(site)
		return err
	}
	return w.emit(e.Type, e.Subject, e.Payload)
}

// redoCheckInInStock redoes a check-in of an asset no longer checked out
// (another desk checked it in first, and the server refused this one): the
// place it was brought to, if given and not where it is, is a move; its
// condition (repair, retire) a status change, each through its own
// mutation. A check-in as ok to where it is, or to its home, leaves
// nothing to redo, and one as not returned is undone by the return: both
// said, for the refusal to be accepted. An asset in another state (in
// repair, retired, missing since) is refused: the redo would overwrite
// what was recorded after it.
func (w *wtx) redoCheckInInStock(p CheckInPayload, a assetState) error {
	if a.status != StatusInStock {
		return conflict("%s is %s now, neither checked out nor in stock: the check-in is not redone over that; accept the server's state (tagdesk status changes it if it should)", a.tag, a.status.Label())
	}
	if p.Status == StatusMissing {
		return conflict("%s was checked in on another desk (it is in stock): it came back, so \"not returned\" is not redone; accept the server's state", a.tag)
	}
	did := false
	if p.LocationUID != "" {
		// A place given at the check-in is a choice (none given: its
		// home, as the other desk's check-in found it).
		var code string
		err := w.queryRow(`SELECT code FROM locations WHERE uid = ?`, p.LocationUID).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("%s was checked in to %s, which is not in the register (its creation was refused?): accept, or move it with tagdesk move", a.tag, orNone(p.ToLabel))
		}
		if err != nil {
			return fmt.Errorf("read location: %w", err)
		}
		moved, err := w.move(a.tag, code)
		if err != nil {
			return err
		}
		did = did || moved
	}
	if p.Status != StatusInStock {
		if err := w.setStatus(a.tag, p.Status, fmt.Sprintf("condition %s at a check-in the server refused (another desk's came first)", p.Condition)); err != nil {
			return err
		}
		did = true
	}
	if !did {
		return invalid("nothing to redo: %s is already checked in (in stock), as this check-in (condition %s) would leave it; accept the server's state", a.tag, p.Condition)
	}
	return nil
}

// laterSubjectsMost is how many of this device's events pending or after
// the cursor a pull page reads whole (laterSubjects): about a tenth of a
// second's reading. Past it, each subject is looked up alone.
const laterSubjectsMost = 20000

// laterSubjects says which subjects this device's changes pending or after
// cursor in the server's order touch: a pulled change of another desk's to
// one of them goes in the server's order (rebase), not in place. It reads
// nothing until a change asks (a page of this desk's own changes coming
// back never does, nor one after a change that marked the rebuild). It then
// reads those changes' subjects at once, as long as there are at most most
// of them; past that (a desk pulling back a push of 600k of its own
// changes), it looks each subject up alone (events_subject): reading them
// all cost a row per change at every page, under the write lock, and a
// pull of the push back was quadratic.
type laterSubjects struct {
	w      *wtx
	device string
	cursor int64
	most   int
	read   bool
	set    map[string]bool // read whole; or, past most, each subject's answer
	alone  bool            // past most: looked up per subject
}

// none reports whether no change of this device pending or after the
// cursor has subject for its subject.
func (l *laterSubjects) none(subject string) (bool, error) {
	if !l.read {
		l.read = true
		// Driven by the outbox and the log's tail, not by this device's
		// whole history: a pull page must not cost a scan of every event
		// (CROSS JOIN keeps that loop order). UNION ALL: the reading stops
		// at the limit.
		subjects, err := l.w.texts("read pending subjects", `SELECT e.subject FROM outbox o CROSS JOIN events e ON e.id = o.event_id WHERE e.device_id = ?1
			UNION ALL SELECT e.subject FROM sync_log s CROSS JOIN events e ON e.id = s.event_id WHERE s.server_seq > ?2 AND s.refused = 0 AND e.device_id = ?1
			LIMIT ?3`, l.device, l.cursor, l.most+1)
		if err != nil {
			return false, err
		}
		l.alone = len(subjects) > l.most
		l.set = make(map[string]bool, len(subjects))
		if !l.alone {
			for _, s := range subjects {
				l.set[s] = true
			}
		}
	}
	if !l.alone {
		return !l.set[subject], nil
	}
	if later, ok := l.set[subject]; ok {
		return !later, nil
	}
	var later bool
	if err := l.w.queryRow(`SELECT EXISTS (SELECT 1 FROM events e WHERE e.subject = ?1 AND e.device_id = ?2
		AND (EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id) OR EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id AND s.server_seq > ?3 AND s.refused = 0)))`,
		subject, l.device, l.cursor).Scan(&later); err != nil {
		return false, fmt.Errorf("read pending subjects: %w", err)
	}
	l.set[subject] = later
	return !later, nil
}

// laterPeopleIDs returns the identifiers (badge, employee number, username,
// email) that this device's own changes to people, pending or after cursor
// in the server's order, gave or took away.
func (w *wtx) laterPeopleIDs(device string, cursor int64) (map[string]bool, error) {
	ids := map[string]bool{}
	payloads, err := w.texts("read pending people", `SELECT e.payload FROM outbox o CROSS JOIN events e ON e.id = o.event_id WHERE e.device_id = ?1 AND e.type IN (?3, ?4)
		UNION ALL SELECT e.payload FROM sync_log s CROSS JOIN events e ON e.id = s.event_id WHERE s.server_seq > ?2 AND s.refused = 0 AND e.device_id = ?1 AND e.type IN (?3, ?4)`,
		device, cursor, string(EvPersonCreated), string(EvPersonUpdated))
	if err != nil {
		return nil, err
	}
	for _, pl := range payloads {
		var p struct {
			PersonPayload
			Changes map[string]Change `json:"changes"`
		}
		if err := json.Unmarshal([]byte(pl), &p); err != nil {
			return nil, fmt.Errorf("read pending people: %w", err)
		}
		for _, v := range []string{p.Badge, p.EmployeeNo, p.Username, p.Email} {
			ids[v] = v != ""
		}
		for _, f := range []string{"badge", "employee_number", "username", "email"} {
			if c, ok := p.Changes[f]; ok {
				ids[c.Old], ids[c.New] = c.Old != "", c.New != ""
			}
		}
	}
	delete(ids, "")
	return ids, nil
}

// offboardedAs reads how a refused offboarding took things back (the
// condition, and the place when one was given) from its own check-ins, which
// come just before it in its desk's log; an offboarding of someone who held
// nothing says nothing: in as they are (ok), to their homes.
func (w *wtx) offboardedAs(e Event) (CheckInOptions, error) {
	opt := CheckInOptions{Condition: ConditionOK}
	var reason SubjectPayload
	if err := json.Unmarshal(e.Payload, &reason); err != nil {
		return opt, fmt.Errorf("read offboarding: %w", err)
	}
	var payload string
	err := w.queryRow(`SELECT payload FROM events WHERE device_id = ? AND seq = ? AND type = ?`, e.DeviceID, e.Seq-1, string(EvAssetCheckedIn)).Scan(&payload)
	if errors.Is(err, sql.ErrNoRows) {
		return opt, nil
	}
	if err != nil {
		return opt, fmt.Errorf("read offboarding: %w", err)
	}
	var p CheckInPayload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return opt, fmt.Errorf("read offboarding: %w", err)
	}
	if p.Reason != "offboarding "+reason.Name {
		return opt, nil // another change of the desk's, not part of it
	}
	if p.Condition != "" {
		opt.Condition = p.Condition
	}
	if p.ToLabel != "" && p.LocationUID != "" {
		if err := w.queryRow(`SELECT code FROM locations WHERE uid = ?`, p.LocationUID).Scan(&opt.Location); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return opt, fmt.Errorf("read location: %w", err)
		}
	}
	return opt, nil
}

// leasedTagNumber returns the smallest number at or after n in this device's
// leased blocks, or n when the device works alone (no leases, never
// enrolled). A desk its server has enrolled makes no numbers of its own
// before it holds a lease (the lease request after the hello failed):
// another desk of the same server may be making the same ones. A desk
// that has not reached a server yet numbers its own: it cannot know.
func (w *wtx) leasedTagNumber(n int64) (int64, error) {
	var first, last int64
	err := w.queryRow(`SELECT first, last FROM sync_leases WHERE last >= ? ORDER BY first LIMIT 1`, n).Scan(&first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		var any, enrolled int
		if err := w.queryRow(`SELECT (SELECT count(*) FROM sync_leases), coalesce((SELECT enrolled FROM sync_state WHERE id = 1), 0)`).Scan(&any, &enrolled); err != nil {
			return 0, fmt.Errorf("read tag leases: %w", err)
		}
		if any == 0 && enrolled == 1 {
			return 0, conflict("this desk has no tag numbers from its server yet (another desk could be giving the same ones): sync again to lease them, or scan pre-printed tags")
		}
		if any == 0 {
			return n, nil
		}
		return 0, conflict("this device has used all its leased tag numbers; sync to lease more (a sync tops them up to 1,000), receive fewer at once, or give the tags")
	}
	if err != nil {
		return 0, fmt.Errorf("read tag leases: %w", err)
	}
	return max(n, first), nil
}

// AddLease records a block of tag numbers leased from the server.
func (db *DB) AddLease(ctx context.Context, first, last int64) error {
	if first <= 0 || last < first {
		return invalid("bad tag lease %d-%d", first, last)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO sync_leases(first, last) VALUES (?, ?)`, first, last); err != nil {
		return fmt.Errorf("save tag lease: %w", err)
	}
	return nil
}

// LeaseRemaining counts the tag numbers left in this device's leases, and
// the lowest number a new lease may start from: past the next generated
// tag and past every block this desk holds. (A server restored from a
// backup has forgotten blocks it granted since; asking above them moves
// its counter past them, so that it does not grant them again.) A number
// whose tag is taken already (another desk's, pulled: one that numbered
// its own before it enrolled) is not left: counted as left, a desk whose
// block another desk filled was never topped up, and could never give a
// tag again. The taken numbers are counted by range over the code
// indexes (takenTagNumbers), every block whole.
func (db *DB) LeaseRemaining(ctx context.Context) (remaining, from int64, err error) {
	// A read (sync status, the UI's status line): no write lock to wait
	// for (a review: sync status waited ten seconds for an import).
	err = db.read(ctx, func(w *wtx) error {
		s, err := w.tagScheme()
		if err != nil {
			return err
		}
		var leases [][2]int64
		rows, err := w.tx.QueryContext(ctx, `SELECT first, last FROM sync_leases WHERE last >= ? ORDER BY first`, s.Next)
		if err != nil {
			return fmt.Errorf("read tag leases: %w", err)
		}
		for rows.Next() {
			var l [2]int64
			if err := rows.Scan(&l[0], &l[1]); err != nil {
				rows.Close()
				return fmt.Errorf("read tag leases: %w", err)
			}
			leases = append(leases, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read tag leases: %w", err)
		}
		from = s.Next
		for _, l := range leases {
			from = max(from, l[1]+1)
			first := max(l[0], s.Next)
			if first > l[1] {
				continue
			}
			taken, err := w.takenTagNumbers(s, first, l[1])
			if err != nil {
				return err
			}
			remaining += l[1] - first + 1 - taken
		}
		return nil
	})
	return remaining, from, err
}

// takenTagNumbers counts the numbers from first to last whose tag in the
// scheme s is already a code (codeTakenQuery's: an asset's tag, a
// location's code, a badge, an employee number in any case). Numbers of
// one count of digits make tags of one length that sort as the numbers
// do, so each such run is one range read of the code indexes
// (takenRangeQuery), which finds every code that could be one of the run's
// tags; a code is counted when it is one exactly. The cost is the codes in
// the range, not the numbers: a 100,000-number lease is read at once.
func (w *wtx) takenTagNumbers(s TagScheme, first, last int64) (int64, error) {
	taken := map[int64]bool{}
	for first <= last {
		digits := max(s.Width, len(strconv.FormatInt(first, 10)))
		end := last
		if digits < 19 {
			end = min(last, pow10(digits)-1) // the last number of this many digits
		}
		// The run's tags lie from its first number's to its last one's,
		// a check character after them (below DEL).
		lo := s.Prefix + fmt.Sprintf("%0*d", digits, first)
		hi := s.Prefix + fmt.Sprintf("%0*d", digits, end) + "\x7f"
		rows, err := w.tx.QueryContext(w.ctx, takenRangeQuery, lo, hi)
		if err != nil {
			return 0, fmt.Errorf("check leased tags: %w", err)
		}
		for rows.Next() {
			var code string
			var anyCase bool
			if err := rows.Scan(&code, &anyCase); err != nil {
				rows.Close()
				return 0, fmt.Errorf("check leased tags: %w", err)
			}
			at := len(s.Prefix)
			if len(code) < at+digits {
				continue
			}
			n, err := strconv.ParseInt(code[at:at+digits], 10, 64)
			if err != nil || n < first || n > end {
				continue
			}
			if tag := s.Format(n); code == tag || anyCase && upperASCII(code) == upperASCII(tag) {
				taken[n] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, fmt.Errorf("check leased tags: %w", err)
		}
		if end == last {
			break
		}
		first = end + 1
	}
	return int64(len(taken)), nil
}

// takenRangeQuery lists the codes codeTakenQuery looks for that lie
// between ?1 and ?2, each with whether it matches in any case (an employee
// number: SQLite's upper, ASCII letters only).
const takenRangeQuery = `SELECT tag, 0 FROM assets WHERE tag BETWEEN ?1 AND ?2
	UNION ALL SELECT code, 0 FROM locations WHERE code BETWEEN ?1 AND ?2
	UNION ALL SELECT badge, 0 FROM people WHERE badge BETWEEN ?1 AND ?2
	UNION ALL SELECT employee_no, 1 FROM people WHERE upper(employee_no) BETWEEN upper(?1) AND upper(?2)`

// pow10 is 10 to the power d (d at most 18).
func pow10(d int) int64 {
	p := int64(1)
	for range d {
		p *= 10
	}
	return p
}

// SyncStatus is what `tagdesk sync status` and the TUI's status line show.
type SyncStatus struct {
	Configured bool   `json:"configured"`
	Server     string `json:"server"`
	DeviceID   string `json:"device_id"`
	Enrolled   bool   `json:"enrolled"`
	Online     bool   `json:"online"`
	// Failed says the last sync failed for another reason than reaching
	// the server (it answered no, or the desk's own work failed): the
	// link may well be up.
	Failed         bool      `json:"failed"`
	Epoch          string    `json:"epoch"`
	Cursor         int64     `json:"cursor"`
	Pending        int       `json:"pending"`
	OldestPending  time.Time `json:"oldest_pending,omitzero"`
	LastPushOK     time.Time `json:"last_push_ok,omitzero"`
	LastPullOK     time.Time `json:"last_pull_ok,omitzero"`
	LastSuccess    time.Time `json:"last_success,omitzero"`
	LastAttempt    time.Time `json:"last_attempt,omitzero"`
	LastError      string    `json:"last_error,omitempty"`
	Refusals       []Refusal `json:"refusals"`
	Unapplied      int       `json:"unapplied"`
	LeaseRemaining int64     `json:"lease_remaining"`
	Watchdog       string    `json:"watchdog"`
	Stalled        bool      `json:"stalled"`
	Problems       []string  `json:"problems"`
}

// Status summarises sync for people: pending work, the last success,
// refusals needing attention, and the watchdog (F4: a stuck queue is shown).
func (db *DB) Status(ctx context.Context) (SyncStatus, error) {
	st, err := db.SyncState(ctx)
	if err != nil {
		return SyncStatus{}, err
	}
	out := SyncStatus{Configured: st.Server != "", Server: st.Server, DeviceID: db.deviceID, Enrolled: st.Enrolled, Epoch: st.Epoch, Cursor: st.Cursor,
		LastPushOK: st.LastPushOK, LastPullOK: st.LastPullOK, LastAttempt: st.LastAttempt, LastError: st.LastError, Watchdog: st.Watchdog.String(),
		Refusals: []Refusal{}, Problems: []string{}}
	out.Online = st.Server != "" && !st.LastAttempt.IsZero() && st.LastError == ""
	out.Failed = st.LastError != "" && !strings.HasPrefix(st.LastError, UnreachablePrefix)
	out.LastSuccess = st.LastPullOK
	if st.LastPushOK.After(out.LastSuccess) {
		out.LastSuccess = st.LastPushOK
	}
	var oldest sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), min(e.at) FROM outbox o JOIN events e ON e.id = o.event_id`).Scan(&out.Pending, &oldest); err != nil {
		return out, fmt.Errorf("count pending: %w", err)
	}
	out.OldestPending = parseTime(oldest.String)
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sync_unapplied`).Scan(&out.Unapplied); err != nil {
		return out, fmt.Errorf("count unapplied: %w", err)
	}
	if out.Refusals, err = db.Refusals(ctx, false); err != nil {
		return out, err
	}
	if out.Refusals == nil {
		out.Refusals = []Refusal{}
	}
	if out.LeaseRemaining, _, err = db.LeaseRemaining(ctx); err != nil {
		return out, err
	}
	now := db.now()
	if out.Pending > 0 && st.Watchdog > 0 && now.Sub(out.OldestPending) > st.Watchdog && (st.LastPushOK.IsZero() || now.Sub(st.LastPushOK) > st.Watchdog) {
		out.Stalled = true
		since := "never pushed"
		if !st.LastPushOK.IsZero() {
			since = "last successful push " + st.LastPushOK.UTC().Format(time.RFC3339)
		}
		msg := fmt.Sprintf("%d event(s) waiting to sync for more than %s (%s)", out.Pending, st.Watchdog, since)
		if st.Server == "" {
			msg += "; no sync server configured: run tagdesk sync --server URL --token T"
		} else if st.LastError != "" {
			msg += "; last error: " + st.LastError
		}
		out.Problems = append(out.Problems, msg)
	}
	if len(out.Refusals) > 0 {
		out.Problems = append(out.Problems, fmt.Sprintf("%d change(s) refused by the server need attention: tagdesk sync resolve ID --accept|--redo", len(out.Refusals)))
	}
	if out.Unapplied > 0 {
		out.Problems = append(out.Problems, fmt.Sprintf("%d pending change(s) clash with changes from other desks; the server will decide at the next sync", out.Unapplied))
	}
	if st.NeedsRebuild {
		out.Problems = append(out.Problems, "the local view is being rebased on the server's changes; run tagdesk sync")
	}
	return out, nil
}
