package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	_ "modernc.org/sqlite"
)

// A command that only reads, or changes what the register has, pointed at
// a database that does not exist (a mistyped --db), says so and creates
// nothing.
func TestE2EReadOnlyMissingDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{{"asset", "list"}, {"history", "TD-1"}, {"verify"}, {"export", "snipeit"},
		{"checkout", "--to", "B1", "TD-1"}, {"checkin", "TD-1"}, {"move", "--location", "DUB", "TD-1"}, {"retire", "TD-1"}, {"sync"}} {
		_, stderr, code := cli(t, db, args...)
		if code != 1 || strings.TrimSpace(stderr) != "tagdesk: no database at "+db+": start one with tagdesk location add (the README shows the first steps), import a Snipe-IT CSV, sync from a server (tagdesk sync --server URL --token TOKEN), or try the demo (tagdesk --demo)" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("a read created the database: %v", err)
	}
	// A change creates it.
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	if out := mustCLI(t, db, "asset", "list"); !strings.HasPrefix(out, "TAG") {
		t.Errorf("asset list on the new database: %q", out)
	}
}

// A command that would create the register, refused on a new path (a
// mistyped --db), leaves nothing there, not even the folders it named; one
// that succeeds creates the database, readable by its owner only, and no
// file of its own beside it.
func TestE2ERefusedCommandLeavesNoNewDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "typo", "desk", "tagdesk.db")
	for _, args := range [][]string{
		{"person", "add", "--name", "Ann Lee", "--email", "ann@@example.org"},
		{"setting", "set", "tag_prefix", "bad prefix"},
		{"location", "add", "DUB-2", "Dublin 2", "--parent", "DUB"},
		{"model", "add", ""},
	} {
		if _, stderr, code := cli(t, db, args...); code == 0 {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Fatalf("%v left %v in %s", args, ents[0].Name(), dir)
		}
	}
	for _, args := range [][]string{{"receive", "--model", "X1", "--location", "DUB", "S1"}, {"po", "add", "PO-1", "X1=2"}} {
		if _, stderr, code := cli(t, db, args...); code != 1 || !strings.Contains(stderr, "no database at "+db) {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	mustCLI(t, db, "person", "add", "--name", "Ann Lee", "--email", "ann@example.org")
	ents, err := os.ReadDir(filepath.Dir(db))
	if err != nil || len(ents) != 1 || ents[0].Name() != "tagdesk.db" {
		t.Fatalf("after a person add: %v %v", ents, err)
	}
	if fi, err := os.Stat(db); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the new database: %v %v", fi, err)
	}
	if out := mustCLI(t, db, "person", "list"); !strings.Contains(out, "ann@example.org") {
		t.Errorf("person list: %q", out)
	}
	mustCLI(t, db, "verify")
}

// From a review: a command killed (kill -9) while it worked on a new
// database left its hidden file for good; the next command on that path
// removes those whose process is gone, and leaves a live one's. A path
// ending in a separator is a folder, said as before (it read "another
// tagdesk created newdir/").
func TestE2EAbandonedNewDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, fmt.Sprintf(".d.db.new-%d-123", dead.Process.Pid))
	live := filepath.Join(dir, fmt.Sprintf(".d.db.new-%d-456", os.Getpid()))
	for _, f := range []string{gone, gone + "-wal", live} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	for f, want := range map[string]bool{gone: false, gone + "-wal": false, live: true, db: true} {
		if _, err := os.Stat(f); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(f), err == nil, want)
		}
	}
	folder := filepath.Join(dir, "newdir") + string(filepath.Separator)
	if _, stderr, code := cli(t, folder, "location", "add", "MS", "Main"); code != 1 || !strings.Contains(stderr, "is a folder, not a database") {
		t.Errorf("--db newdir/: exit %d, %q", code, stderr)
	}
}

