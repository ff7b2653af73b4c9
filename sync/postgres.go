package sync

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	gosync "sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tagdesk/tagdesk/store"
)

// PostgreSQL backend. PostgreSQL holds the durable, authoritative log
// (tagdesk_log: every event with its server_seq and answer), the tokens and
// the leases. Pushes are serialised across every server process with
// pg_advisory_xact_lock, so server_seq is assigned in commit order and a
// pull by `server_seq > cursor` never skips a row committed late (F11).
// Each process validates with the same Go code against a local SQLite
// projection (a store.DB in the cache folder) that it catches up from the
// log under the lock before each batch, and rebuilds at start.

// pushLock is the advisory lock key serialising pushes and leases.
const pushLock = 0x7461_6764 // "tagd"

const pgSchema = `
CREATE TABLE IF NOT EXISTS tagdesk_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS tagdesk_tokens (
	name text PRIMARY KEY, hash text NOT NULL UNIQUE, device_id text UNIQUE,
	created_at text NOT NULL, revoked_at text NOT NULL DEFAULT '');
ALTER TABLE tagdesk_tokens ADD COLUMN IF NOT EXISTS revoked_device text NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS tagdesk_log (
	server_seq bigint PRIMARY KEY,
	device_id text NOT NULL, seq bigint NOT NULL, operator text NOT NULL, at text NOT NULL,
	type text NOT NULL, subject text NOT NULL, payload text NOT NULL, prev_hash text NOT NULL, hash text NOT NULL,
	refused boolean NOT NULL, status text NOT NULL, code text NOT NULL DEFAULT '', reason text NOT NULL DEFAULT '',
	winner text NOT NULL DEFAULT '',
	UNIQUE (device_id, seq));
CREATE TABLE IF NOT EXISTS tagdesk_leases (first bigint PRIMARY KEY, last bigint NOT NULL, device_id text NOT NULL, at text NOT NULL);
`

// PostgresOptions tune the PostgreSQL backend.
type PostgresOptions struct {
	CacheDir string // where the local SQLite projection lives (default: the system's temp folder)
	NewEpoch bool   // start a new epoch (after restoring PostgreSQL from a backup)
}

// PostgresBackend is the server's storage on PostgreSQL.
type PostgresBackend struct {
	pool  *pgxpool.Pool
	epoch string

	mu    gosync.Mutex // the projection is used by one push at a time
	cache *store.DB
}

// OpenPostgres connects, creates the tables if needed, and rebuilds or
// catches up the local projection.
func OpenPostgres(ctx context.Context, url string, opt PostgresOptions) (*PostgresBackend, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	b := &PostgresBackend{pool: pool}
	if err := b.init(ctx, opt); err != nil {
		pool.Close()
		if b.cache != nil {
			b.cache.Close()
		}
		return nil, err
	}
	return b, nil
}

func (b *PostgresBackend) init(ctx context.Context, opt PostgresOptions) error {
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pushLock); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if _, err := tx.Exec(ctx, pgSchema); err != nil {
		return fmt.Errorf("create tables: %w", err)
	}
	err = tx.QueryRow(ctx, `SELECT value FROM tagdesk_meta WHERE key = 'epoch'`).Scan(&b.epoch)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("read epoch: %w", err)
	}
	if b.epoch == "" || opt.NewEpoch {
		b.epoch = "E" + strconv.FormatInt(time.Now().UnixNano(), 36) + store.NewToken()[4:14]
		if _, err := tx.Exec(ctx, `INSERT INTO tagdesk_meta(key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, b.epoch); err != nil {
			return fmt.Errorf("write epoch: %w", err)
		}
	}
	var head int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(server_seq), 0) FROM tagdesk_log`).Scan(&head); err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	dir := opt.CacheDir
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "pg-projection-"+b.epoch+".db")
	if b.cache, err = store.Open(ctx, path, store.Options{Operator: "server", Unsafe: true, NoSearch: true}); err != nil {
		return fmt.Errorf("open projection: %w", err)
	}
	// A projection ahead of PostgreSQL (a restored database with the same
	// epoch) is rebuilt from scratch.
	if ch, err := b.cache.ServerHead(ctx); err != nil {
		return err
	} else if ch > head {
		b.cache.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		if b.cache, err = store.Open(ctx, path, store.Options{Operator: "server", Unsafe: true, NoSearch: true}); err != nil {
			return fmt.Errorf("open projection: %w", err)
		}
	}
	if err := b.cache.MarkServerProjection(ctx); err != nil {
		return err
	}
	return b.catchUp(ctx, b.pool)
}

