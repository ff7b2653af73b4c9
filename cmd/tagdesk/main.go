// Command tagdesk is the IT asset desk: the terminal UI, the scriptable
// command line and the sync server, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/tagdesk/tagdesk/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// app is what every command gets: the streams, the environment and the
// global options.
type app struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	getenv   func(string) string
	dbPath   string
	operator string
	demo     bool
	cmd      string // the command being run, for its usage hint
	reads    bool   // the command needs a register that exists (readsOnly)
	pure     bool   // the command never writes (pureRead): a read-only copy will do
	// keepNew, if set, says whether a database the command created is kept
	// after fn returned err (default: kept when err is nil).
	keepNew func(err error) bool
	// inPlace makes a new database at its path at once (a first sync: the
	// desk's enrolment is kept even when the sync fails, and its token is
	// the server's for that desk).
	inPlace bool
}

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelp means help was asked for and printed: exit 0.
var errHelp = errors.New("help")

type command struct {
	name    string // "asset list"
	summary string
	usage   string // the arguments, after the name
	run     func(ctx context.Context, a *app, args []string) error
	// codes is how many of the first arguments are codes, tags or serials
	// (allCodes: every one), read as a scan reads them: without the
	// invisible characters a code copied from a web page carries
	// (store.DropInvisible), which made a serial that no scan found. Other
	// arguments (names, files, values) are left as given.
	codes int
}

// allCodes marks a command whose every argument is a code (command.codes).
const allCodes = -1

func commands() []command {
	var cs []command
	cs = append(cs, assetCommands()...)
	cs = append(cs, catalogCommands()...)
	cs = append(cs, adminCommands()...)
	cs = append(cs, auditCommands()...)       // audit.go: stocktake, reports
	cs = append(cs, peopleCommands()...)      // people.go: person show, offboard
	cs = append(cs, interchangeCommands()...) // interchange.go: import/export
	cs = append(cs, demoCommands()...)        // demo.go: demo data
	cs = append(cs, labelCommands()...)       // label.go: labels, decode, print queue
	cs = append(cs, syncCommands()...)        // sync.go: serve, tokens, sync
	return cs
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	rest, err := a.globalFlags(args)
	if err == nil {
		err = a.dispatch(ctx, rest)
	}
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "tagdesk: %s\n", clipLine(oneLine(err.Error())))
		if a.cmd != "" {
			fmt.Fprintf(stderr, "run 'tagdesk %s --help' for its options\n", a.cmd)
		} else {
			fmt.Fprintln(stderr, "run 'tagdesk help' for the commands")
		}
		return 2
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Ctrl-C: every change is one transaction, so the one under way
		// is rolled back whole (a command of several keeps the ones done);
		// what a statement was doing is no news.
		fmt.Fprintln(stderr, "tagdesk: interrupted: the change under way was rolled back; what committed before it stays")
		return 1
	case errors.Is(err, store.ErrReadOnly) || errors.Is(err, store.ErrDiskFull):
		// The store's line is whole (the database, why, and that nothing
		// changed): what the command was doing adds only SQLite's words.
		// (A command of several changes stopped at one says which, and
		// what was saved before it: partError.)
		line := store.ErrorMessage(err)
		var pe *partError
		if errors.As(err, &pe) {
			line = pe.line
		}
		fmt.Fprintf(stderr, "tagdesk: %s\n", clipLine(oneLine(line)))
		return 1
	default:
		fmt.Fprintf(stderr, "tagdesk: %s\n", clipLine(saidOnce(oneLine(err.Error()))))
		return 1
	}
}

// partError is a command of several changes (stocktake scan's scans)
// stopped at one by a read-only database or a full disk: its line names
// that change and says what was saved before it, where the store's line
// alone says nothing was saved.
type partError struct {
	line string
	err  error
}

func (e *partError) Error() string { return e.line }
func (e *partError) Unwrap() error { return e.err }