// From a review: a new database a full disk left "to recover by hand" kept
// the hidden name of a killed command's, and the next command on the path
// removed it. It is left under a name of its own, with its log.
func TestLeftNewDatabaseSurvivesNextCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.db")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".d.db.new-%d-77", dead.Process.Pid))
	for _, f := range []string{tmp, tmp + "-wal"} {
		if err := os.WriteFile(f, []byte("data"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err := placeDB(tmp, path)
	kept := filepath.Join(dir, fmt.Sprintf(".d.db.unfinished-%d-77", dead.Process.Pid))
	if err == nil || !strings.Contains(err.Error(), "it is left at "+kept) {
		t.Fatalf("placeDB: %v", err)
	}
	clearAbandoned(path)
	for _, f := range []string{kept, kept + "-wal"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}

// A database another tagdesk created at the path while a command worked on
// its new one is left as it is: the command says its change is not in it.
func TestPlaceDBLeavesAnotherOne(t *testing.T) {
	dir := t.TempDir()
	tmp, path := filepath.Join(dir, ".d.db.new-1"), filepath.Join(dir, "d.db")
	if err := os.WriteFile(tmp, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("theirs"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := placeDB(tmp, path)
	if err == nil || !strings.Contains(err.Error(), "another tagdesk created "+path+" while this command ran") {
		t.Fatalf("placeDB: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "theirs" {
		t.Fatalf("the other database was replaced: %q", b)
	}
	os.Remove(path)
	if err := placeDB(tmp, path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Fatalf("placed: %q", b)
	}
}

// From a new user's hunt: 19 help screens ran past 80 columns (a desk's
// terminal over SSH): every one fits, the command list and label --list too.
func TestE2EHelpFits80Columns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	check := func(what, out string) {
		for _, l := range strings.Split(out, "\n") {
			if n := len([]rune(l)); n > 80 && !strings.Contains(l, "tagdesk.db") { // (the default path is this machine's)
				t.Errorf("%s: a line of %d columns: %q", what, n, l)
			}
		}
	}
	check("--help", mustCLI(t, db, "--help"))
	check("label --list", mustCLI(t, db, "label", "--list"))
	for _, c := range commands() {
		out, _, code := cli(t, db, append(strings.Fields(c.name), "--help")...)
		if code != 0 || !strings.HasPrefix(out, "Usage: tagdesk "+c.name) {
			t.Errorf("%s --help: exit %d, %q", c.name, code, out)
		}
		check(c.name+" --help", out)
		if c.name == "asset update" && !strings.Contains(out, "\nFIELD is one of: name, serial, notes,") {
			t.Errorf("asset update --help: its list of fields broke mid-line:\n%s", out)
		}
	}
}

// From a lifecycle hunt: checkin, offboard and swap with --condition
// missing and --location moved the lost asset (and its kit) to that place.
func TestE2EMissingWithLocationRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	for _, args := range [][]string{
		{"checkin", "--condition", "missing", "--location", "DUB", "TD-1"},
		{"person", "offboard", "B1", "--condition", "missing", "--location", "DUB"},
		{"swap", "--condition", "missing", "--location", "DUB", "TD-1", "TD-2"},
	} {
		_, stderr, code := cli(t, db, args...)
		if code != 2 || !strings.Contains(stderr, "with --condition missing nothing came back: it stays where it was last recorded") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// From a new user's hunt: an empty argument (an unset shell variable)
// read "empty scan" or "move: : empty asset tag", exit 1: bad usage, said.
func TestE2EEmptyArgument(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	for _, args := range [][]string{{"asset", "show", ""}, {"history", " "}, {"move", "--location", "DUB", ""}, {"asset", "update", "", "name=x"}, {"checkout", "--to", "DUB", "TD-1", ""}} {
		_, stderr, code := cli(t, db, args...)
		if code != 2 || !strings.Contains(stderr, ": argument ") || !strings.Contains(stderr, " is empty") {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
	// A setting's value may be blank (it clears it).
	mustCLI(t, db, "setting", "set", "site", "")
}

// person add refuses a namesake no one could tell apart (a lifecycle
// hunt: two "Sam Lee" with nothing else could be named by no command).
func TestE2EPersonAddNamesake(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	mustCLI(t, db, "person", "add", "--name", "Sam Lee")
	if _, stderr, code := cli(t, db, "person", "add", "--name", "sam lee"); code != 1 || !strings.Contains(stderr, `a person named "sam lee" is here already: give this one a badge`) {
		t.Errorf("a bare namesake: exit %d, %q", code, stderr)
	}
	if _, stderr, code := cli(t, db, "person", "add", "--name", "Sam Lee", "--badge", "B2"); code != 1 || !strings.Contains(stderr, `give them one first (tagdesk person update "Sam Lee" --email ...)`) {
		t.Errorf("beside a bare namesake: exit %d, %q", code, stderr)
	}
	mustCLI(t, db, "person", "update", "Sam Lee", "--badge", "B1")
	mustCLI(t, db, "person", "add", "--name", "Sam Lee", "--badge", "B2")
}

// An empty file, or another program's SQLite database, is not a register:
// a read says so and leaves the file as it was (no tagdesk tables, no WAL
// mode), and so does a change.
func TestE2ENotATagdeskDatabase(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := cli(t, empty, "verify"); code != 1 || !strings.Contains(stderr, "the file is empty; nothing changed") {
		t.Errorf("verify on an empty file: exit %d, %q", code, stderr)
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was written: %v %v", fi, err)
	}
	other := filepath.Join(dir, "other.db")
	fdb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fdb.Exec(`CREATE TABLE foo(x); INSERT INTO foo VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	fdb.Close()
	before, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"history", "TD-1"}, {"verify"}, {"location", "add", "DUB", "Dublin"}} {
		_, stderr, code := cli(t, other, args...)
		if code != 1 || !strings.Contains(stderr, "is not a tagdesk database: it holds another program's tables (foo); nothing changed") {
			t.Errorf("%v on another program's database: exit %d, %q", args, code, stderr)
		}
	}
	if after, err := os.ReadFile(other); err != nil || string(after) != string(before) {
		t.Errorf("another program's database was changed (%v)", err)
	}
	// A Rails (or golang-migrate) database has a schema_migrations table too.
	rails := filepath.Join(dir, "rails.db")
	rdb, err := sql.Open("sqlite", rails)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.Exec(`CREATE TABLE schema_migrations(version TEXT PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20240101'); CREATE TABLE users(id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	rdb.Close()
	if _, stderr, code := cli(t, rails, "location", "add", "DUB", "Dublin"); code != 1 || !strings.Contains(stderr, "is not a tagdesk database") {
		t.Errorf("a Rails database: exit %d, %q", code, stderr)
	}
}

// --help on a command group lists its subcommands and exits 0.
func TestE2EGroupHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	out, stderr, code := cli(t, db, "person", "--help")
	if code != 0 || stderr != "" || !strings.Contains(out, "person offboard") || !strings.Contains(out, "person add") {
		t.Errorf("person --help: exit %d, %q %q", code, out, stderr)
	}
	if _, stderr, code := cli(t, db, "person"); code != 2 || !strings.Contains(stderr, "person needs a subcommand") {
		t.Errorf("person: exit %d, %q", code, stderr)
	}
}

// Help asked for twice is help (it recursed until the stack ran out), and
// "help COMMAND" is the command's.
func TestE2EHelpOfHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	for _, args := range [][]string{{"help", "--help"}, {"help", "help"}, {"--help", "--help"}, {"-h", "-h"}, {"--help", "help"}} {
		if out, stderr, code := cli(t, db, args...); code != 0 || stderr != "" || !strings.Contains(out, "asset list") {
			t.Errorf("%v: exit %d, %q %.200q", args, code, stderr, out)
		}
	}
	if out, _, code := cli(t, db, "help", "asset", "list"); code != 0 || !strings.HasPrefix(out, "Usage: tagdesk asset list") {
		t.Errorf("help asset list: exit %d, %.100q", code, out)
	}
}

// Bad usage exits 2 with one line naming it, and changes nothing: a word
// an option-only command does not take, --db given twice with two paths,
// an unknown status filter, a negative limit.
func TestE2EUsageMistakes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "extra"}, `verify takes no arguments (got "extra")`},
		{[]string{"asset", "list", "--db", filepath.Join(dir, "other.db")}, "--db given twice"},
		{[]string{"asset", "list", "--status", "bogus"}, `unknown status "bogus"`},
		{[]string{"asset", "list", "--limit", "-1"}, "--limit -1"},
		{[]string{"checkin", "--conditon", "ok", "TD-1"}, "checkin: unknown option --conditon\nrun 'tagdesk checkin --help' for its options"},
		{[]string{"checkout", "TD-1", "--to"}, "checkout: option --to needs a value"},
		{[]string{"checkin", "--condition", "", "TD-1"}, "checkin: --condition is empty: give ok, repair, retire or missing"},
		{[]string{"checkin", "--condition", "foo", "TD-1"}, `checkin: unknown condition "foo"`},
		{[]string{"swap", "--condition=", "TD-1", "TD-2"}, "swap: --condition is empty"},
		{[]string{"person", "offboard", "--condition", "", "B1"}, "person offboard: --condition is empty"},
		{[]string{"person", "offboard", "--condition", "bogus", "B1"}, `person offboard: unknown condition "bogus"`},
		{[]string{"sync", "--server", "http://[::1", "--token", "tdk_x"}, `sync: --server "http://[::1" is not a URL a server can have`},
		{[]string{"report", "history", "--from", "2026-11-29T00:30:00+08:00"}, `--from: "2026-11-29T00:30:00+08:00" is a time: give a day, YYYY-MM-DD`},
	} {
		if _, stderr, code := cli(t, db, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "other.db")); err == nil {
		t.Error("a refused command created the other database")
	}
	mustCLI(t, db, "asset", "list", "--db", db) // the same path twice is one path

	// --db "" (a script's unset variable) is refused, not the default
	// database changed.
	home := t.TempDir()
	for _, args := range [][]string{{"--db", "", "location", "add", "X", "Y"}, {"location", "add", "--db=", "X", "Y"}} {
		cmd := exec.Command(tagdeskBin(t), args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "TAGDESK_DB=", "TAGDESK_OPERATOR=e2e")
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "--db is empty: give the database's path") {
			t.Errorf("%q: %v %s", args, err, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(home, "*", "*")); len(left) != 0 {
		t.Errorf("--db \"\" made files: %v", left)
	}
}

// --demo with --db builds the demo at that path on first use.
func TestE2EDemoAtDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mine.db")
	out, stderr, code := cli(t, db, "--demo", "asset", "list", "--limit", "1")
	if code != 0 || !strings.Contains(stderr, "building a demo database at "+db) || !strings.Contains(out, "TD-000001") {
		t.Fatalf("exit %d, %q %q", code, out, stderr)
	}
	// Then it is the database, used as it is.
	if _, stderr, code := cli(t, db, "--demo", "asset", "show", "TD-000001"); code != 0 || strings.Contains(stderr, "building") {
		t.Fatalf("second run: exit %d, %q", code, stderr)
	}
}

// A sheet template makes a PDF (or a PNG per label): a file named for ZPL
// is refused, not written as a PDF under its name.
func TestE2ESheetTemplateWantsPDF(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "DUB", "SN-1")
	out := filepath.Join(dir, "sheet.zpl")
	_, stderr, code := cli(t, db, "label", "--template", "avery-l7163", "--out", out, "TD-000001")
	if code != 2 || !strings.Contains(stderr, "avery-l7163 is a sheet template: it makes a PDF") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("%s written: %v", out, err)
	}
	mustCLI(t, db, "label", "--template", "avery-l7163", "--out", filepath.Join(dir, "sheet.pdf"), "TD-000001")
}

// A server that answers but refuses (a revoked or wrong token) is not
// reported as offline.
func TestE2ESyncStatusRefusedIsNotOffline(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, filepath.Join(dir, "server.db"))
	desk := filepath.Join(dir, "desk.db")
	mustCLI(t, desk, "location", "add", "DUB", "Dublin")
	_, stderr, code := cli(t, desk, "sync", "--server", srv.url, "--token", "tdk_wrong")
	if code != 1 || !strings.Contains(stderr, "401") {
		t.Fatalf("sync with a wrong token: exit %d: %s", code, stderr)
	}
	out := mustCLI(t, desk, "sync", "status")
	if !strings.Contains(out, "(reachable, but it refused the last sync)") || strings.Contains(out, "(offline)") {
		t.Errorf("status:\n%s", out)
	}
	// The server's token list keeps its columns: times to the minute.
	addToken(t, filepath.Join(dir, "server.db"), "dublin-desk-1")
	list := mustCLI(t, filepath.Join(dir, "server.db"), "serve", "token", "list")
	if !regexp.MustCompile(`(?m)^dublin-desk-1 +- +\d{4}-\d\d-\d\d \d\d:\d\dZ +-$`).MatchString(list) {
		t.Errorf("token list:\n%s", list)
	}
}

// From a server hunt: token list and revoke on a mistyped --db made an
// empty server database, listed no tokens and revoked none, exit 0 for
// the list. Refused, and nothing is made.
func TestE2ETokenCommandsNeedTheServerDB(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo", "srever.db")
	for _, args := range [][]string{{"serve", "token", "list"}, {"serve", "token", "revoke", "desk-1"}} {
		if _, errs, code := cli(t, typo, args...); code != 1 || !strings.Contains(errs, "no server database at") {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "typo")); !os.IsNotExist(err) {
		t.Errorf("a folder was made: %v", err)
	}
}

// From a server review: restoring the server's database from a backup
// (README's steps: the files beside it left in place) brought back a
// token revoked since. The restored server revokes it again and says so.
func TestE2ERestoredServerRevokesAgain(t *testing.T) {
	dir := t.TempDir()
	srvDB := filepath.Join(dir, "server.db")
	addToken(t, srvDB, "lost-laptop")
	backup, err := os.ReadFile(srvDB)
	if err != nil {
		t.Fatal(err)
	}
	mustCLI(t, srvDB, "serve", "token", "revoke", "lost-laptop")
	os.Remove(srvDB + "-wal")
	os.Remove(srvDB + "-shm")
	if err := os.WriteFile(srvDB, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := cli(t, srvDB, "serve", "token", "list")
	if code != 0 || !strings.Contains(errs, "token(s) lost-laptop were revoked: revoked again") {
		t.Fatalf("token list after the restore: exit %d\n%s%s", code, out, errs)
	}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == "lost-laptop" && len(f) != 6 {
			t.Errorf("token list does not show it revoked:\n%s", out)
		}
	}
}

// From a server hunt: desk commands changed a sync server's own database
// (a location added there), which no desk ever received, and verify
// passed everywhere. Refused; reading is left alone.
func TestE2EDeskChangesRefusedOnServerDB(t *testing.T) {
	srvDB := filepath.Join(t.TempDir(), "server.db")
	addToken(t, srvDB, "desk-1")
	if _, errs, code := cli(t, srvDB, "location", "add", "ZZZ", "on server"); code != 1 || !strings.Contains(errs, "a sync server's database") {
		t.Fatalf("location add on the server's database: exit %d %s", code, errs)
	}
	if out := mustCLI(t, srvDB, "location", "list"); strings.Contains(out, "ZZZ") {
		t.Errorf("the refused location is there:\n%s", out)
	}
	mustCLI(t, srvDB, "verify")
}

// From a server review: verify --server on a sync server's own database
// said "no sync server configured: run tagdesk sync --server URL --token
// TOKEN", advice for a desk. It says what the option is for and what to
// run there instead.
func TestE2EVerifyServerOnServerDB(t *testing.T) {
	srvDB := filepath.Join(t.TempDir(), "server.db")
	addToken(t, srvDB, "desk-1")
	out, errs, code := cli(t, srvDB, "verify", "--server")
	if code != 1 || !strings.Contains(errs, "a sync server's database") || !strings.Contains(errs, "tagdesk verify without --server") || strings.Contains(errs+out, "run tagdesk sync") {
		t.Fatalf("verify --server on the server's database: exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "events:") {
		t.Errorf("it verified before refusing:\n%s", out)
	}
}

// From a hunt of several processes on one desk: a first sync killed after
// its first batches went through left sync status saying "offline at the
// last sync" (its end, with the attempt, was never recorded).
func TestE2ESyncStatusCutOffIsNotOffline(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, filepath.Join(dir, "server.db"))
	desk := filepath.Join(dir, "desk.db")
	mustCLI(t, desk, "location", "add", "DUB", "Dublin")
	mustCLI(t, desk, "sync", "--server", srv.url, "--token", addToken(t, filepath.Join(dir, "server.db"), "desk-1"))
	// As a sync killed after a batch leaves it: a push recorded, no attempt.
	sdb, err := sql.Open("sqlite", desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdb.Exec(`UPDATE sync_state SET last_attempt = '', last_error = '' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	if out := mustCLI(t, desk, "sync", "status"); !strings.Contains(out, "cut off before it finished") || strings.Contains(out, "offline") {
		t.Errorf("status:\n%s", out)
	}
	// (A review: after an attempt that failed, as well.)
	sdb, err = sql.Open("sqlite", desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdb.Exec(`UPDATE sync_state SET last_attempt = '2000-01-01T00:00:00Z', last_error = 'cannot reach the server' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	if out := mustCLI(t, desk, "sync", "status"); !strings.Contains(out, "cut off before it finished") || strings.Contains(out, "offline") {
		t.Errorf("status after a failed attempt:\n%s", out)
	}
}

// A batch with a label that does not fit its template writes nothing (not
// a random part of the batch) and says which: a line for it, then the
// summary.
func TestE2ELabelBatchAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	long := "LONGTAG-" + strings.Repeat("9", 24)
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "DUB", "SN-1", "SN-2")
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--tag", long, "SN-3")
	out := filepath.Join(dir, "png")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := cli(t, db, "label", "--out", filepath.Join(out, "x.png"), "TD-000001", long, "TD-000002")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], long+": ") || !strings.Contains(lines[0], "zebra-2x1-203") ||
		lines[1] != "tagdesk: 1 of 3 label(s) cannot be printed with zebra-2x1-203, nothing written: "+long {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if files, _ := os.ReadDir(out); len(files) != 0 {
		t.Fatalf("%d file(s) written", len(files))
	}
}

