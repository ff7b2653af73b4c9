package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options tune Open. The zero value is what the desk uses.
type Options struct {
	// Operator is recorded on every event this handle writes.
	Operator string
	// Now returns the current time; tests inject a fixed clock.
	Now func() time.Time
	// Unsafe turns off fsync (synchronous=OFF). Only for building throwaway
	// databases such as the benchmark data; never for the desk.
	Unsafe bool
	// NoSearch keeps no search documents: for a sync server's state, which
	// nothing searches (a push then writes no index pages). The database
	// remembers it; opened later without NoSearch, its search index is
	// rebuilt first.
	NoSearch bool
	// Session says the process keeps the desk open for a while (the
	// terminal UI, the sync server) rather than for one command: Open then
	// prepares the WAL file ahead (prepareWAL), so that the session's
	// commits overwrite it instead of growing it.
	Session bool
	// ReadOnly opens the database for reading only, for a copy kept where
	// nothing may be written (an auditor's evidence, a read-only mount):
	// no migrations, no checkpointer, and every change refused. A copy
	// without its log (-wal) is opened as immutable, as SQLite needs to
	// read a WAL database in a folder it cannot write.
	ReadOnly bool
	// Name is what the desk's messages call the database (a full disk's,
	// a read-only one's) when path is not the name the user gave: a new
	// database made aside and put in place when its command succeeds.
	// Empty: path.
	Name string
	// Notice, when set, is told in a line what a long step of Open is
	// doing (the search index rebuilt after an upgrade: about a minute at
	// a million assets), before it starts.
	Notice func(string)

	catchUp   int // tests: catchUpFrames, smaller (checkpoint)
	laterMost int // tests: laterSubjectsMost, smaller (laterSubjects)
	noticeAt  int // tests: searchRebuildNotice, smaller (searchMode)
}

// DB is the tagdesk database: one writer connection and a pool of readers
// over one SQLite file in WAL mode.
type DB struct {
	path     string
	name     string  // Options.Name, else path: what messages call it
	w        *sql.DB // single writer, BEGIN IMMEDIATE
	r        *sql.DB // readers
	now      func() time.Time
	deviceID string
	noSearch bool   // Options.NoSearch
	readOnly bool   // Options.ReadOnly: w and r are one read-only pool
	syncMode string // the writer's synchronous level: FULL, or OFF when Unsafe

	mu       sync.Mutex
	operator string
	stmts    map[string]*sql.Stmt
	rstmts   map[string]*sql.Stmt // reader statements, prepared on first use (readRow)

	gmu sync.Mutex // guards wq
	wq  writeQueue // mutations waiting for the writer (group.go)

	ck      *sql.DB // the background checkpointer's connection
	catchUp int     // frames: a longer WAL is finished with the writer held (checkpoint)
	// laterMost: a pulled page reads this device's later changes' subjects
	// whole up to this many (laterSubjects).
	laterMost int
	stop      chan struct{} // closed by Close to stop the checkpointer
	stopped   chan struct{} // closed by the checkpointer when it has stopped
}

// checkpointEvery is how often the background checkpointer copies the WAL
// into the database file.
const checkpointEvery = 500 * time.Millisecond

// checkpointer runs PASSIVE checkpoints until Close: they never block the
// writer or the readers, and keep the WAL short.
func (db *DB) checkpointer(every time.Duration) {
	defer close(db.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			db.checkpoint()
		}
	}
}

// catchUpFrames bounds the WAL under a steady stream of commits. SQLite
// starts the log again from its beginning only at a commit that finds it
// entirely copied into the database file, which a passive checkpoint never
// achieves while commits keep coming: the log then grows for as long as
// they do (550 MB for 7,000 back-to-back check-outs on the 1M demo; a
// server under steady pushes, without end). A log longer than this is
// finished with the writer held off for a moment. It is large, so that a
// desk's bursts (whose pauses let the log restart by itself) never pay for
// that moment: 64k frames, 256 MB.
const catchUpFrames = 1 << 16