// stoppedAt is err met at the change what (`scan "TD-000008"`) of a
// command of several, after saved of them were saved; noun names one
// ("scan"). A read-only database or a full disk says which and what was
// saved (partError); other errors are wrapped with what.
func stoppedAt(err error, what, noun string, saved int) error {
	if !errors.Is(err, store.ErrReadOnly) && !errors.Is(err, store.ErrDiskFull) {
		return fmt.Errorf("%s: %w", what, err)
	}
	msg := store.ErrorMessage(err)
	switch {
	case saved == 1:
		msg = store.PartialMessage(err, fmt.Sprintf("this %s was not saved (the one before it was)", noun))
	case saved > 1:
		msg = store.PartialMessage(err, fmt.Sprintf("this %s was not saved (the %d before it were)", noun, saved))
	}
	return &partError{line: what + ": " + msg, err: err}
}

// saidOnce drops a command's closing "; nothing changed" when the reason
// it wraps says so already (a busy desk's).
func saidOnce(msg string) string {
	const tail = "; nothing changed"
	if strings.HasSuffix(msg, tail) && strings.Contains(strings.TrimSuffix(msg, tail), "nothing changed") {
		return strings.TrimSuffix(msg, tail)
	}
	return msg
}

// clipLine bounds the one line an error gets: a 10 kB argument echoed back
// (an unknown command, a path, a value) would bury what is wrong. A word
// longer than 100 bytes keeps its first 60, and the line its first 1,000.
func clipLine(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if len(w) > 100 {
			words[i] = clipBytes(w, 60)
		}
	}
	return clipBytes(strings.Join(words, " "), 1000)
}

// clipBytes shortens s to at most n bytes (a whole rune), marking the cut.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// globalFlags takes --db, --operator and --demo from anywhere on the line,
// before or after the subcommand.
func (a *app) globalFlags(args []string) ([]string, error) {
	var rest []string
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "-") {
			rest = append(rest, arg)
			continue
		}
		switch name {
		case "db", "operator":
			if !hasVal {
				if i+1 >= len(args) {
					return nil, usagef("--%s needs a value", name)
				}
				i++
				val = args[i]
			}
			if name == "db" && strings.TrimSpace(val) == "" {
				// A script's unset variable (--db "$DB") must not fall
				// back to the default database and change it.
				return nil, usagef("--db is empty: give the database's path")
			}
			// Given twice (before and after the command, say), the two
			// must agree: which database a command changes is no guess.
			dst := &a.operator
			if name == "db" {
				dst = &a.dbPath
			}
			if seen[name] && *dst != val {
				return nil, usagef("--%s given twice (%q and %q): give it once", name, *dst, val)
			}
			seen[name] = true
			*dst = val
		case "demo":
			a.demo = true
		case "version":
			rest = append(rest, "version")
		default:
			rest = append(rest, arg)
		}
	}
	return rest, nil
}

// isHelp reports whether a word asks for help.
func isHelp(s string) bool { return s == "help" || s == "-h" || s == "--help" }

func (a *app) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return a.runTUI(ctx)
	}
	if isHelp(args[0]) {
		// "help asset list" is "asset list --help"; "help help" (or
		// --help --help) is help.
		if rest := slices.DeleteFunc(slices.Clone(args[1:]), isHelp); len(rest) > 0 {
			return a.dispatch(ctx, append(rest, "--help"))
		}
		a.printHelp()
		return errHelp
	}
	cs := commands()
	// Longest match: "asset list" before "asset"; a group's words
	// ("serve token") before a shorter command ("serve").
	for n := min(3, len(args)); n >= 1; n-- {
		name := strings.Join(args[:n], " ")
		for _, c := range cs {
			if c.name == name {
				a.reads, a.pure, a.cmd = readsOnly(c.name), pureRead(c.name), c.name
				return c.run(ctx, a, args[n:])
			}
		}
		if err, ok := a.group(cs, name, args[n:]); ok {
			return err
		}
	}
	return usagef("unknown command %q", args[0])
}