// A name too long for the template prints cut short, with a warning; the
// label is not refused for its text.
func TestE2ELabelLongNameCutShort(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	name := "Finance spare laptop for the month-end close, do not reimage without asking Ana"
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--name", name, "SN-1")
	out := filepath.Join(dir, "x.zpl")
	_, stderr, code := cli(t, db, "label", "--out", out, "TD-000001")
	if code != 0 || !strings.Contains(stderr, "warning: TD-000001: text too long for zebra-2x1-203 prints cut short or is left out (name); the tag and the codes are whole") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	zpl, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(zpl), "^FDFinance spare") || !strings.Contains(string(zpl), "...^FS") || !strings.Contains(string(zpl), "^FDTD-000001^FS") {
		t.Errorf("label:\n%s", zpl)
	}
	// The label its receipt queued says so too when the queue prints it.
	_, stderr, code = cli(t, db, "queue", "run", "--printer", filepath.Join(dir, "spool.zpl"))
	if code != 0 || !strings.Contains(stderr, "warning: TD-000001: text too long for zebra-2x1-203 printed cut short or left out (name)") {
		t.Fatalf("queue run: exit %d: %s", code, stderr)
	}
}

// A desk restored from an old backup (or copied to another machine) is
// told how to get going again, not only that something is wrong.
func TestE2ESyncRestoredDeskToldTheWayOut(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, filepath.Join(dir, "server.db"))
	tok := addToken(t, filepath.Join(dir, "server.db"), "desk")
	desk := filepath.Join(dir, "desk.db")
	mustCLI(t, desk, "location", "add", "DUB", "Dublin")
	mustCLI(t, desk, "sync", "--server", srv.url, "--token", tok)
	backup, err := os.ReadFile(desk)
	if err != nil {
		t.Fatal(err)
	}
	mustCLI(t, desk, "location", "add", "MAD", "Madrid")
	mustCLI(t, desk, "sync")
	restored := filepath.Join(dir, "restored.db")
	if err := os.WriteFile(restored, backup, 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := cli(t, restored, "sync")
	if code != 1 || !strings.Contains(stderr, "restored from an old backup") || !strings.Contains(stderr, "start a fresh database for the desk") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The way out, as the message says.
	fresh := filepath.Join(dir, "fresh.db")
	mustCLI(t, fresh, "sync", "--server", srv.url, "--token", addToken(t, filepath.Join(dir, "server.db"), "desk-again"))
	if out := mustCLI(t, fresh, "location", "list"); !strings.Contains(out, "DUB") || !strings.Contains(out, "MAD") {
		t.Fatalf("the fresh desk has:\n%s", out)
	}
}