// checkpoint copies the WAL into the database file without blocking
// anyone. If the log is longer than db.catchUp frames, it copies again
// what commits added meanwhile, while that shrinks, and then the last few
// frames with the writer held off, so that the next commit starts the log
// again. A failed checkpoint (busy, I/O) is retried at the next tick; the
// WAL keeps every commit durable meanwhile.
func (db *DB) checkpoint() {
	prev := 0
	for range 4 {
		// The log's length when the pass began, and what it copied.
		var busy, logged, copied int
		if err := db.ck.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied); err != nil {
			return
		}
		if busy != 0 || logged <= db.catchUp {
			return
		}
		if logged-prev < 1024 {
			break // the last pass left a few commits' worth
		}
		prev = logged
	}
	db.withWriterHeld(context.Background(), func() {
		db.ck.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
	})
}

// uriPath escapes what SQLite would read as URI syntax in a file name.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// refuseForeign refuses another program's SQLite database before anything
// is written to it: opening sets WAL mode (kept in the file) and the
// migrations would add tagdesk's tables beside the program's own. It reads
// the schema through a read-only connection; a file it cannot read that way
// is left to the normal open, which says what is wrong with it.
func refuseForeign(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		return invalid("%s is a folder, not a database: give the database file's path (say %s)", path, filepath.Join(path, "tagdesk.db"))
	}
	if err != nil || fi.Size() == 0 {
		return nil
	}
	// Immutable: a read-only connection to a WAL database would otherwise
	// make its -wal and -shm files beside it, and the main file tells
	// whether the tables are tagdesk's (its first migration is there).
	ro, err := sql.Open("sqlite", "file:"+uriPath(path)+"?mode=ro&immutable=1")
	if err != nil {
		return nil
	}
	defer ro.Close()
	rows, err := ro.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		if strings.Contains(err.Error(), "file is not a database") {
			return invalid("%s is not a database (a file of another kind): give tagdesk's database file", path)
		}
		return nil
	}
	defer rows.Close()
	// Tagdesk's own: its log and chain heads beside its migrations table
	// (a name other tools use too: Rails, golang-migrate, dbmate). A file
	// holding only an empty migrations table is a first open interrupted.
	var names []string
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil
		}
		have[n] = true
		names = append(names, n)
	}
	if rows.Err() != nil || len(names) == 0 {
		return nil
	}
	if have["schema_migrations"] && have["events"] && have["chain_heads"] {
		return nil
	}
	if len(names) == 1 && have["schema_migrations"] {
		var n int
		if err := ro.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
			return nil
		}
	}
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return invalid("%s is not a tagdesk database: it holds another program's tables (%s); nothing changed", path, strings.Join(names, ", "))
}

// Open opens (creating if needed) the database at path and applies migrations.
// ":memory:" is not supported (readers and writer must share the file); use a
// temporary file in tests.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Name == "" {
		opt.Name = path
	}
	db, err := open(ctx, path, opt)
	if isReadOnly(err) || isCantOpen(err) && !opt.ReadOnly && folderReadOnly(path) {
		// (On a read-only mount SQLite cannot make the log beside the
		// file, and says "unable to open database file": read-only all
		// the same, which a command that only reads may open as such.)
		why := roFile
		if folderReadOnly(path) {
			why = roFolder(path)
		}
		return nil, readOnlyErr(opt.Name, why, err)
	}
	// A disk full before the open: SQLite cannot size the shared memory
	// (-shm) it makes, and says only "disk I/O error" (IOERR_SHMSIZE), which
	// a failing disk says too. The disk says which it is.
	if isFull(err) || isIOErr(err) && diskFull(filepath.Dir(resolved(path))) {
		return nil, fullErr(opt.Name, err)
	}
	return db, err
}