// group answers for words that begin commands but are none ("asset",
// "serve token"): their list, asked for, or which they take; ok is false
// if no command begins with them.
func (a *app) group(cs []command, prefix string, rest []string) (err error, ok bool) {
	var subs []string
	var group []command
	for _, c := range cs {
		if strings.HasPrefix(c.name, prefix+" ") {
			subs = append(subs, strings.TrimPrefix(c.name, prefix+" "))
			group = append(group, c)
		}
	}
	if len(subs) == 0 {
		return nil, false
	}
	if len(rest) > 0 && isHelp(rest[0]) {
		fmt.Fprintf(a.stdout, "tagdesk %s: one of\n\n", prefix)
		for _, c := range group {
			fmt.Fprintln(a.stdout, wrapWords(fmt.Sprintf("  %-22s %s", c.name, c.summary), helpWidth, strings.Repeat(" ", 25)))
		}
		fmt.Fprintf(a.stdout, "\nRun 'tagdesk %s SUBCOMMAND --help' for its options.\n", prefix)
		return errHelp, true
	}
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		return usagef("unknown command %q for %s (want one of: %s)", rest[0], prefix, strings.Join(subs, ", ")), true
	}
	return usagef("%s needs a subcommand: %s", prefix, strings.Join(subs, ", ")), true
}

func (a *app) printHelp() {
	fmt.Fprintf(a.stdout, `tagdesk %s: the IT asset desk

Usage:
  tagdesk                      open the terminal UI
  tagdesk --demo               open the terminal UI on a demo database (at
                               --db if given; built there on first use)
  tagdesk COMMAND [ARGS]       run one command

Global options (before or after the command):
  --db PATH          the database (default $TAGDESK_DB, else
                     %s)
  --operator WHO     who is at the desk, recorded on every change (default
                     $TAGDESK_OPERATOR, else your login name; the UI asks
                     instead)

Commands:
`, version, defaultDBPath(a.getenv))
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintln(a.stdout, wrapWords(fmt.Sprintf("  %-22s %s", c.name, c.summary), helpWidth, strings.Repeat(" ", 25)))
	}
	fmt.Fprintln(a.stdout, "\nRun 'tagdesk COMMAND --help' for a command's options.")
}

// helpWidth is the width help is written to: an 80-column terminal.
const helpWidth = 80

// wrapWords breaks s (one line) at spaces into lines of at most width
// columns, those after the first starting with indent; the spacing within
// a line is kept, and a word longer than a line stands alone.
func wrapWords(s string, width int, indent string) string {
	var b strings.Builder
	for {
		rs := []rune(s)
		if len(rs) <= width {
			break
		}
		lead := len(rs) - len([]rune(strings.TrimLeft(s, " ")))
		cut := -1
		for i := width; i > lead; i-- {
			if rs[i] == ' ' {
				cut = i
				break
			}
		}
		if cut < 0 {
			for i := width + 1; i < len(rs); i++ {
				if rs[i] == ' ' {
					cut = i
					break
				}
			}
		}
		rest := strings.TrimLeft(string(rs[max(cut, 0):]), " ")
		if cut < 0 || rest == "" {
			break
		}
		b.WriteString(strings.TrimRight(string(rs[:cut]), " ") + "\n")
		s = indent + rest
	}
	b.WriteString(s)
	return b.String()
}

// defaultDBPath is $XDG_DATA_HOME/tagdesk/tagdesk.db or ~/.local/share/tagdesk/tagdesk.db.
func defaultDBPath(getenv func(string) string) string {
	// A relative XDG_DATA_HOME is invalid and ignored, as the XDG spec
	// says: the desk must not depend on the folder a command runs in.
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "tagdesk", "tagdesk.db")
	}
	home := getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	return filepath.Join(home, ".local", "share", "tagdesk", "tagdesk.db")
}

func (a *app) resolveDBPath() string {
	if a.dbPath != "" {
		return a.dbPath
	}
	if p := a.getenv("TAGDESK_DB"); p != "" {
		return p
	}
	return defaultDBPath(a.getenv)
}