// Purchase orders from the command line: receiving counts against one, and
// receiving beyond it is done but warned about.
func TestE2EPurchaseOrders(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	if out := mustCLI(t, db, "po", "add", "PO-7", "--supplier", "Dell", "Latitude 5440=2"); !strings.Contains(out, "added purchase order PO-7") {
		t.Fatalf("po add: %q", out)
	}
	if _, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-7", "S1"); code != 0 || stderr != "" {
		t.Fatalf("within the order: exit %d, %q", code, stderr)
	}
	_, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-7", "S2", "S3")
	if code != 0 || !strings.Contains(stderr, "warning: beyond order PO-7: 3 of 2 Latitude 5440 received") {
		t.Fatalf("beyond the order: exit %d, %q", code, stderr)
	}
	// A model the order does not name: received, warned about, and shown.
	mustCLI(t, db, "model", "add", "Dock", "--number", "WD19")
	_, stderr, code = cli(t, db, "receive", "--model", "WD19", "--location", "DUB", "--po", "PO-7", "D1")
	if code != 0 || !strings.Contains(stderr, "warning: Dock is not on order PO-7: 1 received all the same") {
		t.Fatalf("a model not on the order: exit %d, %q", code, stderr)
	}
	if out := mustCLI(t, db, "po", "show", "PO-7"); !strings.Contains(out, "Latitude 5440                  3 of 2 received\n  Dock                           1 received, 1 not on the order") {
		t.Errorf("po show:\n%s", out)
	}
	// From a purchasing hunt: a receipt warned of every line beyond its
	// order, not only the ones it received.
	if _, stderr, code := cli(t, db, "receive", "--model", "WD19", "--location", "DUB", "--po", "PO-7", "D2"); code != 0 || strings.Contains(stderr, "Latitude") {
		t.Errorf("a dock received: exit %d, %q", code, stderr)
	}
	// A dock registered on PO-7 (an On Order row) arrives: on its order, no
	// warning, though docks came beyond it before (a review).
	dock := filepath.Join(t.TempDir(), "dock.csv")
	if err := os.WriteFile(dock, []byte("Asset Tag,Serial,Model Name,Model No.,Status,Location,Purchase Order\nPD-1,PDOCK-1,Dock,WD19,On Order,DUB,PO-7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", dock)
	if _, stderr, code := cli(t, db, "receive", "--model", "WD19", "--location", "DUB", "--po", "PO-7", "PDOCK-1"); code != 0 || strings.Contains(stderr, "warning") {
		t.Errorf("a registered dock's arrival: exit %d, %q", code, stderr)
	}
	// An order an import made holds no quantities: what is registered on
	// it is shown, and receiving against it warns of nothing.
	csv := filepath.Join(t.TempDir(), "pending.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Serial,Model Name,Model No.,Status,Location,Purchase Order\nP-1,PEND-1,Latitude 5440,L5440,On Order,DUB,PO-9\nP-2,PEND-2,Latitude 5440,L5440,On Order,DUB,PO-9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", csv)
	if out := mustCLI(t, db, "po", "show", "PO-9"); !strings.Contains(out, "no quantities ordered") || !strings.Contains(out, "Latitude 5440                  2 registered, not come yet") {
		t.Errorf("po show of an imported order:\n%s", out)
	}
	if _, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-9", "PEND-1"); code != 0 || strings.Contains(stderr, "warning") || !strings.Contains(stderr, "P-1 was on order") {
		t.Errorf("an arrival on an imported order: exit %d, %q", code, stderr)
	}
	// Its arrival under another order, or one there is not: refused,
	// nothing changed (it arrived, and said no such order).
	for _, po := range []string{"PO-7", "PO-NOPE"} {
		if _, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", po, "PEND-2"); code != 1 || !strings.Contains(stderr, "nothing was received") {
			t.Errorf("PEND-2 under %s: exit %d, %q", po, code, stderr)
		}
	}
	if out := mustCLI(t, db, "asset", "show", "P-2"); !strings.Contains(out, "on order") {
		t.Errorf("P-2 after refusals:\n%s", out)
	}
	// Its serial twice, duplicates allowed: the first arrives, the second
	// is said as the duplicate (it said P-2 was "still on order").
	_, stderr, code = cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "--allow-duplicate-serial", "PEND-2", "PEND-2")
	if code != 0 || !strings.Contains(stderr, "note: P-2 was on order: it has arrived") || !strings.Contains(stderr, "has the serial of P-2 too") || strings.Contains(stderr, "still on order") {
		t.Errorf("PEND-2 twice: exit %d, %q", code, stderr)
	}
	if _, stderr, code := cli(t, db, "po", "add", "PO-10", "Latitude 5440=2", "L5440=3"); code != 1 || !strings.Contains(stderr, "L5440 and Latitude 5440 name one model") {
		t.Errorf("one model twice: exit %d, %q", code, stderr)
	}
	for _, args := range [][]string{{"po", "add", "PO-8", "Nope=2"}, {"po", "add", "PO-7", "Latitude 5440=1"}} {
		if _, stderr, code := cli(t, db, args...); code != 1 || !strings.Contains(stderr, "nothing changed") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	if _, _, code := cli(t, db, "po", "add", "PO-9", "Latitude 5440=0"); code != 2 {
		t.Errorf("a zero quantity: exit %d", code)
	}
}