// checkWritable refuses, before SQLite opens it, a database this user
// cannot write (ErrReadOnly). SQLite would open it to read, and make its
// log and shared memory (-wal, -shm) beside it with the file's own mode:
// read-only files, which stayed after the command, and made every change
// fail as read-only once the file was writable again. A -wal or -shm file
// left so by an older tagdesk, beside a file this user can write, is given
// the file's mode (it is the desk's own: SQLite made it with that mode);
// one this user cannot change is refused as read-only.
func checkWritable(path string) error {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return nil // (a new database, made 0600 below; or what SQLite says of it)
	}
	if !canWrite(path) {
		return readOnlyErr(path, roFile, nil)
	}
	// (SQLite keeps them beside the file a link leads to.)
	real := resolved(path)
	folder := canWrite(filepath.Dir(real))
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(real + side); err != nil {
			if !folder {
				return readOnlyErr(path, roFolder(path), nil)
			}
			continue
		}
		if canWrite(real + side) {
			continue
		}
		if os.Chmod(real+side, fi.Mode().Perm()) != nil || !canWrite(real+side) {
			return &Error{Code: EINVALID, Message: fmt.Sprintf("the database %s cannot be written: its journal %s is read-only (check its permissions): %s", path, real+side, nothingChanged), Err: ErrReadOnly}
		}
	}
	return nil
}

// resolved is the file a link at path leads to, where SQLite keeps the
// database's -wal and -shm (path itself if it is no link, or the link
// leads nowhere).
func resolved(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return path
	}
	return real
}