func (a *app) resolveOperator() string {
	// (Blank is none: an operator recorded as three spaces names no one.)
	if o := strings.TrimSpace(a.operator); o != "" {
		return o
	}
	if o := strings.TrimSpace(a.getenv("TAGDESK_OPERATOR")); o != "" {
		return o
	}
	if u := strings.TrimSpace(a.getenv("USER")); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// readsOnly says whether a command needs a register that exists: it only
// reads it, or changes what it has. Run on a database that does not exist
// (a mistyped --db), it says so rather than creating an empty one and
// reporting nothing, or that nothing it names exists.
func readsOnly(name string) bool {
	switch name {
	case "verify", "asset list", "asset show", "history", "stocktake report", "stocktake list",
		"report kpis", "report history", "person list", "person show", "person receipt",
		"location list", "model list", "po show", "export snipeit", "queue list", "setting get", "sync status",
		// and those that change what the register already has: on a new
		// database there is nothing for them to act on.
		"asset update", "checkout", "checkin", "move", "retire", "dispose", "status",
		"stocktake start", "stocktake scan", "stocktake finish", "person update", "person offboard", "person reactivate",
		"label", "queue run", "queue cancel", "queue retry", "sync resolve", "swap", "location update", "report duplicates",
		// and those that need what only an existing one has (a model).
		"receive", "po add":
		return true
	}
	return false
}

// pureRead says whether a command never writes to the register: on a copy
// it cannot write (an auditor's evidence, a read-only mount) it opens the
// database read-only instead of refusing. (label says so itself when it
// only renders to a file: --out, not --printer.)
func pureRead(name string) bool {
	switch name {
	case "verify", "asset list", "asset show", "history", "stocktake report", "stocktake list",
		"report kpis", "report history", "person list", "person show", "person receipt",
		"location list", "model list", "po show", "export snipeit", "queue list", "setting get", "report duplicates", "sync status":
		return true
	}
	return false
}

// open opens the database for a command.
func (a *app) open(ctx context.Context) (*store.DB, error) {
	path := a.resolveDBPath()
	if a.reads && !a.demo {
		fi, err := os.Stat(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, store.Errorf(store.ENOTFOUND, "no database at %s: start one with tagdesk location add (the README shows the first steps), import a Snipe-IT CSV, sync from a server (tagdesk sync --server URL --token TOKEN), or try the demo (tagdesk --demo)", path)
		}
		if err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
			return nil, store.Errorf(store.ENOTFOUND, "no database at %s: the file is empty; nothing changed", path)
		}
	}
	if a.demo {
		// The demo database (demo.go), built on first use.
		p, err := a.demoDB(ctx, a.demoTarget())
		if err != nil {
			return nil, err
		}
		path = p
	}
	db, err := store.Open(ctx, path, store.Options{Operator: a.resolveOperator(), Notice: a.notice})
	if err != nil && a.pure && !a.demo && (store.IsReadOnly(err) || errors.Is(err, store.ErrDiskFull)) {
		// (Its refusal, if it refuses, says why a read-only copy cannot
		// be read: one an older tagdesk wrote must be upgraded first. A
		// full disk: read as it is, unless its log must be read, whose
		// shared memory the disk has no room for, which says the disk
		// is full.)
		db, err = store.Open(ctx, path, store.Options{Operator: a.resolveOperator(), ReadOnly: true})
		if errors.Is(err, store.ErrDiskFull) {
			// (A read saves nothing: it is what cannot be done.)
			err = &store.Error{Code: store.EFULL, Message: store.PartialMessage(err, "it cannot be read (its journal needs room)"), Err: err}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := a.signIn(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// signIn records an operator given as a badge, employee number, username
// or email of the register as the terminal UI's sign-in records them (a
// name is left as given: it may be anyone's). A leaver does not sign in to
// change anything, as the UI's sign-in refuses them: history would record
// them at the desk.
func (a *app) signIn(ctx context.Context, db *store.DB) error {
	if !a.pure {
		// A sync server's database: a change made in it has no place in
		// the server's log, so no desk ever receives it, and its register
		// parts from theirs unseen.
		if epoch, err := db.ServerEpoch(ctx); err != nil {
			return err
		} else if epoch != "" {
			return fmt.Errorf("this is a sync server's database (tagdesk serve): make changes on a desk, which syncs them to it; nothing changed")
		}
	}
	// A leaver named by --operator or $TAGDESK_OPERATOR, by a code or by
	// their name (the login name, a fallback, is left alone); sync only
	// carries changes made already, and goes on.
	given := strings.TrimSpace(a.operator) != "" || strings.TrimSpace(a.getenv("TAGDESK_OPERATOR")) != ""
	refuse := given && !a.pure && a.cmd != "sync"
	leaver := func(name string) error {
		return fmt.Errorf("operator %s is offboarded: give your own name, badge or username (--operator, or $TAGDESK_OPERATOR); nothing changed", name)
	}
	p, err := db.PersonByCode(ctx, db.Operator())
	if err != nil {
		if named, nerr := db.Person(ctx, db.Operator()); refuse && nerr == nil && !named.Active {
			return leaver(named.Name)
		}
		return nil
	}
	if !p.Active && refuse {
		return leaver(p.OperatorName())
	}
	db.SetOperator(p.OperatorName())
	return nil
}

// withDB opens the database, runs fn and closes it, keeping fn's error.
//
// A command that would create the register (its path names nothing yet)
// works on a new database of its own beside it and puts it in place only
// when it succeeds: a refused command on a mistyped --db leaves nothing
// behind, and nothing another tagdesk makes at that path meanwhile is ever
// removed.
func (a *app) withDB(ctx context.Context, fn func(db *store.DB) error) error {
	path := a.resolveDBPath()
	if !a.demo && !a.reads && !a.inPlace && !strings.HasSuffix(path, string(filepath.Separator)) {
		// (A path ending in a separator names a folder: the store says
		// so.)
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return a.withNewDB(ctx, path, fn)
		}
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	return closeDB(db, fn(db))
}

// notice tells the person, on stderr, what a long step of opening the
// database is doing (store.Options.Notice).
func (a *app) notice(msg string) { fmt.Fprintf(a.stderr, "tagdesk: %s\n", msg) }

// closeDB closes db, keeping err (or returning the close's).
func closeDB(db *store.DB, err error) error {
	if cerr := db.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close database: %w", cerr)
	}
	return err
}

// withNewDB runs fn on a new database at a name of its own in path's
// folder, and links it to path when fn succeeds (or a.keepNew says to
// keep it). Refused, it is removed, with the folders it made: no other
// process knows its name.
func (a *app) withNewDB(ctx context.Context, path string, fn func(db *store.DB) error) error {
	made := missingDirs(filepath.Dir(path))
	clearAbandoned(path)
	// Named with this process's id: one a killed command left is found
	// and removed by the next (clearAbandoned).
	pattern := fmt.Sprintf(".%s.new-%d-*", filepath.Base(path), os.Getpid())
	f, err := os.CreateTemp(filepath.Dir(path), pattern)
	if errors.Is(err, os.ErrNotExist) {
		// (The folder does not exist: the store makes it.)
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			f, err = os.CreateTemp(filepath.Dir(path), pattern)
		}
	}
	if err != nil {
		removeDirs(made)
		return fmt.Errorf("open %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	os.Remove(tmp) // the store creates it, 0600, and refuses a file it did not make
	// (Its refusals name path, the database the user gave: Name.)
	db, err := store.Open(ctx, tmp, store.Options{Operator: a.resolveOperator(), Name: path})
	if err != nil {
		removeDB(tmp)
		removeDirs(made)
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err = a.signIn(ctx, db); err == nil {
		err = fn(db)
	}
	err = closeDB(db, err)
	keep := err == nil
	if a.keepNew != nil {
		keep = a.keepNew(err)
	}
	left := false
	if keep {
		if lerr := placeDB(tmp, path); lerr != nil {
			err = errors.Join(err, lerr)
			// (One not fully written is left where it says, to be
			// recovered by hand: removing it lost a whole import.)
			left = store.ErrorCode(lerr) == store.EINTERNAL
		}
	}
	if !left {
		removeDB(tmp)
	}
	if !keep {
		removeDirs(made)
	}
	return err
}

// placeDB gives the new database at tmp the name path, unless path has
// come to exist meanwhile (another tagdesk made it: it is left as it is).
func placeDB(tmp, path string) error {
	if fi, err := os.Stat(tmp + "-wal"); err == nil && fi.Size() > 0 {
		// (Closing checkpoints the log into the file; a log left over
		// holds changes the file alone lacks.) Left under a name of its
		// own, which the next command's clearAbandoned does not take for
		// a killed command's: the file with its log, to recover by hand.
		base := filepath.Base(tmp)
		at := strings.LastIndex(base, ".new-") // (the path's own name may hold ".new-")
		kept := filepath.Join(filepath.Dir(tmp), base[:at]+".unfinished-"+base[at+len(".new-"):])
		if err := os.Rename(tmp+"-wal", kept+"-wal"); err != nil {
			kept = tmp
		} else if err := os.Rename(tmp, kept); err != nil {
			os.Rename(kept+"-wal", tmp+"-wal")
			kept = tmp
		} else {
			os.Remove(tmp + "-shm")
		}
		return store.Errorf(store.EINTERNAL, "the new database %s was not fully written: it is left at %s, with its log %s-wal", path, kept, filepath.Base(kept))
	}
	err := os.Link(tmp, path)
	if errors.Is(err, os.ErrExist) {
		return store.Errorf(store.ECONFLICT, "another tagdesk created %s while this command ran: this command's change is not in it; run it again", path)
	}
	if err != nil {
		// A file system without hard links: a rename, if path is still free.
		if _, serr := os.Lstat(path); !errors.Is(serr, os.ErrNotExist) {
			return store.Errorf(store.ECONFLICT, "another tagdesk created %s while this command ran: this command's change is not in it; run it again", path)
		}
		if rerr := os.Rename(tmp, path); rerr != nil {
			return fmt.Errorf("create %s: %w", path, rerr)
		}
	}
	return nil
}

// removeDB removes a database this command created, with its log.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// clearAbandoned removes the new databases commands killed before they
// finished (kill -9, a power cut) left beside path: those whose process
// is gone. A live command's is left alone.
func clearAbandoned(path string) {
	olds, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".new-*"))
	for _, f := range olds {
		if strings.HasSuffix(f, "-wal") || strings.HasSuffix(f, "-shm") {
			continue
		}
		rest := strings.TrimPrefix(filepath.Base(f), "."+filepath.Base(path)+".new-")
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone) {
			continue // running (or not ours to tell)
		}
		removeDB(f)
	}
}

// globEscape escapes filepath.Match's special characters in s.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`).Replace(s)
}

// missingDirs lists dir and those of its parents that do not exist,
// deepest first.
func missingDirs(dir string) []string {
	var out []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, os.ErrNotExist) {
			return out
		}
		out = append(out, d)
		if filepath.Dir(d) == d {
			return out
		}
	}
}

