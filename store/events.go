package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EventType names what happened. Events are domain verbs, not row diffs.
type EventType string

// Event types.
const (
	EvManufacturerCreated EventType = "manufacturer.created"
	EvCategoryCreated     EventType = "category.created"
	EvSupplierCreated     EventType = "supplier.created"
	EvModelCreated        EventType = "model.created"
	EvLocationCreated     EventType = "location.created"
	EvLocationUpdated     EventType = "location.updated"
	EvPersonCreated       EventType = "person.created"
	EvPersonUpdated       EventType = "person.updated"
	EvPersonOffboarded    EventType = "person.offboarded"
	EvPersonReactivated   EventType = "person.reactivated"
	EvPOCreated           EventType = "po.created"
	EvFieldDefined        EventType = "field.defined"
	EvAssetReceived       EventType = "asset.received"
	EvAssetCheckedOut     EventType = "asset.checked_out"
	EvAssetCheckedIn      EventType = "asset.checked_in"
	EvAssetMoved          EventType = "asset.moved"
	EvAssetUpdated        EventType = "asset.updated"
	EvAssetStatus         EventType = "asset.status_changed"
	EvAssetRetired        EventType = "asset.retired"
	EvAssetDisposed       EventType = "asset.disposed"
)

// genesisHash is the previous hash of a device's first event.
const genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// HashEvent computes an event's hash: SHA-256 over its previous hash and every
// field, each on its own line. Changing any byte of any event breaks the chain
// from that event on.
func HashEvent(e Event) string {
	h := sha256.New()
	for _, s := range []string{
		e.PrevHash, e.DeviceID, strconv.FormatInt(e.Seq, 10), e.Operator,
		timestamp(e.At), string(e.Type), e.Subject,
	} {
		h.Write([]byte(s))
		h.Write([]byte{'\n'})
	}
	h.Write(e.Payload)
	return hex.EncodeToString(h.Sum(nil))
}

// wtx is one write transaction: every mutation runs inside one, applies its
// events to the current-state tables and appends them to the log.
type wtx struct {
	ctx        context.Context
	db         *DB
	tx         *sql.Tx
	operator   string
	at         time.Time
	stmts      map[string]*sql.Stmt
	heads      map[string]chainHead
	outbox     bool
	emitted    []Event
	readOnly   bool
	unprepared []string
	// receipts, when not nil, collects plain received assets for one
	// multi-row INSERT (receipts.go): a pulled page's or a pushed batch's
	// fast run only.
	receipts *receiptRows
	// noIndex skips the per-asset search index updates; the caller rebuilds
	// asset_fts in bulk before committing (the demo builder does), or the
	// database keeps no search documents (Options.NoSearch).
	noIndex bool
	// deferEvents holds the rows of appended events back (deferred) for
	// flushDeferred to store in bulk; set by a large mutation that reads
	// no events while it runs (an import). finishTx flushes what is left.
	deferEvents bool
	deferred    []Event
	// tally, when not nil, counts the deferred events by type once they
	// are stored, instead of keeping them in emitted, and they are stored
	// deferChunk at a time: an import of a million rows does not hold its
	// events (a few hundred bytes each) until the end.
	tally map[EventType]int
	// siteChecked: restateSite has run in this transaction (once per
	// transaction: another process may have changed the setting, or a
	// rebuild the statements, since the last one).
	siteChecked bool
	// peeked is the state of asset peekedUID that assetByTag has just read,
	// for the apply that usually follows to take instead of reading it
	// again; any write (exec) forgets it.
	peeked    *assetState
	peekedUID string
	// dirty holds the assets whose search documents flushIndex rebuilds
	// before commit (true: inserted in this transaction).
	dirty map[int64]bool
	// ids remembers the ids idOf found (table, NUL, uid) and the custom
	// fields defined. A uid's id never changes once its row exists; a
	// partial rollback (ROLLBACK TO a savepoint) clears it, since a row it
	// names may be gone. The demo builder shares one map across transactions.
	ids map[string]int64
	// reserved holds codes a location made from a name must not take: the
	// tags and badges of the file an import is performing, not yet stored.
	reserved map[string]bool
	// spaced are the entries of each table stored with runs of spaces in
	// their names, before names were kept with one: read once a
	// transaction (spacedRows).
	spaced map[string][]spacedRow
}