func open(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, invalid("no database path given")
	}
	if opt.ReadOnly {
		return openReadOnly(ctx, path, opt)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	if err := refuseForeign(ctx, path); err != nil {
		return nil, err
	}
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	// A new register is its owner's alone (people's names, emails and
	// badges): made 0600, as the demo's is, and SQLite gives its -wal and
	// -shm files the same mode. (An existing one keeps its own.)
	// A path that is a link to no file yet gets its target made so (an
	// exclusive create refuses to go through a link, and SQLite then made
	// it readable by every user).
	target := path
	for range 40 { // (links to links, as the system follows them)
		l, err := os.Readlink(target)
		if err != nil {
			break
		}
		if !filepath.IsAbs(l) {
			l = filepath.Join(filepath.Dir(target), l)
		}
		target = l
	}
	if f, err := os.OpenFile(target, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	}
	sync := "FULL"
	if opt.Unsafe {
		sync = "OFF"
	}
	if err := commitWithFdatasync(); err != nil {
		return nil, err
	}
	dsn := func(txlock string, extra ...string) string {
		q := url.Values{}
		for _, p := range append([]string{
			"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)",
			"synchronous(" + sync + ")", "temp_store(MEMORY)",
		}, extra...) {
			q.Add("_pragma", p)
		}
		if txlock != "" {
			q.Set("_txlock", txlock)
		}
		return "file:" + uriPath(path) + "?" + q.Encode()
	}
	// Commits never checkpoint (wal_autocheckpoint 0): a background
	// checkpointer does it off the commit path, so a scan's commit is one
	// WAL fsync, not sometimes a whole checkpoint.
	wcache := "cache_size(-32768)"
	if opt.Unsafe {
		wcache = "cache_size(-131072)"
	}
	w, err := sql.Open("sqlite", dsn("immediate", wcache, "wal_autocheckpoint(0)"))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// A new database's first connection sets WAL mode, which SQLite
	// answers "busy" without waiting while another process does the same
	// (two tagdesks opening it at once): asked again for a few seconds.
	for tries := 0; ; tries++ {
		err := w.PingContext(ctx)
		if err == nil {
			break
		}
		if !isBusy(err) || tries >= 100 {
			w.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			w.Close()
			return nil, fmt.Errorf("open database %s: %w", path, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	db := &DB{path: path, name: opt.Name, w: w, now: opt.Now, operator: opt.Operator, stmts: map[string]*sql.Stmt{}, noSearch: opt.NoSearch, syncMode: sync, catchUp: catchUpFrames, laterMost: laterSubjectsMost}
	if opt.catchUp > 0 {
		db.catchUp = opt.catchUp
	}
	if opt.laterMost > 0 {
		db.laterMost = opt.laterMost
	}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if err := db.dropSampleStats(ctx); err != nil {
		w.Close()
		return nil, err
	}
	noticeAt := int64(searchRebuildNotice)
	if opt.noticeAt > 0 {
		noticeAt = int64(opt.noticeAt)
	}
	if err := db.searchMode(ctx, opt.Notice, noticeAt); err != nil {
		w.Close()
		return nil, err
	}
	// Readers get a smaller page cache: pure-Go SQLite's pages cost about
	// twice their size in RSS, and a reader streaming every asset (asset
	// list --json) fills its cache; the OS page cache still holds the file.
	db.r, err = sql.Open("sqlite", dsn("", "query_only(1)", "cache_size(-8192)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database readers: %w", err)
	}
	db.r.SetMaxOpenConns(4)
	db.ck, err = sql.Open("sqlite", dsn("", "cache_size(-1024)"))
	if err != nil {
		db.r.Close()
		w.Close()
		return nil, fmt.Errorf("open database checkpointer: %w", err)
	}
	db.ck.SetMaxOpenConns(1)
	if opt.Session && !opt.Unsafe {
		if err := db.prepareWAL(ctx); err != nil {
			db.ck.Close()
			db.r.Close()
			w.Close()
			return nil, err
		}
	}
	db.stop, db.stopped = make(chan struct{}), make(chan struct{})
	go db.checkpointer(checkpointEvery)
	if err := db.initDevice(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// commitWithFdatasync has SQLite make its commits durable with fdatasync(2)
// instead of fsync(2). Both put the data and the size needed to read it back
// on the disk before the commit returns, so a committed scan survives a power
// cut either way; fsync also writes the file's timestamps, which on this
// kind of disk is an extra write that a commit waits for (its tail most of
// all: BENCHMARKS.md). SQLite's own builds use fdatasync wherever the C
// library has it; modernc's transpiled library keeps fsync unless told. The
// switch is the library's and process-wide; every writable Open sets it,
// and where the system has no fdatasync (macOS, Windows) SQLite's own sync
// stays.
func commitWithFdatasync() error {
	if _, err := sqlite.Fdatasync(true); err != nil && !errors.Is(err, sqlite.ErrFdatasyncUnavailable) {
		return fmt.Errorf("sync commits with fdatasync: %w", err)
	}
	return nil
}

// openReadOnly is Open for Options.ReadOnly.
func openReadOnly(ctx context.Context, path string, opt Options) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := refuseForeign(ctx, path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "query_only(1)", "cache_size(-8192)"} {
		q.Add("_pragma", p)
	}
	q.Set("mode", "ro")
	// SQLite keeps the log beside the file a link leads to: looked for
	// beside the link, none was found, and the immutable open ignored the
	// changes in it.
	// An empty log holds nothing (an open that met a full disk leaves
	// one), and reading it would need the -shm that a full disk cannot
	// hold.
	real := resolved(path)
	if wi, err := os.Stat(real + "-wal"); errors.Is(err, os.ErrNotExist) || err == nil && wi.Size() == 0 {
		q.Set("immutable", "1")
	} else if fi, err := os.Stat(path); err == nil && ownFile(fi) {
		// SQLite reads the log through its shared memory, which it would
		// make with the file's mode: read-only, and left so, a -shm that
		// refuses every change once the file is writable again. Made
		// here writable by its owner, as the desk's own are, and not
		// empty: SQLite gives an empty -shm it opens the file's mode
		// (robust_open), and one with bytes in it keeps its own. (Three,
		// what SQLite's first connection cuts it to: the header it then
		// writes is its own.)
		if f, err := os.OpenFile(real+"-shm", os.O_RDWR|os.O_CREATE|os.O_EXCL, fi.Mode().Perm()|0o200); err == nil {
			_, werr := f.Write(make([]byte, 3))
			if cerr := f.Close(); werr != nil || cerr != nil {
				// (A full disk: SQLite makes it, or says why not.)
				os.Remove(real + "-shm")
			}
		}
	}
	r, err := sql.Open("sqlite", "file:"+uriPath(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{path: path, name: opt.Name, w: r, r: r, now: opt.Now, operator: opt.Operator, stmts: map[string]*sql.Stmt{}, syncMode: "OFF", readOnly: true}
	if db.now == nil {
		db.now = time.Now
	}
	var have int
	if err := r.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		r.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if want, err := latestMigration(); err != nil {
		r.Close()
		return nil, err
	} else if have < want {
		r.Close()
		return nil, invalid("%s was written by an older tagdesk and must be upgraded, which needs a copy where it can be written: copy it (with any -wal file beside it) to a folder you can write and open that", path)
	}
	if db.deviceID, err = db.Setting(ctx, SettingDeviceID); err != nil {
		r.Close()
		return nil, err
	}
	return db, nil
}

// latestMigration is the version of the newest embedded migration.
func latestMigration() (int, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	v := 0
	for _, name := range names {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(name), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migrations: bad name %s", name)
		}
		v = max(v, n)
	}
	return v, nil
}

// IsReadOnly reports whether err is a refusal to write a database whose file
// or folder is read-only (an open retried with Options.ReadOnly may read it).
// (Or SQLite could not open it, which a read-only mount gives.)
func IsReadOnly(err error) bool {
	return errors.Is(err, ErrReadOnly) || isReadOnly(err) || isCantOpen(err)
}

// Close closes the database.
func (db *DB) Close() error {
	db.mu.Lock()
	for _, s := range db.stmts {
		s.Close()
	}
	db.stmts = nil
	for _, s := range db.rstmts {
		s.Close()
	}
	db.rstmts = nil
	db.mu.Unlock()
	var errs []error
	if db.stop != nil {
		close(db.stop)
		<-db.stopped
		db.stop = nil
		errs = append(errs, db.ck.Close())
	}
	if db.r != nil && db.r != db.w {
		errs = append(errs, db.r.Close())
	}
	errs = append(errs, db.w.Close())
	return errors.Join(errs...)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// DeviceID returns this database's device id, the origin of the events it writes.
func (db *DB) DeviceID() string { return db.deviceID }

// SetOperator sets who is at the desk; it is recorded on every later event.
func (db *DB) SetOperator(name string) {
	db.mu.Lock()
	db.operator = strings.TrimSpace(name)
	db.mu.Unlock()
}

// Operator returns who is at the desk.
func (db *DB) Operator() string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.operator
}

// Now returns the database clock's current time.
func (db *DB) Now() time.Time { return db.now() }

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// A database a newer tagdesk has migrated (a desk downgraded after an
	// upgrade) is refused, not written: this build knows neither the
	// tables nor the events it would leave unmaintained.
	var have int
	if err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if want, err := latestMigration(); err != nil {
		return err
	} else if have > want {
		return invalid("%s was written by a newer tagdesk (its schema is version %d, this tagdesk knows %d): run that tagdesk or a newer one; nothing was changed", db.path, have, want)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %s", base)
		}
		var n int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		// Asked again under the write lock: two tagdesks opening a new
		// database at once both found it unapplied.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)`, v, db.now().UTC().Format(time.RFC3339)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate %s: %w", base, err)
		}
		applied++
	}
	if applied > 0 {
		// A migration can rewrite much of the file (a new index over a
		// million assets): fold the WAL back now rather than leave every
		// later reader to map it.
		if _, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("migrate: checkpoint: %w", err)
		}
	}
	return nil
}

func (db *DB) initDevice(ctx context.Context) error {
	id, err := db.Setting(ctx, SettingDeviceID)
	if err != nil {
		return err
	}
	if id == "" {
		id = "D" + randomBase32(9)
		if _, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)`, SettingDeviceID, id); err != nil {
			return fmt.Errorf("init device id: %w", err)
		}
		if id, err = db.Setting(ctx, SettingDeviceID); err != nil {
			return err
		}
	}
	db.deviceID = id
	return nil
}

// Settings keys.
const (
	SettingDeviceID    = "device_id"
	SettingTagPrefix   = "tag_prefix"
	SettingTagNext     = "tag_next"
	SettingTagWidth    = "tag_width"
	SettingTagCheck    = "tag_check"
	SettingSite        = "site"
	SettingAuditMonths = "audit_interval_months"
	// settingNoSearch is set while the database is written without search
	// documents (Options.NoSearch).
	settingNoSearch = "no_search_index"
)

// Defaults of the settings the store reads, in effect while they are unset.
const (
	DefaultTagPrefix     = "TD-"
	DefaultTagWidth      = 6
	DefaultAuditMonths   = 12
	DefaultAuditWarnDays = 30
)

// SettingDefault is the value in effect for one of the store's settings
// while it is unset; "" for one with no default (site, printer, the next
// tag number, which leased blocks decide) or one the store does not read.
func SettingDefault(key string) string {
	switch key {
	case SettingTagPrefix:
		return DefaultTagPrefix
	case SettingTagWidth:
		return strconv.Itoa(DefaultTagWidth)
	case SettingTagCheck:
		return "0"
	case SettingAutoLabel:
		return "1"
	case SettingAuditMonths:
		return strconv.Itoa(DefaultAuditMonths)
	case SettingAuditWarnDays:
		return strconv.Itoa(DefaultAuditWarnDays)
	}
	return ""
}

// Setting returns a setting's value, "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting. Settings are local configuration, not history,
// except the site: a desk's changes say where they were made (site.go).
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if key == SettingDeviceID {
		return invalid("the device id cannot be changed")
	}
	if key == SettingSite {
		// History says where each change was made: a new site is stated
		// in an event, with the setting, in one transaction.
		_, err := db.write(ctx, func(w *wtx) error { return w.stateSite(value) })
		return err
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return db.plainWriteErr("write setting "+key, err)
	}
	return nil
}

// cachedStmt returns the statement prepared on the writer connection for
// query, or nil.
func (db *DB) cachedStmt(query string) *sql.Stmt {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.stmts[query]
}

// readRow runs a one-row query on the readers with a statement prepared on
// first use, so that hot lookups (resolving a scan) skip SQLite's parse and
// plan of a many-join query. query must be a fixed text, not built from input.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	db.mu.Lock()
	s, closed := db.rstmts[query], db.stmts == nil
	db.mu.Unlock()
	if s == nil && !closed {
		p, err := db.r.PrepareContext(ctx, query)
		if err == nil {
			db.mu.Lock()
			switch {
			case db.stmts == nil: // closed meanwhile
				p.Close()
			case db.rstmts[query] != nil:
				p.Close()
				s = db.rstmts[query]
			default:
				if db.rstmts == nil {
					db.rstmts = map[string]*sql.Stmt{}
				}
				db.rstmts[query] = p
				s = p
			}
			db.mu.Unlock()
		}
	}
	if s == nil {
		return db.r.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// prepare prepares queries on the writer connection for later transactions.
// It must be called while no transaction holds that connection. A failure
// only means the next transaction prepares them again.
func (db *DB) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		if db.cachedStmt(q) != nil {
			continue
		}
		s, err := db.w.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		db.mu.Lock()
		if db.stmts == nil { // closed meanwhile
			db.mu.Unlock()
			s.Close()
			return
		}
		db.stmts[q] = s
		db.mu.Unlock()
	}
}

// isConstraint reports whether err is an SQLite constraint violation.
func isConstraint(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
	}
	return false
}

// isReadOnly reports whether err is SQLite's "attempt to write a readonly
// database".
func isReadOnly(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_READONLY
	}
	return false
}

// isIOErr reports whether err is SQLite's "disk I/O error", of any kind.
func isIOErr(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_IOERR
}

// isCantOpen reports whether err is SQLite's "unable to open database
// file".
func isCantOpen(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN
}

// folderReadOnly says whether the database's file exists in a folder no
// file can be made in (a read-only mount, or one without write
// permission): a file made to find out is removed at once. (For a link,
// the folder of the file it leads to, where SQLite keeps the journal.)
func folderReadOnly(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	f, err := os.CreateTemp(filepath.Dir(resolved(path)), ".tagdesk-probe-*")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
		return false
	}
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}

// isBusy reports whether err is SQLite's "database is locked": another
// connection holds the write lock.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

const base32Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	for i := range b {
		b[i] = base32Alphabet[b[i]&31]
	}
	return string(b)
}

// newUID returns a new globally unique, time-ordered id.
func (db *DB) newUID() string {
	return strconv.FormatInt(db.now().UnixMilli(), 36) + randomBase32(12)
}

// dropSampleStats removes the samples ANALYZE keeps in sqlite_stat4 (the
// per-table row counts in sqlite_stat1 stay). With samples present, SQLite
// re-prepares a statement whenever a bound value could change its plan,
// that is at almost every execution of the store's cached statements: a
// parse and plan per lookup, a third of a check-out's CPU.
func (db *DB) dropSampleStats(ctx context.Context) error {
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&n); err != nil {
		return fmt.Errorf("read statistics: %w", err)
	}
	if n == 0 {
		return nil
	}
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM sqlite_stat4 LIMIT 1)`).Scan(&n); err != nil {
		return fmt.Errorf("read statistics: %w", err)
	}
	if n == 0 {
		return nil
	}
	for _, q := range []string{`DELETE FROM sqlite_stat4`, `ANALYZE sqlite_schema`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop sample statistics: %w", err)
		}
	}
	return nil
}