// removeDirs removes the folders a refused command made, if still empty
// (another process may have put something there).
func removeDirs(dirs []string) {
	for _, d := range dirs {
		if os.Remove(d) != nil {
			return
		}
	}
}

// flags makes a FlagSet whose --help prints the command's usage to stdout.
func (a *app) flags(c command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// onceValue is a flag's value that may be set once (parse).
type onceValue struct {
	flag.Value
	name  string
	set   bool
	twice *string // the name of the first flag given twice
}

func (o *onceValue) Set(v string) error {
	if o.set {
		if *o.twice == "" {
			*o.twice = o.name
		}
		return fmt.Errorf("given twice")
	}
	o.set = true
	return o.Value.Set(v)
}

func (o *onceValue) IsBoolFlag() bool {
	b, ok := o.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// negMark keeps a negative number from being read as an option.
const negMark = "\x00"

// isNegative says whether w is a negative number ("-5", "-1.5").
func isNegative(w string) bool { return len(w) > 1 && w[0] == '-' && w[1] >= '0' && w[1] <= '9' }

// takesValue says whether w is an option that takes the next word as its
// value (--due, not --json nor --due=X).
func takesValue(fs *flag.FlagSet, w string) bool {
	name, ok := strings.CutPrefix(w, "-")
	if !ok || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(strings.TrimPrefix(name, "-"))
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// flagError says a flag package error as the usage lines write options.
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown option --" + strings.TrimPrefix(name, "-")
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "option --" + strings.TrimPrefix(name, "-") + " needs a value"
	}
	return strings.ReplaceAll(msg, " -", " --")
}

// parseNone is parse for a command that takes options only: a word left
// over is a mistake (a misspelt option, a value without its flag), said
// rather than ignored.
func (a *app) parseNone(c command, fs *flag.FlagSet, args []string) error {
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("%s takes no arguments (got %q)", c.name, pos[0])
	}
	return nil
}

