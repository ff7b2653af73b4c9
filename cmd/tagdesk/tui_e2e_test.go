package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the real binary in a detached tmux session on its own
// server socket.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI")
		}
		t.Skip("tmux not installed")
	}
}

func startTmux(t *testing.T, width, height int, env []string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("tagdesk-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "td"}
	cmdline := []string{"env"}
	cmdline = append(cmdline, env...)
	cmdline = append(cmdline, tagdeskBin(t))
	cmdline = append(cmdline, args...)
	quoted := make([]string, len(cmdline))
	for i, a := range cmdline {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	s.tmux("new-session", "-d", "-s", s.name, "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), strings.Join(quoted, " "))
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// send types keys; a string is sent in one call, as fast as a scanner.
func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// typeSlowly types like a person: one key at a time, 120 ms apart.
func (s *tmuxSession) typeSlowly(text string) {
	s.t.Helper()
	for _, r := range text {
		s.tmux("send-keys", "-t", s.name, "-l", string(r))
		time.Sleep(120 * time.Millisecond)
	}
}

// press sends one special key the way a person does: 150 ms apart, so that
// two Escapes are not read as alt+esc.
func (s *tmuxSession) press(key string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", s.name, key)
	time.Sleep(150 * time.Millisecond)
}

func (s *tmuxSession) pane() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", s.name)
}

// waitFor polls the pane until it shows every string, for at most 10 s.
func (s *tmuxSession) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		p := s.pane()
		ok := true
		for _, w := range want {
			if !strings.Contains(p, w) {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("pane never showed %q:\n%s", want, p)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) bell() string {
	s.t.Helper()
	return strings.TrimSpace(s.tmux("display", "-p", "-t", s.name, "#{window_bell_flag}"))
}

// rang waits (up to 5 s) for the window's bell flag: the bell is written
// after the frame that says why, so on a busy machine it can come a moment
// after the text a test waited for.
func (s *tmuxSession) rang() bool {
	s.t.Helper()
	for i := 0; i < 100; i++ {
		if s.bell() == "1" {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// TestTUI_EndToEnd is the "done when": check out three assets to a
// badge, hear a refused scan, check one back in, find an asset by part of
// its serial and see its history; then check the database with the CLI.
func TestTUI_EndToEnd(t *testing.T) {
	needTmux(t)
	db := filepath.Join(t.TempDir(), "e2e.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "LAT5440", "--manufacturer", "Dell")
	mustCLI(t, db, "person", "add", "--name", "Alice Smith", "--badge", "B1001", "--username", "alice")
	mustCLI(t, db, "receive", "--model", "LAT5440", "--location", "HQ", "SNQR1001", "SNQR1002", "SNQR1003", "SNXY7788")

	s := startTmux(t, 100, 30, []string{"TAGDESK_OPERATOR=desk", "NO_COLOR=1"}, "--db", db)
	s.waitFor("Assets by status", "in stock", "4")

	s.press("o")
	s.waitFor("Who or what gets the assets?")
	s.send("B1001", "Enter")
	s.waitFor("To: Alice Smith (B1001)")
	// Three asset scans at scanner speed; the third by serial. The serials
	// hold q and r: no shortcut may fire.
	s.send("TD-000001", "Enter")
	s.send("TD-000002", "Enter")
	s.send("SNQR1003", "Enter")
	s.waitFor("Checked out: 3", "TD-000003 Latitude 5440 → Alice Smith")
	if b := s.bell(); b != "0" {
		t.Fatalf("bell flag %s before any refusal", b)
	}
	s.send("TD-000002", "Enter") // already out: refused
	s.waitFor("Refused (1):", "already checked out")
	if !s.rang() {
		b := s.bell()
		t.Fatalf("bell flag %s after a refused scan, want 1", b)
	}

	s.press("Escape")
	s.press("Escape")
	s.waitFor("Assets by status")
	s.press("i")
	s.waitFor("Return to:")
	s.send("TD-000002", "Enter")
	s.waitFor("Checked in: 1", "TD-000002")

	s.press("Escape")
	s.waitFor("Assets by status")
	s.press("/")
	s.waitFor("find:")
	s.typeSlowly("7788")
	s.waitFor("1 match(es)", "TD-000004")
	s.press("Enter")
	s.waitFor("TD-000004", "History (1 event,", "received as TD-000004")
	s.press("Escape")
	s.press("Escape")
	s.waitFor("Assets by status")
	s.send("C-c")
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+c did not quit:\n%s", s.pane())
		}
		time.Sleep(50 * time.Millisecond)
	}

	show := func(tag string) map[string]any {
		var a map[string]any
		if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "show", tag, "--json")), &a); err != nil {
			t.Fatalf("asset show %s: %v", tag, err)
		}
		return a
	}
	for _, tag := range []string{"TD-000001", "TD-000003"} {
		if a := show(tag); a["status"] != "deployed" || a["custodian"] != "B1001" {
			t.Errorf("%s: status %v custodian %v", tag, a["status"], a["custodian"])
		}
	}
	if a := show("TD-000002"); a["status"] != "in_stock" {
		t.Errorf("TD-000002: status %v after check-in", a["status"])
	}
	if a := show("TD-000004"); a["status"] != "in_stock" {
		t.Errorf("TD-000004: status %v", a["status"])
	}
	hist := mustCLI(t, db, "history", "TD-000002", "--json")
	if !strings.Contains(hist, `"operator":"desk"`) && !strings.Contains(hist, `"operator": "desk"`) {
		t.Errorf("history of TD-000002 lacks the operator desk:\n%s", hist)
	}
}

// TestTUI_FirstRun opens an empty database: the first-run screen asks for the
// site, tag prefix and operator.
func TestTUI_FirstRun(t *testing.T) {
	needTmux(t)
	db := filepath.Join(t.TempDir(), "empty.db")
	s := startTmux(t, 80, 24, []string{"NO_COLOR=1", "TAGDESK_OPERATOR="}, "--db", db)
	s.waitFor("Welcome to tagdesk", "site name:")
	s.typeSlowly("Dublin")
	s.press("Enter")
	s.press("Enter")
	s.typeSlowly("ann")
	s.send("Enter")
	s.waitFor("Assets by status", "operator: ann", "Dublin")
	s.send("C-c")
}

// A scan made the moment the desk starts (the terminal still in line mode,
// the database still opening) was lost: it opens what it names.
func TestTUI_ScanAtStartUp(t *testing.T) {
	needTmux(t)
	db := filepath.Join(t.TempDir(), "e2e.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "LAT5440", "--manufacturer", "Dell")
	mustCLI(t, db, "receive", "--model", "LAT5440", "--location", "HQ", "SNQR1001", "SNQR1002")
	s := startTmux(t, 80, 24, []string{"TAGDESK_OPERATOR=desk", "NO_COLOR=1"}, "--db", db)
	s.send("TD-000002", "Enter")
	s.waitFor("Asset TD-000002", "SNQR1002")
}