type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// catchUp applies the log entries the projection lacks.
func (b *PostgresBackend) catchUp(ctx context.Context, q pgQuerier) error {
	for {
		head, err := b.cache.ServerHead(ctx)
		if err != nil {
			return err
		}
		entries, _, err := b.readLog(ctx, q, head, 2000, 0)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		if err := b.cache.ServerIngest(ctx, entries); err != nil {
			return fmt.Errorf("catch up the projection: %w", err)
		}
	}
}

const logColumns = `server_seq, device_id, seq, operator, at, type, subject, payload, prev_hash, hash, refused, status, code, reason, winner`

// readLog reads up to limit log entries after a server_seq; with maxBytes
// above 0 it stops before the payloads read pass it (keeping at least one)
// and reports that it did.
func (b *PostgresBackend) readLog(ctx context.Context, q pgQuerier, after int64, limit, maxBytes int) ([]store.LogEntry, bool, error) {
	rows, err := q.Query(ctx, `SELECT `+logColumns+` FROM tagdesk_log WHERE server_seq > $1 ORDER BY server_seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, false, fmt.Errorf("read log: %w", err)
	}
	defer rows.Close()
	var out []store.LogEntry
	size := 0
	for rows.Next() {
		if maxBytes > 0 && len(out) > 0 && size > maxBytes {
			return out, true, nil
		}
		var le store.LogEntry
		var w WireEvent
		var winner string
		if err := rows.Scan(&le.Change.ServerSeq, &w.DeviceID, &w.Seq, &w.Operator, &w.At, &w.Type, &w.Subject, &w.Payload, &w.PrevHash, &w.Hash,
			&le.Change.Refused, &le.Result.Status, &le.Result.Code, &le.Result.Reason, &winner); err != nil {
			return nil, false, fmt.Errorf("read log: %w", err)
		}
		size += len(w.Payload)
		e, err := FromWire(w)
		if err != nil {
			return nil, false, fmt.Errorf("log entry %d: %w", le.Change.ServerSeq, err)
		}
		le.Change.Event = e
		le.Result.Seq, le.Result.ServerSeq = e.Seq, le.Change.ServerSeq
		if winner != "" {
			var win store.Winner
			if json.Unmarshal([]byte(winner), &win) == nil {
				le.Result.Winner = &win
			}
		}
		out = append(out, le)
	}
	return out, false, rows.Err()
}

// StateDB is the local projection (for verify and tests).
func (b *PostgresBackend) StateDB() *store.DB { return b.cache }

// Epoch implements Backend.
func (b *PostgresBackend) Epoch(ctx context.Context) (string, error) { return b.epoch, nil }

// Push implements Backend: under the advisory lock, catch the projection up,
// validate and apply there, insert the new log entries into PostgreSQL and
// commit it, then commit the projection.
func (b *PostgresBackend) Push(ctx context.Context, device string, events []store.Event, queued func()) (store.PushReply, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return store.PushReply{}, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pushLock); err != nil {
		return store.PushReply{}, fmt.Errorf("lock: %w", err)
	}
	if err := b.catchUp(ctx, tx); err != nil {
		return store.PushReply{}, err
	}
	committed := false
	// queued: the next batch may come in once this one is in the cache's
	// queue; it then waits for the lock this one holds.
	reply, err := b.cache.ServerPushWith(ctx, device, events, store.PushHooks{Queued: queued, BeforeCommit: func(entries []store.LogEntry) error {
		rows := make([][]any, len(entries))
		for i, le := range entries {
			w := ToWire(le.Change.Event)
			winner := ""
			if le.Result.Winner != nil {
				bs, _ := json.Marshal(le.Result.Winner)
				winner = string(bs)
			}
			rows[i] = []any{le.Change.ServerSeq, w.DeviceID, w.Seq, w.Operator, w.At, w.Type, w.Subject, w.Payload, w.PrevHash, w.Hash,
				le.Change.Refused, le.Result.Status, le.Result.Code, le.Result.Reason, winner}
		}
		cols := []string{"server_seq", "device_id", "seq", "operator", "at", "type", "subject", "payload", "prev_hash", "hash", "refused", "status", "code", "reason", "winner"}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tagdesk_log"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("write log: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit log: %w", err)
		}
		committed = true
		return nil
	}})
	if err != nil && committed {
		// PostgreSQL has the batch, the projection does not: the next push
		// catches it up, and the client's retry gets the stored answers.
		return store.PushReply{}, fmt.Errorf("projection behind PostgreSQL: %w", err)
	}
	return reply, err
}

// HighWater implements Backend.
func (b *PostgresBackend) HighWater(ctx context.Context, device string) (int64, error) {
	var hw int64
	if err := b.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM tagdesk_log WHERE device_id = $1`, device).Scan(&hw); err != nil {
		return 0, fmt.Errorf("read high water: %w", err)
	}
	return hw, nil
}