// parse parses flags that may come before, between or after the positional
// arguments, and returns the positionals. --help prints usage.
func (a *app) parse(c command, fs *flag.FlagSet, args []string) (words []string, err error) {
	defer func() {
		for i, w := range words {
			words[i] = strings.TrimPrefix(w, negMark)
			if c.codes == allCodes || i < c.codes {
				words[i] = store.DropInvisible(words[i])
			}
			// A blank word ("" from an empty shell variable) names
			// nothing: bad usage, said as such (it read "empty scan", or
			// "move: : empty asset tag"). A setting's value may be blank.
			if err == nil && strings.TrimSpace(words[i]) == "" && !(c.name == "setting set" && i > 0) {
				words, err = nil, usagef("%s: argument %d is empty", c.name, i+1)
				return
			}
		}
	}()
	// An option given twice (--to B1 --to DUB) is a mistake to say, not
	// one to settle by taking the last.
	twice := ""
	orig := map[string]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		orig[f.Name] = f.Value
		f.Value = &onceValue{Value: f.Value, name: f.Name, twice: &twice}
	})
	defer fs.VisitAll(func(f *flag.Flag) { f.Value = orig[f.Name] })
	// A negative number is a value (setting set scan_gap_ms -5), not an
	// option (no option's name starts with a digit): one that is not an
	// option's value is marked as a word, wherever it stands.
	args = slices.Clone(args)
	for i, w := range args {
		if !isNegative(w) || i > 0 && takesValue(fs, args[i-1]) {
			continue
		}
		args[i] = negMark + w
	}
	var pos []string
	for {
		err := fs.Parse(args)
		if twice != "" {
			return nil, usagef("%s: --%s given twice", c.name, twice)
		}
		if err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.VisitAll(func(f *flag.Flag) { f.Value = orig[f.Name] })
				// At most 80 columns (a desk's terminal, over SSH).
				// (A usage of several lines, a list after it, wrapped line
				// by line.)
				var usage []string
				for _, l := range strings.Split("Usage: tagdesk "+c.name+" "+c.usage, "\n") {
					usage = append(usage, wrapWords(l, helpWidth, "    "))
				}
				fmt.Fprintf(a.stdout, "%s\n\n%s\n", strings.Join(usage, "\n"), wrapWords(c.summary, helpWidth, ""))
				var b strings.Builder
				fs.SetOutput(&b)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
				if b.Len() > 0 {
					// Options as the usage lines write them: --name.
					opts := strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --")[1:]
					var o strings.Builder
					for _, l := range strings.SplitAfter(opts, "\n") {
						nl := strings.HasSuffix(l, "\n")
						l = strings.TrimSuffix(l, "\n")
						if rest, ok := strings.CutPrefix(l, "    \t"); ok {
							l = wrapWords("        "+rest, helpWidth, "        ")
						}
						o.WriteString(l)
						if nl {
							o.WriteString("\n")
						}
					}
					fmt.Fprintf(a.stdout, "\nOptions:\n%s", o.String())
				}
				return nil, errHelp
			}
			return nil, usagef("%s: %s", c.name, flagError(err))
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" && (n < 2 || !takesValue(fs, args[n-2])) {
			// The parser took "--": everything after it is words, options
			// included ("asset show -- --json" shows the asset "--json").
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