// decode of a file that is not there says so, not "no readable code".
func TestE2EDecodeMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.png")
	_, stderr, code := cli(t, filepath.Join(t.TempDir(), "t.db"), "decode", missing)
	if code != 1 || !strings.Contains(stderr, "1 of 1 file(s) could not be read as images") || strings.Contains(stderr, "no readable code") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// An option given twice is bad usage, not settled by taking the last.
func TestE2EOptionTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	for _, args := range [][]string{{"checkout", "--to", "B3", "--to", "DUB", "TD-4"}, {"asset", "list", "--json", "TD", "--json"}, {"location", "add", "X", "Y", "--parent", "DUB", "--parent", "DUB"}} {
		if _, stderr, code := cli(t, db, args...); code != 2 || !strings.Contains(stderr, "given twice") {
			t.Errorf("%v: exit %d %s", args, code, stderr)
		}
	}
}

// The desk's default place follows XDG_DATA_HOME when it is absolute, and
// ignores a relative one (the XDG spec), which would move with the folder
// a command runs in.
func TestDefaultDBPathXDG(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if got := defaultDBPath(env(map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/home/ana"})); got != "/data/tagdesk/tagdesk.db" {
		t.Errorf("absolute XDG_DATA_HOME: %s", got)
	}
	if got := defaultDBPath(env(map[string]string{"XDG_DATA_HOME": "data", "HOME": "/home/ana"})); got != "/home/ana/.local/share/tagdesk/tagdesk.db" {
		t.Errorf("relative XDG_DATA_HOME: %s", got)
	}
	if got := userTemplatesPath(env(map[string]string{"XDG_CONFIG_HOME": "conf", "HOME": "/home/ana"})); got != "/home/ana/.config/tagdesk/labels.toml" {
		t.Errorf("relative XDG_CONFIG_HOME: %s", got)
	}
}

// Tables stay aligned with wide (CJK) names: every row's columns start at
// the same terminal cell as the header's.
func TestE2ETablesAlignWideNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "wide.db")
	mustCLI(t, db, "location", "add", "TYO", "東京本社")
	mustCLI(t, db, "location", "add", "OSA", "Osaka")
	mustCLI(t, db, "person", "add", "--name", "山田太郎", "--badge", "B1")
	mustCLI(t, db, "person", "add", "--name", "Ann Lee", "--badge", "B2")
	for _, args := range [][]string{{"location", "list"}, {"person", "list"}} {
		out := mustCLI(t, db, args...)
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		at := func(l, word string) int {
			i := strings.Index(l, word)
			if i < 0 {
				return -1
			}
			return ansi.StringWidth(l[:i])
		}
		// The column after the name: PARENT (locations) or BADGE (people).
		head, a, b := lines[0], "", ""
		switch args[0] {
		case "location":
			head, a, b = "ASSETS", "0", "0"
		case "person":
			head, a, b = "BADGE", "B1", "B2"
		}
		want := at(lines[0], head)
		var got []int
		for _, l := range lines[1:] {
			w := a
			if !strings.Contains(l, "東京") && !strings.Contains(l, "山田") {
				w = b
			}
			got = append(got, at(l, " "+w)+1)
		}
		for _, g := range got {
			if g != want {
				t.Errorf("%v: columns at %v, header's at %d:\n%s", args, got, want, out)
				break
			}
		}
	}
}

// A bad option value is bad usage (exit 2), as an unknown option is.
func TestE2EBadOptionValuesAreUsage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "u.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	for _, args := range [][]string{
		{"label", "--format", "gif", "--out", filepath.Join(dir, "x.gif"), "TD-1"},
		{"label", "--template", "nope", "--out", filepath.Join(dir, "x.png"), "TD-1"},
		{"checkout", "--due", "notadate", "--to", "B1", "TD-1"},
		{"receive", "--model", "M", "--location", "DUB", "--warranty-end", "2024-02-31", "S1"},
		{"checkin", "--condition", "smashed", "TD-1"},
		{"asset", "list", "--status", "bogus"},
	} {
		if _, errs, code := cli(t, db, args...); code != 2 || !strings.Contains(errs, "--help") {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
}

// Receiving the serial of an asset on order says it arrived (stderr), and
// stdout keeps its TAG<tab>SERIAL lines.
func TestE2EReceiveOnOrderSaysArrived(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "arr.db")
	csvPath := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(csvPath, []byte("Asset Tag,Model Name,Serial Number,Status,Location\nP-1,Lat,SNP,On Order,DUB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", csvPath)
	out, errs, code := cli(t, db, "receive", "--model", "Lat", "--location", "DUB", "SNP", "NEWSN")
	if code != 0 || out != "P-1\tSNP\nTD-000001\tNEWSN\n" || errs != "note: P-1 was on order: it has arrived\n" {
		t.Fatalf("exit %d\n%q\n%q", code, out, errs)
	}
}

// An operator given as a badge (--operator, $TAGDESK_OPERATOR) is recorded
// as the terminal UI's sign-in records that person: by username.
func TestOperatorGivenAsBadge(t *testing.T) {
	db := filepath.Join(t.TempDir(), "op.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "person", "add", "--name", "Aditya Gupta", "--badge", "B10030", "--username", "agupta")
	mustCLI(t, db, "--operator", "b10030", "location", "add", "LAB", "Lab")
	out := mustCLI(t, db, "report", "history", "--json")
	if !strings.Contains(out, `"operator":"agupta"`) || strings.Contains(out, `"operator":"b10030"`) {
		t.Fatalf("history:\n%s", out)
	}
}

// From an auditor's hunt: a leaver given as --operator (or
// $TAGDESK_OPERATOR) changed the register in their name, which the UI's
// sign-in refuses. Refused for a change; reading is left alone.
func TestOffboardedOperatorRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "op.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "person", "add", "--name", "Aditya Gupta", "--badge", "B10030", "--username", "agupta")
	mustCLI(t, db, "person", "offboard", "agupta")
	before := mustCLI(t, db, "report", "history", "--json")
	_, errs, code := cli(t, db, "--operator", "agupta", "location", "add", "LAB", "Lab")
	if code != 1 || !strings.Contains(errs, "operator agupta is offboarded") {
		t.Fatalf("a leaver as operator: exit %d %s", code, errs)
	}
	if after := mustCLI(t, db, "report", "history", "--json"); after != before {
		t.Errorf("the refused change changed the log")
	}
	mustCLI(t, db, "--operator", "agupta", "location", "list")
	// By name too (a review); sync, which carries changes made already,
	// is left to go on.
	if _, errs, code := cli(t, db, "--operator", "Aditya Gupta", "location", "add", "LAB", "Lab"); code != 1 || !strings.Contains(errs, "operator Aditya Gupta is offboarded") {
		t.Fatalf("a leaver by name as operator: exit %d %s", code, errs)
	}
	if _, errs, _ := cli(t, db, "--operator", "agupta", "sync"); strings.Contains(errs, "offboarded") {
		t.Errorf("sync refused for a leaver operator: %s", errs)
	}
}

// history --json has the same keys on every event: "site" and "refused"
// too when empty (a script reading them did not find them).
func TestHistoryJSONKeysAlwaysThere(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "HQ", "S1")
	var evs []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "history", "S1", "--json")), &evs); err != nil || len(evs) == 0 {
		t.Fatalf("history --json: %v %d", err, len(evs))
	}
	// And what the text and CSV say of each (a new user's hunt: "every
	// field" lacked them), in report history --json too.
	var all []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "report", "history", "--json")), &all); err != nil || len(all) != 3 {
		t.Fatalf("report history --json: %v %d", err, len(all))
	}
	for _, k := range []string{"site", "refused", "summary", "subject_label"} {
		if _, ok := evs[0][k]; !ok {
			t.Errorf("history --json lacks %q: %v", k, evs[0])
		}
		if _, ok := all[2][k]; !ok {
			t.Errorf("report history --json lacks %q: %v", k, all[2])
		}
	}
	if evs[0]["summary"] != "received as TD-000001 (in stock), serial S1, at Head office (HQ)" || all[2]["subject_label"] != "TD-000001" {
		t.Errorf("summary %q, subject label %q", evs[0]["summary"], all[2]["subject_label"])
	}
}