// Head implements Backend.
func (b *PostgresBackend) Head(ctx context.Context) (int64, error) {
	var h int64
	if err := b.pool.QueryRow(ctx, `SELECT coalesce(max(server_seq), 0) FROM tagdesk_log`).Scan(&h); err != nil {
		return 0, fmt.Errorf("read head: %w", err)
	}
	return h, nil
}

// HashAt implements Backend.
func (b *PostgresBackend) HashAt(ctx context.Context, serverSeq int64) (string, error) {
	var hash string
	err := b.pool.QueryRow(ctx, `SELECT hash FROM tagdesk_log WHERE server_seq = $1`, serverSeq).Scan(&hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the log at %d: %w", serverSeq, err)
	}
	return hash, nil
}

// Pull implements Backend.
func (b *PostgresBackend) Pull(ctx context.Context, cursor int64, limit int) ([]store.PulledChange, int64, bool, error) {
	entries, cut, err := b.readLog(ctx, b.pool, cursor, limit+1, MaxPullBytes)
	if err != nil {
		return nil, cursor, false, err
	}
	more := cut || len(entries) > limit
	if len(entries) > limit { // (a page cut for size holds fewer)
		entries = entries[:limit]
	}
	out := make([]store.PulledChange, len(entries))
	next := cursor
	for i, le := range entries {
		out[i] = le.Change
		next = le.Change.ServerSeq
	}
	return out, next, more, nil
}

// Lease implements Backend.
func (b *PostgresBackend) Lease(ctx context.Context, device string, count, min int64) (first, last int64, err error) {
	if _, _, err := store.LeaseBlock(min, 0, min, count); err != nil {
		return 0, 0, err // (said before the lock)
	}
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, pushLock); err != nil {
		return 0, 0, fmt.Errorf("lock: %w", err)
	}
	var v string
	var granted int64
	err = tx.QueryRow(ctx, `SELECT coalesce((SELECT value FROM tagdesk_meta WHERE key = 'lease_next'), ''), coalesce((SELECT max(last) FROM tagdesk_leases), 0)`).Scan(&v, &granted)
	if err != nil {
		return 0, 0, fmt.Errorf("read lease counter: %w", err)
	}
	var h store.LeaseHolding
	if err := tx.QueryRow(ctx, pgLeaseHolding, device).Scan(&h.Granted, &h.Jumped); err != nil {
		return 0, 0, fmt.Errorf("read the desk's leases: %w", err)
	}
	if h.Granted+count > store.MaxLeaseHeld {
		// (From where the last count left off, as store.ServerLease.)
		key := store.UsedMarkKey(device)
		var mark string
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT value FROM tagdesk_meta WHERE key = $1), '')`, key).Scan(&mark); err != nil {
			return 0, 0, fmt.Errorf("count the desk's receipts: %w", err)
		}
		seq, used := store.ParseUsedMark(mark)
		var top, n int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), $1), count(*) FILTER (WHERE type = $2) FROM tagdesk_log WHERE device_id = $3 AND seq > $1`, seq, string(store.EvAssetReceived), device).Scan(&top, &n); err != nil {
			return 0, 0, fmt.Errorf("count the desk's receipts: %w", err)
		}
		h.Used = used + n
		if _, err := tx.Exec(ctx, `INSERT INTO tagdesk_meta(key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, store.UsedMark(top, h.Used)); err != nil {
			return 0, 0, fmt.Errorf("count the desk's receipts: %w", err)
		}
	}
	next, _ := strconv.ParseInt(v, 10, 64)
	if first, last, err = store.LeaseFor(next, granted, min, count, h); err != nil {
		return 0, 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tagdesk_meta(key, value) VALUES ('lease_next', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(last+1, 10)); err != nil {
		return 0, 0, fmt.Errorf("write lease counter: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tagdesk_leases(first, last, device_id, at) VALUES ($1, $2, $3, $4)`, first, last, device, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return 0, 0, fmt.Errorf("write lease: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, 0, fmt.Errorf("commit lease: %w", err)
	}
	return first, last, nil
}