type chainHead struct {
	seq  int64
	hash string
}

// newWtx starts the state of one mutation inside tx.
func (db *DB) newWtx(ctx context.Context, tx *sql.Tx, stmts map[string]*sql.Stmt, heads map[string]chainHead) *wtx {
	op := db.Operator()
	if op == "" {
		op = "unknown"
	}
	return &wtx{ctx: ctx, db: db, tx: tx, operator: op, at: db.now().UTC(), stmts: stmts, heads: heads, outbox: true, ids: map[string]int64{}, noIndex: db.noSearch}
}

// writeHeads records the chain heads a transaction moved.
func writeHeads(w *wtx, heads map[string]chainHead) error {
	for dev, h := range heads {
		if _, err := w.exec(`INSERT INTO chain_heads(device_id, seq, hash) VALUES (?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`, dev, h.seq, h.hash); err != nil {
			return err
		}
	}
	return nil
}

// writeOne runs fn in one immediate transaction of its own. Events emitted
// by fn are appended, and this device's ones queued for sync, in the same
// transaction.
func (db *DB) writeOne(ctx context.Context, fn func(w *wtx) error) ([]Event, error) {
	return db.writeOneWith(ctx, false, fn)
}

// writeOneWith is writeOne; relaxed commits without waiting for the disk
// (writeRelaxed). SQLite changes the synchronous level only outside a
// transaction, so the writer connection is held from the PRAGMA to the
// one that puts the level back: nothing else can commit on it meanwhile.
// A connection whose level cannot be put back is discarded.
func (db *DB) writeOneWith(ctx context.Context, relaxed bool, fn func(w *wtx) error) ([]Event, error) {
	var conn *sql.Conn
	if relaxed {
		var err error
		if conn, err = db.w.Conn(ctx); err != nil {
			return nil, fmt.Errorf("writer: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
			conn.Close()
			return nil, fmt.Errorf("relax commit: %w", err)
		}
	}
	var tx *sql.Tx
	var err error
	if conn != nil {
		tx, err = conn.BeginTx(ctx, nil)
	} else {
		tx, err = db.w.BeginTx(ctx, nil)
	}
	var w *wtx
	restored := conn == nil
	defer func() {
		if tx != nil {
			tx.Rollback() // a no-op after Commit; frees the writer after a panic
		}
		if w != nil {
			for _, s := range w.stmts {
				s.Close()
			}
		}
		if conn != nil {
			if !restored {
				db.restoreSync(ctx, conn)
			}
			conn.Close()
		}
		if w != nil {
			db.prepare(ctx, w.unprepared) // on the writer, back in the pool
		}
	}()
	if err != nil {
		tx = nil
		return nil, beginErr(err)
	}
	w = db.newWtx(ctx, tx, map[string]*sql.Stmt{}, map[string]chainHead{})
	if err := fn(w); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := w.flushIndex(); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := db.finishTx(w); err != nil {
		tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	if conn != nil {
		restored = true
		if err := db.restoreSync(ctx, conn); err != nil {
			return nil, err // committed, but say so: the writer was replaced
		}
	}
	return w.emitted, nil
}

// restoreSync puts the writer connection conn back to the database's
// synchronous level, or discards it (the pool opens a new one, with the
// level from its DSN): a relaxed connection must never commit desk work.
func (db *DB) restoreSync(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = `+db.syncMode)
	if err == nil {
		return nil
	}
	conn.Raw(func(any) error { return driver.ErrBadConn })
	return fmt.Errorf("restore durable commits: %w", err)
}

// finishTx writes what every write transaction ends with: the chain heads
// it moved and, on a database that keeps no search documents, the mark
// that says so (a desk opening the file rebuilds the index; marked in the
// transaction, so a desk that opened the file in between cannot miss it).
func (db *DB) finishTx(w *wtx) error {
	if err := w.flushDeferred(); err != nil {
		return err
	}
	if err := writeHeads(w, w.heads); err != nil {
		return err
	}
	if db.noSearch {
		if _, err := w.exec(`INSERT OR IGNORE INTO settings(key, value) VALUES ('` + settingNoSearch + `', '1')`); err != nil {
			return err
		}
	}
	return nil
}

// texts runs query (prepared once per transaction) and returns the text
// column its rows give, in order; what names the look-up in an error.
func (w *wtx) texts(what, query string, args ...any) ([]string, error) {
	st, err := w.prepared(query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(w.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func (w *wtx) prepared(query string) (*sql.Stmt, error) {
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	if !w.readOnly {
		if base := w.db.cachedStmt(query); base != nil {
			s := w.tx.StmtContext(w.ctx, base)
			w.stmts[query] = s
			return s, nil
		}
	}
	// Not prepared on the writer connection yet. The transaction holds that
	// connection, so prepare on the transaction now and on the connection
	// once the transaction is over.
	s, err := w.tx.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	w.stmts[query] = s
	if !w.readOnly {
		w.unprepared = append(w.unprepared, query)
	}
	return s, nil
}

func (w *wtx) exec(query string, args ...any) (sql.Result, error) {
	w.peeked = nil
	s, err := w.prepared(query)
	if err != nil {
		return nil, err
	}
	res, err := s.ExecContext(w.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", firstWords(query), err)
	}
	return res, nil
}

type scanner interface{ Scan(...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (w *wtx) queryRow(query string, args ...any) scanner {
	s, err := w.prepared(query)
	if err != nil {
		return errRow{err}
	}
	return s.QueryRowContext(w.ctx, args...)
}

func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 3 {
		f = f[:3]
	}
	return strings.ToLower(strings.Join(f, " "))
}

func (w *wtx) head(device string) (chainHead, error) {
	if h, ok := w.heads[device]; ok {
		return h, nil
	}
	h := chainHead{hash: genesisHash}
	err := w.queryRow(`SELECT seq, hash FROM chain_heads WHERE device_id = ?`, device).Scan(&h.seq, &h.hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("read chain head: %w", err)
	}
	return h, nil
}

// emit validates and applies a new event of this device, then appends it.
func (w *wtx) emit(typ EventType, subject string, payload any) error {
	if w.readOnly {
		return fmt.Errorf("emit %s in a read transaction", typ)
	}
	e, err := w.newEvent(typ, subject, payload)
	if err != nil {
		return err
	}
	return w.append(e)
}

// PayloadVersion is the version of the event payloads this build writes
// and reads, and of how it applies them. A build refuses a payload field it
// does not know (decode), and one that applies an event differently would
// leave its state apart from the server's, so a sync server must be at
// least as new as its desks: the server says its version in its hello, and
// a desk newer than its server, or a server newer than its desk, stops
// before exchanging events, saying which to upgrade.
//
//	1: the first.
//	2: labels for history (a receipt's location_label and imported, a
//	   check-in's to_label and reason, a move's with, an offboarding's
//	   name), a stocktake finish's away and with_parent (2026-11-27).
//	3: a person created again (the same name and identifiers, on another
//	   desk) merges into the first, as catalogue entries do (2026-11-28).
//	4: device.site, a desk's statement of where it is, so that the
//	   history says where each change was made (2026-11-28).
//	5: person.reactivated, an offboarding undone; a check-in's condition
//	   "missing", for what did not come back; a check-out's since may be a
//	   moment (RFC 3339), an import's check-out time (2026-11-28).
//	6: an update's old_label and new_label, naming the entries a
//	   reference field (model, supplier, a home location) pointed to and
//	   points to, for history (2026-11-28).
//	7: location.updated, a location renamed or moved in the tree
//	   (2026-11-28).
//	8: withdrawn before it was released (a duplicate check-out applied as
//	   agreeing, a stocktake scan classified by custody read at apply);
//	   builds that have it refuse to sync with later ones, and a database
//	   one of them wrote is not supported (its verify may differ).
//	9: a stocktake scan's with, the person the scanning desk had the
//	   asset checked out to: an expected asset lent since the count began
//	   is unexpected, not found (2026-11-28).
const PayloadVersion = 9

// MaxPayloadBytes is the largest payload an event may have: what the sync
// protocol carries. A stocktake's start lists its expected assets' uids
// (about 23 bytes each): a count of up to about 180,000 assets.
const MaxPayloadBytes = 4 << 20

// newEvent makes the device's next event, chained and hashed, without
// applying or storing it.
func (w *wtx) newEvent(typ EventType, subject string, payload any) (Event, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Event{}, fmt.Errorf("encode %s: %w", typ, err)
	}
	if len(body) > MaxPayloadBytes {
		// It could never reach the server: refused here, with nothing
		// changed, rather than stuck at the head of the outbox.
		if typ == EvStocktakeStarted {
			return Event{}, invalid("a count of this many assets is too big to sync as one (%d kB, at most %d kB): count the locations under it one at a time", len(body)>>10, MaxPayloadBytes>>10)
		}
		return Event{}, invalid("this change is too big to sync (%d kB, at most %d kB)", len(body)>>10, MaxPayloadBytes>>10)
	}
	if err := checkText(w.operator, payload, body); err != nil {
		return Event{}, err
	}
	if mayHoldEscape(body) {
		// What checkText let through is text copied from what is stored
		// (text:"copied"): a name an early tagdesk stored with a terminal
		// escape. The server refuses any escape (a forged one would reach
		// every desk), so the copy carries U+FFFD in its place, and the
		// change is not held back for good.
		body = defuseEscapes(body)
	}
	if typ != EvDeviceSite && !w.siteChecked {
		w.siteChecked = true
		if err := w.restateSite(); err != nil {
			return Event{}, err
		}
	}
	dev := w.db.deviceID
	h, err := w.head(dev)
	if err != nil {
		return Event{}, err
	}
	e := Event{DeviceID: dev, Seq: h.seq + 1, Operator: w.operator, At: w.at, Type: typ, Subject: subject, Payload: body, PrevHash: h.hash}
	e.Hash = HashEvent(e)
	return e, nil
}

// deferApplied holds back e, a new event of this device (newEvent) whose
// effect on the state tables the caller has made itself, as append does
// with deferEvents set.
func (w *wtx) deferApplied(e Event) error {
	if !w.deferEvents || e.DeviceID != w.db.deviceID {
		return Errorf(EINTERNAL, "event %s applied by its caller outside a deferring transaction", e.UID())
	}
	h, err := w.head(e.DeviceID)
	if err != nil {
		return err
	}
	if e.Seq != h.seq+1 || e.PrevHash != h.hash {
		return Errorf(EINTERNAL, "event %s does not continue its device's chain (have seq %d)", e.UID(), h.seq)
	}
	w.heads[e.DeviceID] = chainHead{seq: e.Seq, hash: e.Hash}
	w.deferred = append(w.deferred, e)
	return w.flushDeferredChunk()
}

// append applies e to the state tables and stores it, extending its device's chain.
func (w *wtx) append(e Event) error {
	h, err := w.head(e.DeviceID)
	if err != nil {
		return err
	}
	if e.Seq != h.seq+1 || e.PrevHash != h.hash {
		return invalid("event %s does not continue its device's chain (have seq %d)", e.UID(), h.seq)
	}
	if HashEvent(e) != e.Hash {
		return invalid("event %s: hash does not match its contents", e.UID())
	}
	if err := w.apply(e); err != nil {
		return err
	}
	if w.deferEvents {
		w.heads[e.DeviceID] = chainHead{seq: e.Seq, hash: e.Hash}
		w.deferred = append(w.deferred, e)
		return w.flushDeferredChunk()
	}
	res, err := w.exec(`INSERT INTO events(device_id, seq, operator, at, type, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.DeviceID, e.Seq, e.Operator, timestamp(e.At), string(e.Type), e.Subject, string(e.Payload), e.PrevHash, e.Hash)
	if err != nil {
		return damagedLog(err)
	}
	e.ID, _ = res.LastInsertId()
	if w.outbox && e.DeviceID == w.db.deviceID {
		if _, err := w.exec(`INSERT INTO outbox(event_id) VALUES (?)`, e.ID); err != nil {
			return damagedLog(err)
		}
	}
	w.heads[e.DeviceID] = chainHead{seq: e.Seq, hash: e.Hash}
	w.emitted = append(w.emitted, e)
	return nil
}

// damagedLog says what a constraint failing as an event is appended means:
// the log was changed by hand (its last event removed, its chain head
// left), not SQLite's words.
func damagedLog(err error) error {
	if isConstraint(err) {
		return Errorf(EINTERNAL, "the event log is damaged (an event removed or changed by hand?): run tagdesk verify (%v)", err)
	}
	return err
}

const eventColumns = `id, device_id, seq, operator, at, type, subject, payload, prev_hash, hash`

func scanEvent(sc scanner) (Event, error) {
	var e Event
	var at, typ, payload string
	if err := sc.Scan(&e.ID, &e.DeviceID, &e.Seq, &e.Operator, &at, &typ, &e.Subject, &payload, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return e, fmt.Errorf("event %d: bad time %q: %w", e.ID, at, err)
	}
	e.At, e.Type, e.Payload = t, EventType(typ), json.RawMessage(payload)
	return e, nil
}

// History returns the events about an entity (by uid), oldest first.
//
// The order is the one the state follows (the projection, sync.go): the
// events the sync server has ordered in its order, the same on every desk,
// then this desk's others. An event the server refused is marked: it is
// kept (history is evidence) but changed nothing.
func (db *DB) History(ctx context.Context, subject string) ([]Event, error) {
	sites, err := db.siteBook(ctx)
	if err != nil {
		return nil, err
	}
	// An asset's history has its counts too: each scan of it in a
	// stocktake (an event of the count, found by the scans the count
	// keeps), named by the count's location. A count the asset was only
	// expected in says so by the audit at its finish.
	rows, err := db.r.QueryContext(ctx, `SELECT id, device_id, seq, operator, at, type, subject, payload, prev_hash, hash, named, refused FROM (
		SELECT e.id, e.device_id, e.seq, e.operator, e.at, e.type, e.subject, e.payload, e.prev_hash, e.hash, '' AS named,
			coalesce(s.refused, 0) AS refused, s.server_seq AS server_seq
		FROM events e LEFT JOIN sync_log s ON s.event_id = e.id WHERE e.subject = ?1
		UNION ALL
		SELECT e.id, e.device_id, e.seq, e.operator, e.at, e.type, e.subject, e.payload, e.prev_hash, e.hash,
			coalesce((SELECT l.code FROM locations l WHERE l.id = st.location_id), ''), coalesce(s.refused, 0), s.server_seq
		FROM stocktakes st JOIN events e ON e.subject = st.uid AND e.type = 'stocktake.scanned' LEFT JOIN sync_log s ON s.event_id = e.id
		WHERE st.id IN (SELECT sc.stocktake_id FROM stocktake_scans sc WHERE sc.asset_id = (SELECT a.id FROM assets a WHERE a.uid = ?1))
			AND json_extract(e.payload, '$.asset') = ?1)
		ORDER BY server_seq IS NULL, server_seq, id`, subject)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var refused int
		var named string
		e, err := scanEvent(namedScanner{rows, &named, &refused})
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		e.Refused, e.Site, e.Named = refused == 1, sites.site(e.DeviceID, e.Seq), named
		out = append(out, e)
	}
	return out, rows.Err()
}

// refusedScanner scans an event's columns and then its refused flag.
type refusedScanner struct {
	sc      scanner
	refused *int
}

func (r refusedScanner) Scan(dest ...any) error { return r.sc.Scan(append(dest, r.refused)...) }

// namedSQL names the subject of an event of e whose payload does not: a
// person by the name they had then (the name a rename at or after the
// event replaced, a rename the server refused aside; else today's), a
// count by its location's code, an order by its number (asked only of
// those types: a million events are not each looked up). Times compare
// as instants (julianday): as text, a time with a fraction sorts before
// the same second without one.
const namedSQL = `CASE WHEN e.type IN ('person.updated', 'person.offboarded', 'person.reactivated') THEN coalesce((
		SELECT json_extract(r.payload, '$.changes.name.old') FROM events r
		WHERE r.subject = e.subject AND r.type = 'person.updated' AND json_extract(r.payload, '$.changes.name') IS NOT NULL
			AND (julianday(r.at) > julianday(e.at) OR (julianday(r.at) = julianday(e.at) AND r.id >= e.id))
			AND NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.event_id = r.id AND l.refused = 1)
		ORDER BY julianday(r.at), r.id LIMIT 1), (SELECT name FROM people WHERE uid = e.subject), '')
	WHEN e.type IN ('stocktake.started', 'stocktake.scanned', 'stocktake.finished') THEN coalesce((SELECT l.code FROM stocktakes s2 JOIN locations l ON l.id = s2.location_id WHERE s2.uid = e.subject), '')
	WHEN e.type = 'po.created' THEN coalesce((SELECT number FROM purchase_orders WHERE uid = e.subject), '')
	ELSE '' END`

// namedScanner scans an event's columns, then namedSQL's and the refused
// flag.
type namedScanner struct {
	sc      scanner
	named   *string
	refused *int
}

func (r namedScanner) Scan(dest ...any) error { return r.sc.Scan(append(dest, r.named, r.refused)...) }

// timeBound is an instant as a bound on stored times (timestamp's text,
// compared as text): without its zone letter, so that a time in the same
// second with a fraction (…00:00:00.4Z, which sorts before …00:00:00Z)
// falls on the right side of it.
func timeBound(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// EachEvent calls fn for every event with at in [from, to) (zero times mean
// unbounded, and bounds are whole seconds), in log order, each with its
// site and whether the sync server refused it.
func (db *DB) EachEvent(ctx context.Context, from, to time.Time, fn func(Event) error) error {
	where := ``
	var args []any
	if !from.IsZero() {
		where += ` AND e.at >= ?`
		args = append(args, timeBound(from))
	}
	if !to.IsZero() {
		where += ` AND e.at < ?`
		args = append(args, timeBound(to))
	}
	sites, err := db.siteBook(ctx)
	if err != nil {
		return err
	}
	// In the server's order, as every desk and the asset's history tell it
	// (a change refused comes after the one that won), then this desk's
	// changes the server has not confirmed yet, as made. (In the order each
	// desk received events, two desks' reports of one log differed.) One
	// read transaction: an event confirmed between the two is in one.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		`SELECT ` + prefixCols("e") + `, ` + namedSQL + `, s.refused FROM sync_log s JOIN events e ON e.id = s.event_id WHERE 1=1` + where + ` ORDER BY s.server_seq`,
		`SELECT ` + prefixCols("e") + `, ` + namedSQL + `, 0 FROM events e WHERE NOT EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id)` + where + ` ORDER BY e.id`,
	} {
		if err := eachEventOf(ctx, tx, sites, q, args, fn); err != nil {
			return err
		}
	}
	return nil
}

// eachEventOf calls fn for each event query q selects (prefixCols and the
// refused flag).
func eachEventOf(ctx context.Context, tx *sql.Tx, sites siteBook, q string, args []any, fn func(Event) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var refused int
		var named string
		e, err := scanEvent(namedScanner{rows, &named, &refused})
		if err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		e.Refused, e.Site, e.Named = refused == 1, sites.site(e.DeviceID, e.Seq), named
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PendingEvents counts this device's events not yet acknowledged by a server.
func (db *DB) PendingEvents(ctx context.Context) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}