// The commands that change assets print them as JSON on --json, for
// scripts, as the ones that read them do.
func TestMutationsPrintJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "location", "add", "LAB", "Lab")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	mustCLI(t, db, "person", "add", "--name", "Ann Lee", "--badge", "B1")
	list := func(args ...string) []map[string]any {
		t.Helper()
		var out []map[string]any
		if err := json.Unmarshal([]byte(mustCLI(t, db, args...)), &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out
	}
	one := func(args ...string) map[string]any {
		t.Helper()
		var out map[string]any
		if err := json.Unmarshal([]byte(mustCLI(t, db, args...)), &out); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out
	}
	got := list("receive", "--json", "--model", "Latitude 5440", "--location", "HQ", "S1", "S2")
	if len(got) != 2 || got[0]["serial"] != "S1" {
		t.Fatalf("receive --json: %v", got)
	}
	tag := got[0]["tag"].(string)
	if got := list("checkout", "--json", "--to", "B1", tag); len(got) != 1 || got[0]["custodian"] != "B1" {
		t.Fatalf("checkout --json: %v", got)
	}
	if got := list("checkin", "--json", tag); len(got) != 1 || got[0]["status"] != "in_stock" {
		t.Fatalf("checkin --json: %v", got)
	}
	if got := one("move", "--json", "--location", "LAB", tag); len(got["moved"].([]any)) != 1 || len(got["already"].([]any)) != 0 {
		t.Fatalf("move --json: %v", got)
	}
	if got := one("asset", "update", "--json", tag, "notes=spare"); got["notes"] != "spare" {
		t.Fatalf("asset update --json: %v", got)
	}
	if got := one("status", "--json", tag, "in_repair"); got["status"] != "in_repair" {
		t.Fatalf("status --json: %v", got)
	}
	if got := one("retire", "--json", tag); got["status"] != "retired" {
		t.Fatalf("retire --json: %v", got)
	}
	if got := one("dispose", "--json", tag, "--method", "shred"); got["status"] != "disposed" {
		t.Fatalf("dispose --json: %v", got)
	}
}

