//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asUser runs the binary as a user whom file permissions bind: as root
// (who writes read-only files), the user nobody; else the test's own.
type asUser struct {
	t    *testing.T
	dir  string // a folder the user can write, for the databases and $HOME
	cred *syscall.Credential
}

func newAsUser(t *testing.T) *asUser {
	t.Helper()
	bin := tagdeskBin(t)
	dir, err := os.MkdirTemp("", "tagdesk-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(dir, 0o755)
		os.RemoveAll(dir)
	})
	u := &asUser{t: t, dir: dir}
	if os.Geteuid() == 0 {
		u.cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		// (The binary's folder is root's own, 0700.)
		if err := os.Chmod(filepath.Dir(bin), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "version")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("cannot run as nobody here: %v %s", err, out)
		}
	}
	return u
}

func (u *asUser) command(args ...string) *exec.Cmd {
	cmd := exec.Command(tagdeskBin(u.t), args...)
	cmd.Env = append(os.Environ(), "HOME="+u.dir, "XDG_CONFIG_HOME="+filepath.Join(u.dir, "cfg"),
		"XDG_DATA_HOME="+filepath.Join(u.dir, "data"), "TAGDESK_OPERATOR=e2e", "NO_COLOR=1")
	if u.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: u.cred}
	}
	return cmd
}