// collect runs a query on the readers and scans every row with scan.
func collect[T any](ctx context.Context, db *DB, what string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// searchMode records that this handle keeps no search documents, or, for a
// desk opening a database written without them (a sync server's state, or
// one whose index a migration made again: 0025), rebuilds the index,
// telling notice first when there are noticeAt assets or more.
func (db *DB) searchMode(ctx context.Context, notice func(string), noticeAt int64) error {
	if db.noSearch {
		if _, err := db.w.ExecContext(ctx, `INSERT OR REPLACE INTO settings(key, value) VALUES (?, '1')`, settingNoSearch); err != nil {
			return fmt.Errorf("mark search index off: %w", err)
		}
		return nil
	}
	off, err := db.Setting(ctx, settingNoSearch)
	if err != nil || off == "" {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	defer tx.Rollback()
	// Asked again under the write lock: another tagdesk opening the file
	// at the same time may have rebuilt it meanwhile.
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = ?`, settingNoSearch).Scan(&n); err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	if n == 0 {
		return nil
	}
	if notice != nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assets`).Scan(&n); err != nil {
			return fmt.Errorf("rebuild search index: %w", err)
		}
		if n >= noticeAt {
			notice(fmt.Sprintf("rebuilding the search index of %d assets (once, after an upgrade: about a minute per million assets)...", n))
		}
	}
	for _, q := range []string{
		`DELETE FROM asset_fts`,
		`INSERT INTO asset_fts(rowid, doc) SELECT a.id, ` + ftsDoc + ftsFrom + ` ORDER BY a.id`,
		`INSERT INTO asset_fts(asset_fts) VALUES ('optimize')`,
		`DELETE FROM settings WHERE key = '` + settingNoSearch + `'`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild search index: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	return nil
}

// searchRebuildNotice is how many assets make a rebuild of the search index
// worth a word (a few seconds).
const searchRebuildNotice = 50000

// prepareWAL grows the WAL file with zeros to the length a session's
// commits will reach before the log starts again from its beginning
// (checkpoint), as PostgreSQL fills its WAL segments before use. A commit
// that writes past the file's end costs far more than one that overwrites:
// the kernel allocates and zeroes a page-cache page for each unaligned
// frame (two 12 µs writes per frame, against 2 µs), and the fsync must
// also record the file's new length. On the 1M demo, 2,000 check-outs in a
// row took p50 1.7-2.1 ms and p99 5.5-6.1 ms growing the file, 1.3 and
// 4.0 ms overwriting it.
//
// The length is an eighth of the database, at least 16 MB and at most the
// log's catch-up length (catchUpFrames) with room for what half a second
// of commits adds past it. SQLite leaves a restarted log's file at its
// length, and deletes it when the last connection closes; a session
// prepares it again when it opens.
//
// The zeros go only past the file's end, under the database's write lock
// (BEGIN IMMEDIATE), so that no writer, in this process or another, adds
// frames meanwhile. A frame of zeros is not a valid frame: recovery stops
// at it, as at the end of the file.
func (db *DB) prepareWAL(ctx context.Context) error {
	var pageSize int64
	if err := db.ck.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		return fmt.Errorf("prepare the WAL: %w", err)
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		return fmt.Errorf("prepare the WAL: %w", err)
	}
	ceiling := 32 + int64(db.catchUp)*(pageSize+24) + 16<<20
	want := min(max(fi.Size()/8, 16<<20), ceiling)
	conn, err := db.ck.Conn(ctx)
	if err != nil {
		return fmt.Errorf("prepare the WAL: %w", err)
	}
	defer conn.Close()
	// Another process writing (a long import) does not hold up the opening
	// for long: the session then goes without (or with what it prepared so
	// far), and its log grows as a command's does.
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 250`); err != nil {
		return fmt.Errorf("prepare the WAL: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`)
	// In steps of 16 MB, the lock let go between them: another process's
	// commit waits for one step at most, not for the whole length.
	for {
		done, err := db.prepareWALStep(ctx, conn, want, 16<<20)
		if done || err != nil {
			return err
		}
	}
}