// An operator given as a name is left as given: a clerk not in the
// register who shares a name with someone in it is not made that person.
func TestOperatorGivenAsNameStaysAsGiven(t *testing.T) {
	db := filepath.Join(t.TempDir(), "op2.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "person", "add", "--name", "Sam Lee", "--username", "slee2")
	mustCLI(t, db, "--operator", "sam lee", "location", "add", "LAB", "Lab")
	if out := mustCLI(t, db, "report", "history", "--json"); !strings.Contains(out, `"operator":"sam lee"`) {
		t.Fatalf("history:\n%s", out)
	}
}

// Offboarding a leaver who kept everything: said as not returned, and no
// return receipt for it.
func TestOffboardNothingReturned(t *testing.T) {
	db := filepath.Join(t.TempDir(), "nr.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "model", "add", "Latitude 5440")
	mustCLI(t, db, "person", "add", "--name", "Ann Lee", "--badge", "B1")
	mustCLI(t, db, "receive", "--model", "Latitude 5440", "--location", "HQ", "S1")
	mustCLI(t, db, "checkout", "--to", "B1", "TD-000001")
	if _, errs, code := cli(t, db, "person", "offboard", "B1", "--condition", "missing", "--receipt", filepath.Join(t.TempDir(), "r.pdf")); code != 2 || !strings.Contains(errs, "a return receipt is for what came back") {
		t.Fatalf("receipt for nothing returned: exit %d %s", code, errs)
	}
	out := mustCLI(t, db, "person", "offboard", "B1", "--condition", "missing")
	if !strings.Contains(out, "TD-000001 not returned: missing at HQ") || !strings.Contains(out, "1 asset(s) not returned, marked missing") {
		t.Fatalf("offboard:\n%s", out)
	}
}

// The README's examples "run in order on a new database": each line of the
// block after that sentence, run against one new database, exits 0 (the
// anchor and the server's check need values a run prints or a server).
func TestE2EReadmeExamplesRunInOrder(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "The examples run in order on a new database")
	if i < 0 {
		t.Fatal("the README no longer says its examples run in order")
	}
	blocks := strings.SplitN(s[i:], "\n\n", 3)
	if len(blocks) < 2 {
		t.Fatal("no example block")
	}
	db := filepath.Join(t.TempDir(), "readme.db")
	ran := 0
	for _, line := range strings.Split(blocks[1], "\n") {
		cmd, _, _ := strings.Cut(strings.TrimSpace(line), "  #")
		cmd = strings.TrimSpace(cmd)
		if !strings.HasPrefix(cmd, "tagdesk ") || strings.Contains(cmd, "DEVICE:SEQ") || strings.Contains(cmd, "--server") {
			continue
		}
		for _, part := range strings.Split(cmd, " && ") {
			args, err := shellWords(strings.TrimPrefix(strings.TrimSpace(part), "tagdesk "))
			if err != nil {
				t.Fatalf("%s: %v", part, err)
			}
			if _, errs, code := cli(t, db, args...); code != 0 {
				t.Errorf("README: %s: exit %d: %s", part, code, errs)
			}
			ran++
		}
	}
	if ran < 15 {
		t.Fatalf("ran %d README commands; the block was not found whole", ran)
	}
}

// shellWords splits a command line as a shell would for the README's
// examples: words, and double-quoted words with spaces.
func shellWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, has := false, false
	for _, r := range s {
		switch {
		case r == '"':
			in, has = !in, true
		case r == ' ' && !in:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if in {
		return nil, fmt.Errorf("unclosed quote")
	}
	if has {
		out = append(out, cur.String())
	}
	return out, nil
}

// Mistakes found by a hunt through the commands' bad input: each is
// refused whole (exit 2 for a bad option value, 1 for a refusal) and
// changes nothing.
func TestE2EBadInputRefusedWhole(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440", "--manufacturer", "Dell", "--category", "Laptop")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "SNQA", "SNQB", "SNQC") // queues jobs 1-3
	for _, args := range [][]string{
		{"setting", "set", "audit_interval_months", "2400"}, // a next audit past 2199
		{"setting", "set", "audit_warning_days", "x"},
		{"report", "history", "--csv", "--json"},
		{"queue", "cancel", "2xyz"}, // it cancelled job 2
		{"queue", "retry", "--printer", "bogus://x", "1"},
		{"queue", "retry", "--template", "nope", "1"},
	} {
		if _, stderr, code := cli(t, db, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	if _, stderr, code := cli(t, db, "queue", "cancel", "3", "999"); code != 1 || !strings.Contains(stderr, "999") {
		t.Errorf("cancel 3 999: exit %d %s", code, stderr)
	}
	if out := mustCLI(t, db, "queue", "list"); strings.Contains(out, "cancelled") || strings.Count(out, "queued") < 3 {
		t.Errorf("a refused cancel changed the queue:\n%s", out)
	}
	// A mistyped --db: a command that only reads, or changes what the
	// register has, makes no empty register.
	for i, args := range [][]string{{"report", "duplicates"}, {"swap", "TD-1", "TD-2"}, {"location", "update", "DUB", "--name", "X"}} {
		typo := filepath.Join(dir, fmt.Sprintf("typo%d.db", i))
		if _, _, code := cli(t, typo, args...); code != 1 {
			t.Errorf("%v: exit %d", args, code)
		}
		if _, err := os.Stat(typo); err == nil {
			t.Errorf("%v left %s behind", args, typo)
		}
	}
	// A token's name is printed: no terminal escapes, one name a desk.
	srv := filepath.Join(dir, "srv.db")
	if _, _, code := cli(t, srv, "serve", "token", "add", "a\x1b[2Jb"); code != 2 {
		t.Errorf("token with an escape: exit %d", code)
	}
	mustCLI(t, srv, "serve", "token", "add", "DESK-1")
	if _, stderr, code := cli(t, srv, "serve", "token", "add", "desk-1"); code != 1 || !strings.Contains(stderr, "DESK-1 already exists") {
		t.Errorf("desk-1 beside DESK-1: exit %d %s", code, stderr)
	}
}

// Messages that said things twice or not at all: a negative value is the
// value's mistake, not an unknown option; a folder or another kind of file
// given as --db is named so, not by SQLite's error number; a blank
// operator is none; a move of a disposed asset names it once.
func TestE2EMessagesSaidOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	if _, errs, code := cli(t, db, "setting", "set", "scan_gap_ms", "-5"); code != 2 || !strings.Contains(errs, `(got "-5")`) {
		t.Errorf("a negative value: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "asset", "show", "--json", "-5"); code != 1 || !strings.Contains(errs, `"-5"`) {
		t.Errorf("a negative word after an option: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, dir, "asset", "list"); code != 1 || !strings.Contains(errs, "is a folder, not a database") {
		t.Errorf("--db a folder: exit %d %s", code, errs)
	}
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte(strings.Repeat("not a database\n", 100)), 0o644)
	if _, errs, code := cli(t, other, "asset", "list"); code != 1 || !strings.Contains(errs, "is not a database (a file of another kind)") {
		t.Errorf("--db a text file: exit %d %s", code, errs)
	}
	mustCLI(t, db, "--operator", "   ", "location", "add", "CORK", "Cork")
	if h := mustCLI(t, db, "report", "history", "--json"); strings.Contains(h, `"operator":"   "`) {
		t.Errorf("a blank operator was recorded: %.300s", h)
	}
	mustCLI(t, db, "model", "add", "M", "--number", "M1", "--manufacturer", "D")
	tag := strings.Fields(mustCLI(t, db, "receive", "--model", "M1", "--location", "DUB", "SN-D1"))[0]
	mustCLI(t, db, "dispose", tag, "--method", "shred")
	if _, errs, code := cli(t, db, "move", "--location", "CORK", tag); code != 1 || strings.Count(errs, tag) != 1 {
		t.Errorf("move of a disposed asset: exit %d %s", code, errs)
	}
	if got := saidOnce("location add: the desk is busy: another tagdesk is writing to it (an import or a sync); nothing changed, try again when it has finished; nothing changed"); strings.Count(got, "nothing changed") != 1 {
		t.Errorf("busy: %s", got)
	}
}

// After "--" every word is a word, options included.
func TestE2EDoubleDashEndsOptions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	if out, errs, code := cli(t, db, "location", "add", "--", "-X", "Dash"); code == 0 || strings.Contains(out, "added") {
		t.Errorf("location add -- -X: exit %d %s %s", code, out, errs)
	}
	if _, errs, code := cli(t, db, "asset", "show", "--", "TD-1", "--json"); code != 2 || !strings.Contains(errs, "needs one TAG") {
		t.Errorf("asset show -- TD-1 --json: exit %d %s", code, errs)
	}
	// An option's value that is "--" is a value, not the end of options.
	mustCLI(t, db, "model", "add", "M", "--number", "M1", "--manufacturer", "D")
	tag := strings.Fields(mustCLI(t, db, "receive", "--model", "M1", "--location", "DUB", "SN-DD"))[0]
	if out, errs, code := cli(t, db, "retire", "--reason", "--", tag, "--json"); code != 0 || !strings.Contains(out, `"status": "retired"`) {
		t.Errorf("retire --reason -- TAG --json: exit %d %s %s", code, out, errs)
	}
}

// From a fuzz hunt: asset show took a tag with a scanner's AIM prefix or
// the label's QR link, and checkout, checkin, move and retire refused them
// ("asset tag "]Q1TD-000001" has "]""); --to refused a badge scanned with
// its prefix. A serial is not a tag argument (a review: a tag typed that
// was no asset's retired the asset whose serial it was).
func TestE2ETagArgumentsReadAsScans(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "location", "add", "DUB-2", "Dublin two")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--badge", "B1001")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "SN-1", "TD-000009")
	// receive says the serial as stored: a scanner's AIM prefix dropped.
	if out := mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "]C1SN-AIM-3"); strings.TrimSpace(out) != "TD-000003\tSN-AIM-3" {
		t.Errorf("receive of a prefixed serial said %q", out)
	}
	if out := mustCLI(t, db, "checkout", "--to", "]C1B1001", "]Q1TD-000001", "https://assets.example.com/a/TD-000002"); !strings.Contains(out, "TD-000001") || !strings.Contains(out, "TD-000002") {
		t.Fatalf("checkout: %s", out)
	}
	mustCLI(t, db, "checkin", "]Q1TD-000001", "td-000002")
	mustCLI(t, db, "move", "--location", "DUB-2", "]C1TD-000001")
	if out := mustCLI(t, db, "asset", "show", "TD-000001"); !strings.Contains(out, "DUB-2") {
		t.Errorf("TD-000001 after the move:\n%s", out)
	}
	// TD-000009 is TD-000002's serial, and no asset's tag: refused.
	if _, stderr, code := cli(t, db, "retire", "TD-000009"); code != 1 || !strings.Contains(stderr, "TD-000009") {
		t.Errorf("retire TD-000009: exit %d, %q", code, stderr)
	}
	if out := mustCLI(t, db, "asset", "show", "TD-000002"); strings.Contains(out, "retired") {
		t.Errorf("TD-000002 retired by its serial:\n%s", out)
	}
	// A link that names no asset says why.
	if _, stderr, code := cli(t, db, "checkin", "https://snipe.example.com/hardware/99"); code != 1 || !strings.Contains(stderr, "Snipe-IT label") {
		t.Errorf("checkin of a Snipe-IT link: exit %d, %q", code, stderr)
	}
	mustCLI(t, db, "retire", "]C1TD-000002")
	// A serial with a slash is a serial, not a link (a review).
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "CN/0452/77")
	if _, stderr, code := cli(t, db, "retire", "CN/0452/77"); code != 1 || !strings.Contains(stderr, "CN/0452/77") {
		t.Errorf("retire by a serial with slashes: exit %d, %q", code, stderr)
	}
}