// pgLeaseHolding is store's leaseHoldingQuery on tagdesk_leases: the
// numbers in a desk's blocks, and those its blocks skipped.
const pgLeaseHolding = `SELECT coalesce(sum(last - first + 1), 0)::bigint, coalesce(sum(CASE WHEN first - prev > 1 THEN first - prev - 1 ELSE 0 END), 0)::bigint
FROM (SELECT first, last, device_id, coalesce(lag(last) OVER (ORDER BY first), 0) AS prev FROM tagdesk_leases) l WHERE device_id = $1`

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// AddToken implements Backend.
func (b *PostgresBackend) AddToken(ctx context.Context, name, token string) error {
	if err := store.ValidTokenName(name); err != nil {
		return err
	}
	// (DESK-1 and desk-1 would be two names for one desk in token list.)
	var same, revoked string
	if err := b.pool.QueryRow(ctx, `SELECT name, revoked_at FROM tagdesk_tokens WHERE lower(name) = lower($1)`, name).Scan(&same, &revoked); err == nil {
		return store.TokenNameTaken(same, revoked != "")
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("add token: %w", err)
	}
	_, err := b.pool.Exec(ctx, `INSERT INTO tagdesk_tokens(name, hash, created_at) VALUES ($1, $2, $3)`, name, store.HashToken(token), time.Now().UTC().Format(time.RFC3339Nano))
	if isUnique(err) {
		return store.Errorf(store.ECONFLICT, "a token named %s already exists", name)
	}
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// Tokens implements Backend.
func (b *PostgresBackend) Tokens(ctx context.Context) ([]store.TokenInfo, error) {
	rows, err := b.pool.Query(ctx, `SELECT name, coalesce(device_id, revoked_device), created_at, revoked_at FROM tagdesk_tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []store.TokenInfo{}
	for rows.Next() {
		var t store.TokenInfo
		if err := rows.Scan(&t.Name, &t.DeviceID, &t.CreatedAt, &t.RevokedAt); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken implements Backend.
func (b *PostgresBackend) RevokeToken(ctx context.Context, name string) error {
	rows, err := b.pool.Query(ctx, `SELECT name FROM tagdesk_tokens WHERE lower(name) = lower($1) AND revoked_at = '' ORDER BY name`, name)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	target, err := store.TokenToRevoke(name, names)
	if err != nil {
		return err
	}
	tag, err := b.pool.Exec(ctx, `UPDATE tagdesk_tokens SET revoked_at = $1, revoked_device = coalesce(device_id, ''), device_id = NULL WHERE name = $2 AND revoked_at = ''`, time.Now().UTC().Format(time.RFC3339Nano), target)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return store.Errorf(store.ENOTFOUND, "no active token named %s", name)
	}
	return nil
}

// Authenticate implements Backend.
func (b *PostgresBackend) Authenticate(ctx context.Context, token string) (store.TokenInfo, error) {
	want := store.HashToken(token)
	var t store.TokenInfo
	var hash string
	err := b.pool.QueryRow(ctx, `SELECT name, hash, coalesce(device_id, ''), created_at, revoked_at FROM tagdesk_tokens WHERE hash = $1`, want).
		Scan(&t.Name, &hash, &t.DeviceID, &t.CreatedAt, &t.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, store.ErrUnauthorized
	}
	if err != nil {
		return t, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 || t.RevokedAt != "" {
		return t, store.ErrUnauthorized
	}
	return t, nil
}

// Bind implements Backend.
func (b *PostgresBackend) Bind(ctx context.Context, name, device string) error {
	if device == "" || len(device) > 64 {
		return store.Errorf(store.EINVALID, "bad device id")
	}
	tag, err := b.pool.Exec(ctx, `UPDATE tagdesk_tokens SET device_id = $1 WHERE name = $2 AND device_id IS NULL AND revoked_at = ''`, device, name)
	if isUnique(err) {
		return store.Errorf(store.ECONFLICT, "device %s is enrolled with another token", device)
	}
	if err != nil {
		return fmt.Errorf("bind token: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var bound *string
	if err := b.pool.QueryRow(ctx, `SELECT device_id FROM tagdesk_tokens WHERE name = $1`, name).Scan(&bound); err != nil {
		return fmt.Errorf("bind token: %w", err)
	}
	if bound == nil || *bound != device {
		have := ""
		if bound != nil {
			have = *bound
		}
		return store.Errorf(store.ECONFLICT, "this token belongs to device %s, not %s", have, device)
	}
	return nil
}

// Close implements Backend.
func (b *PostgresBackend) Close() error {
	b.pool.Close()
	return b.cache.Close()
}
