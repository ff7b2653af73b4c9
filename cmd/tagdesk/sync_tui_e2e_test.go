package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUI_SyncConflict: desk B checks out an asset desk A already checked
// out and synced. B's terminal UI syncs in the background at start, shows
// the refusal in the status line, on Home and on the y Sync screen with the
// winner, and resolves it with a (accept the server's state).
func TestTUI_SyncConflict(t *testing.T) {
	needTmux(t)
	dir := t.TempDir()
	srvDB, a, b := filepath.Join(dir, "server.db"), filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	tokA, tokB := addToken(t, srvDB, "desk-a"), addToken(t, srvDB, "desk-b")
	srv := startServer(t, srvDB)

	mustCLI(t, a, "location", "add", "HQ", "Head office")
	mustCLI(t, a, "person", "add", "--name", "Ana Silva", "--badge", "B1001")
	mustCLI(t, a, "model", "add", "Latitude 5440", "--manufacturer", "Dell")
	mustCLI(t, a, "sync", "--server", srv.url, "--token", tokA)
	mustCLI(t, b, "sync", "--server", srv.url, "--token", tokB)
	mustCLI(t, a, "receive", "--model", "Latitude 5440", "--location", "HQ", "SNA1")
	mustCLI(t, a, "sync")
	mustCLI(t, b, "sync")
	list := assetListJSON(t, b)
	if len(list) != 1 {
		t.Fatalf("desk B has %d assets, want 1", len(list))
	}
	tag := list[0]["tag"].(string)
	mustCLI(t, b, "person", "add", "--name", "Bo Chen", "--badge", "B2002")
	mustCLI(t, a, "checkout", "--to", "B1001", tag)
	mustCLI(t, a, "sync")
	mustCLI(t, b, "checkout", "--to", "B2002", tag) // loses: A's arrived first

	env := []string{"TAGDESK_OPERATOR=desk", "NO_COLOR=1", "XDG_CONFIG_HOME=" + filepath.Join(dir, "config")}
	s := startTmux(t, 120, 40, env, "--db", b)
	s.waitFor("Assets by status", "1 refused", "1 change(s) refused by the server (y)")
	s.press("y")
	s.waitFor("Needs attention: 1 refused change(s)", "refused: "+tag+" is already checked out", "won by: checked out to Ana Silva (B1001)", "on device")
	s.press("a")
	s.waitFor("accept the server's state for refusal", "y accept")
	s.press("y")
	s.waitFor("accepted the server's state for refusal", "Needs attention: 0 refused change(s)", "nothing refused")
	s.press("s")
	s.waitFor("This session   pushed", "sync: ok")

	s.send("C-c")
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+c did not quit:\n%s", s.pane())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var st struct {
		Refusals []json.RawMessage `json:"refusals"`
		Pending  int               `json:"pending"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, b, "sync", "status", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Refusals) != 0 || st.Pending != 0 {
		t.Fatalf("after resolving in the TUI: %d refusal(s), %d pending", len(st.Refusals), st.Pending)
	}
	var asset map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, b, "asset", "show", tag, "--json")), &asset); err != nil {
		t.Fatal(err)
	}
	if asset["custodian"] != "B1001" {
		t.Fatalf("desk B: %s custodian %v; want the winner's B1001", tag, asset["custodian"])
	}
	if !strings.Contains(mustCLI(t, a, "asset", "show", tag), "Ana Silva") {
		t.Fatalf("desk A lost the winning check-out")
	}
}