// prepareWALStep grows the WAL by at most step bytes of zeros toward want,
// under the write lock; done says there is no more to do (or it cannot be
// done now: another writer, a full disk).
func (db *DB) prepareWALStep(ctx context.Context, conn *sql.Conn, want, step int64) (done bool, err error) {
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); isBusy(err) {
		return true, nil
	} else if err != nil {
		return true, fmt.Errorf("prepare the WAL: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
	f, err := os.OpenFile(db.path+"-wal", os.O_WRONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil // SQLite makes it at the first commit
	}
	if err != nil {
		return true, fmt.Errorf("prepare the WAL: %w", err)
	}
	defer f.Close()
	wfi, err := f.Stat()
	if err != nil {
		return true, fmt.Errorf("prepare the WAL: %w", err)
	}
	if wfi.Size() >= want {
		return true, nil
	}
	end := min(want, wfi.Size()+step)
	zeros := make([]byte, 1<<20)
	for off := wfi.Size(); off < end && err == nil; {
		n := min(int64(len(zeros)), end-off)
		_, err = f.WriteAt(zeros[:n], off)
		off += n
	}
	if err == nil {
		err = f.Sync()
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		// A full disk: the desk still opens, its commits growing the log
		// as long as they fit, as a command's do.
		if terr := f.Truncate(wfi.Size()); terr != nil {
			return true, fmt.Errorf("prepare the WAL: %w (and undoing it: %v)", err, terr)
		}
		return true, f.Close()
	}
	if err != nil {
		return true, fmt.Errorf("prepare the WAL: %w", err)
	}
	return end >= want, f.Close()
}