// checkout --to took a parent asset only by its plain tag; the check-out
// screen took its label's QR link or its serial with a scanner's AIM
// prefix, as scans anywhere do. Both now read it by one resolver.
func TestE2ECheckoutToParentAsScanned(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--badge", "B1001")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "SN-1", "SN-2", "SN-3", "SN-4")
	if out := mustCLI(t, db, "checkout", "--to", "https://assets.example.com/a/TD-000001", "TD-000002"); !strings.Contains(out, "TD-000002 checked out to TD-000001") {
		t.Errorf("checkout --to a QR link: %s", out)
	}
	if out := mustCLI(t, db, "checkout", "--to", "]C1SN-1", "TD-000003"); !strings.Contains(out, "TD-000003 checked out to TD-000001") {
		t.Errorf("checkout --to a prefixed serial: %s", out)
	}
	// A person and a place come first, as the README says.
	if out := mustCLI(t, db, "checkout", "--to", "]C1B1001", "TD-000001"); !strings.Contains(out, "Ana Silva") {
		t.Errorf("checkout --to a badge: %s", out)
	}
	if _, stderr, code := cli(t, db, "checkout", "--to", "https://assets.example.com/a/TD-000001?t=TD-000002", "TD-000004"); code != 1 || !strings.Contains(stderr, "two assets") || !strings.Contains(stderr, "nothing was checked out") {
		t.Errorf("checkout --to a link naming two assets: exit %d, %q", code, stderr)
	}
}

// From a fuzz hunt: the import's summary named custom fields by their
// columns' headers ("RAM, ram") where the second was kept as "ram (2)".
func TestE2EImportNamesTheCustomFieldsItFills(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "c.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Serial Number,Model Name,RAM,ram\nC-1,SC1,Lat,8,16\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, filepath.Join(dir, "t.db"), "import", "snipeit", csv); !strings.Contains(out, "custom fields: RAM, ram (2)\n") {
		t.Errorf("import:\n%s", out)
	}
}

// receive kept a zero-width character (copied from a web page) in a serial
// argument, where a scan and an import's serial drop it: the serial then
// looked like SN-ZW1 and no scan of SN-ZW1 found it. Every command's tag or
// serial arguments drop them now, as scans do; a name keeps them (a
// zero-width non-joiner is part of a Persian word).
func TestE2EArgumentsDropInvisibleCharacters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "location", "add", "DUB-2", "Dublin two")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--badge", "B1001")
	if out := mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "SN-ZW1\u200b", "\ufeffSN-ZW2", "SN\u2060-ZW3"); out != "TD-000001\tSN-ZW1\nTD-000002\tSN-ZW2\nTD-000003\tSN-ZW3\n" {
		t.Errorf("receive said %q", out)
	}
	if _, stderr, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", "SN-ZW1"); code != 1 || !strings.Contains(stderr, "SN-ZW1") {
		t.Errorf("a second receipt of SN-ZW1: exit %d %q", code, stderr)
	}
	if out := mustCLI(t, db, "asset", "show", "SN-ZW3"); !strings.Contains(out, "TD-000003") {
		t.Errorf("asset show by the serial:\n%s", out)
	}
	mustCLI(t, db, "checkout", "--to", "B1001", "TD-000001\u200b")
	mustCLI(t, db, "checkin", "\u2060TD-000001")
	mustCLI(t, db, "move", "--location", "DUB-2", "TD-000002\ufeff")
	if out := mustCLI(t, db, "history", "TD-000001\u200b"); !strings.Contains(out, "checked in") {
		t.Errorf("history:\n%s", out)
	}
	if out := mustCLI(t, db, "status", "TD-000003\u200b", "in_repair"); !strings.Contains(out, "TD-000003") {
		t.Errorf("status: %s", out)
	}
	mustCLI(t, db, "retire", "TD-000003\u200b")
	if out := mustCLI(t, db, "dispose", "TD-000003\u200b", "--method", "shred"); !strings.Contains(out, "TD-000003") {
		t.Errorf("dispose: %s", out)
	}
	mustCLI(t, db, "label", "--out", filepath.Join(t.TempDir(), "l.zpl"), "TD-000002\u200b")
	// An argument of nothing but invisible characters is empty.
	if _, stderr, code := cli(t, db, "retire", "\u200b"); code != 2 || !strings.Contains(stderr, "empty") {
		t.Errorf("retire of a zero-width space: exit %d %q", code, stderr)
	}
	// A name is not a code: its zero-width non-joiner stays.
	mustCLI(t, db, "location", "add", "FA", "\u0645\u06cc\u200c\u062e\u0627\u0646\u0647")
	if out := mustCLI(t, db, "location", "list"); !strings.Contains(out, "\u0645\u06cc\u200c\u062e\u0627\u0646\u0647") {
		t.Errorf("the name lost its non-joiner:\n%s", out)
	}
}

// Only positional tags and serials dropped invisible characters: asset
// update's serial=SNB2<ZWSP> was stored (a second SNB2 no scan found,
// that report duplicates missed), checkout --to B<ZWSP>300 and move
// --location L<ZWSP>1 were not found. The store reads every code so now.
func TestE2ECodeFlagsDropInvisibleCharacters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "L1", "Shelf one")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "person", "add", "--name", "Bo Li", "--badge", "B300")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "L1", "SNB1", "SNB2")
	if _, stderr, code := cli(t, db, "asset", "update", "TD-000001", "serial=SNB2\u200b"); code != 1 || !strings.Contains(stderr, "SNB2") {
		t.Errorf("TD-000001's serial set to TD-000002's with a zero-width space: exit %d %q", code, stderr)
	}
	mustCLI(t, db, "asset", "update", "TD-000001", "serial=SNB3\u200b")
	if out := mustCLI(t, db, "asset", "show", "SNB3"); !strings.Contains(out, "TD-000001") {
		t.Errorf("asset show by the updated serial:\n%s", out)
	}
	if out := mustCLI(t, db, "report", "duplicates"); strings.Contains(out, "SNB") {
		t.Errorf("report duplicates:\n%s", out)
	}
	mustCLI(t, db, "checkout", "--to", "B\u200b300", "TD-000001")
	mustCLI(t, db, "checkin", "--location", "L\u200b1", "TD-000001")
	mustCLI(t, db, "location", "add", "L2", "Shelf two")
	mustCLI(t, db, "move", "--location", "L\u200b2", "TD-000002")
	if out := mustCLI(t, db, "asset", "show", "TD-000002"); !strings.Contains(out, "L2") {
		t.Errorf("moved to L2:\n%s", out)
	}
}