func (u *asUser) cli(db string, args ...string) (stdout, stderr string, code int) {
	u.t.Helper()
	cmd := u.command(append([]string{"--db", db}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatalf("run tagdesk %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errb.String(), code
}

func (u *asUser) must(db string, args ...string) string {
	u.t.Helper()
	out, errs, code := u.cli(db, args...)
	if code != 0 {
		u.t.Fatalf("tagdesk %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// sideFiles lists the files SQLite keeps beside db.
func sideFiles(db string) []string {
	var have []string
	for _, s := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Lstat(db + s); err == nil {
			have = append(have, filepath.Base(db+s))
		}
	}
	return have
}

// From a review: a command on a database made read-only (chmod 0444) left
// read-only -wal and -shm files beside it, and once the file was writable
// again every change was refused as "read-only" until they were removed by
// hand; a change said SQLite's words. Now a change says the database is
// read-only, in one line, and leaves nothing; reads work; and a change
// works again once the file is writable.
func TestE2EReadOnlyDatabaseFile(t *testing.T) {
	u := newAsUser(t)
	db := filepath.Join(u.dir, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	u.must(db, "model", "add", "Latitude 5440")
	u.must(db, "person", "add", "--name", "Ann Lee", "--badge", "B1")
	u.must(db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--tag", "TD-1", "SN-1")
	u.must(db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--tag", "TD-2", "SN-2")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	want := "tagdesk: the database " + db + " is read-only (check its permissions): nothing was changed"
	for _, args := range [][]string{
		{"asset", "list"}, {"asset", "show", "TD-1"}, {"history", "TD-1"}, {"verify"},
		{"report", "history"}, {"report", "kpis"}, {"export", "snipeit"}, {"person", "list"},
	} {
		if out, errs, code := u.cli(db, args...); code != 0 || out == "" {
			t.Errorf("%v on a read-only database: exit %d, %q", args, code, errs)
		}
	}
	for _, args := range [][]string{
		{"checkout", "--to", "B1", "TD-1"}, {"move", "--location", "DUB", "TD-2"},
		{"location", "add", "CORK", "Cork"}, {"setting", "set", "tag_prefix", "X-"},
	} {
		if _, errs, code := u.cli(db, args...); code != 1 || strings.TrimSpace(errs) != want {
			t.Errorf("%v on a read-only database: exit %d, stderr %q, want %q", args, code, errs, want)
		}
	}
	if left := sideFiles(db); len(left) != 0 {
		t.Errorf("commands on the read-only database left %v beside it", left)
	}
	// Writable again: changes work, without removing anything by hand.
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	u.must(db, "checkout", "--to", "B1", "TD-1")
	if out := u.must(db, "asset", "show", "TD-1"); !strings.Contains(out, "Ann Lee") {
		t.Errorf("after the check-out: %s", out)
	}
}

// A desk already stuck (read-only -wal and -shm left by an older tagdesk
// beside a writable file) works again: the files are the desk's own, and
// are given the database's mode.
func TestE2EStaleReadOnlyLogRepaired(t *testing.T) {
	u := newAsUser(t)
	db := filepath.Join(u.dir, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	for _, s := range []string{"-wal", "-shm"} {
		f, err := os.OpenFile(db+s, os.O_CREATE|os.O_WRONLY, 0o444)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		if u.cred != nil {
			if err := os.Chown(db+s, int(u.cred.Uid), int(u.cred.Gid)); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(db+s, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	u.must(db, "location", "add", "CORK", "Cork")
	if out := u.must(db, "location", "list"); !strings.Contains(out, "CORK") {
		t.Errorf("location list: %s", out)
	}
}

// A database in a folder the user cannot write: a change says so in one
// line, reads work, and nothing is left.
func TestE2EReadOnlyDatabaseFolder(t *testing.T) {
	u := newAsUser(t)
	sub := filepath.Join(u.dir, "desk")
	db := filepath.Join(sub, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	if err := os.Chmod(sub, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	if out, errs, code := u.cli(db, "location", "list"); code != 0 || !strings.Contains(out, "DUB") {
		t.Errorf("location list in a read-only folder: exit %d, %q", code, errs)
	}
	_, errs, code := u.cli(db, "location", "add", "CORK", "Cork")
	if want := "tagdesk: the database " + db + " is read-only (check the permissions of its folder " + sub + ": tagdesk keeps its journal beside it): nothing was changed"; code != 1 || strings.TrimSpace(errs) != want {
		t.Errorf("a change in a read-only folder: exit %d, stderr %q, want %q", code, errs, want)
	}
	if left := sideFiles(db); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// From a review: a database reached through a link, whose file is in a
// folder the user cannot write (the link's own folder can be): the refusal
// said to check "its folder", which the user took for the link's. It names
// the folder that is read-only, the one the link leads to.
func TestE2EReadOnlyDatabaseFolderThroughLink(t *testing.T) {
	u := newAsUser(t)
	real := filepath.Join(u.dir, "real")
	db := filepath.Join(real, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	links := filepath.Join(u.dir, "links")
	if err := os.Mkdir(links, 0o777); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(links, "desk.db")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(real, 0o755) })
	if out, errs, code := u.cli(link, "location", "list"); code != 0 || !strings.Contains(out, "DUB") {
		t.Errorf("location list through the link: exit %d, %q", code, errs)
	}
	_, errs, code := u.cli(link, "location", "add", "CORK", "Cork")
	if want := "tagdesk: the database " + link + " is read-only (check the permissions of its folder " + real + ": tagdesk keeps its journal beside it): nothing was changed"; code != 1 || strings.TrimSpace(errs) != want {
		t.Errorf("a change through a link into a read-only folder: exit %d, stderr %q, want %q", code, errs, want)
	}
	if left := sideFiles(db); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// The terminal UI on a read-only database refuses to start, in one line
// (a desk whose every scan would be refused is no use to a helpdesk), and
// leaves nothing beside it.
func TestE2EReadOnlyDatabaseUI(t *testing.T) {
	needTmux(t)
	u := newAsUser(t)
	db := filepath.Join(u.dir, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	cmd := u.command("--db", db)
	line := []string{}
	if u.cred != nil {
		line = append(line, "setpriv", fmt.Sprintf("--reuid=%d", u.cred.Uid), fmt.Sprintf("--regid=%d", u.cred.Gid), "--clear-groups")
		if _, err := exec.LookPath("setpriv"); err != nil {
			t.Skip("setpriv not installed")
		}
	}
	line = append(line, "env")
	line = append(line, cmd.Env...)
	line = append(line, cmd.Args...)
	quoted := make([]string, len(line))
	for i, a := range line {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("tagdesk-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "td"}
	s.tmux("new-session", "-d", "-s", s.name, "-x", "200", "-y", "24", "sh -c \""+strings.ReplaceAll(strings.Join(quoted, " "), `"`, `\"`)+"; echo EXIT=\\$?; sleep 60\"")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	p := s.waitFor("EXIT=")
	want := "tagdesk: the database " + db + " is read-only (check its permissions): nothing was changed"
	if !strings.Contains(p, want) || !strings.Contains(p, "EXIT=1") {
		t.Errorf("the UI on a read-only database:\n%s\nwant %q", p, want)
	}
	if left := sideFiles(db); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}

// From a review: label --out FILE, which only renders, was refused on a
// read-only database (the build before the refusal rendered it). It is
// served read-only; label --printer, which queues a job, is refused.
func TestE2EReadOnlyDatabaseLabelOut(t *testing.T) {
	u := newAsUser(t)
	db := filepath.Join(u.dir, "desk.db")
	u.must(db, "location", "add", "DUB", "Dublin")
	u.must(db, "model", "add", "Latitude 5440")
	u.must(db, "receive", "--model", "Latitude 5440", "--location", "DUB", "--tag", "TD-1", "SN-1")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(u.dir, "l.zpl")
	if _, errs, code := u.cli(db, "label", "--out", out, "TD-1"); code != 0 {
		t.Errorf("label --out on a read-only database: exit %d, %q", code, errs)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "TD-1") {
		t.Errorf("the label written: %v %.80q", err, b)
	}
	if o, errs, code := u.cli(db, "label", "--out", "-", "TD-1"); code != 0 || !strings.Contains(o, "^XA") {
		t.Errorf("label --out - on a read-only database: exit %d, %q", code, errs)
	}
	want := "tagdesk: the database " + db + " is read-only (check its permissions): nothing was changed"
	if _, errs, code := u.cli(db, "label", "--printer", filepath.Join(u.dir, "p.zpl"), "TD-1"); code != 1 || strings.TrimSpace(errs) != want {
		t.Errorf("label --printer on a read-only database: exit %d, stderr %q, want %q", code, errs, want)
	}
	if left := sideFiles(db); len(left) != 0 {
		t.Errorf("left %v", left)
	}
}
