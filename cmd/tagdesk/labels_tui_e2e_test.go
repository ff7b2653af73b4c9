package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUI_LabelsScreen opens the Labels screen on a database whose receipts
// queued three labels, sees the queue and a preview of the selected label
// drawn with block characters, prints the queue to a fake loopback printer
// and checks that the printer got ZPL for every tag and the queue is empty.
func TestTUI_LabelsScreen(t *testing.T) {
	needTmux(t)
	db, tags := labelDB(t, 3)
	p := startPrinter(t, "127.0.0.1:0")
	mustCLI(t, db, "setting", "set", "printer", "tcp://"+p.ln.Addr().String())

	env := []string{"TAGDESK_OPERATOR=desk", "NO_COLOR=1", "XDG_CONFIG_HOME=" + filepath.Join(t.TempDir(), "config")}
	s := startTmux(t, 120, 40, env, "--db", db)
	s.waitFor("Assets by status")
	start0 := time.Now()
	s.press("l")
	pane := s.waitFor("Queue: 3 queued · 0 failed", tags[0], tags[1], tags[2], "Preview: "+tags[0], "Printer: tcp://127.0.0.1:")
	t.Logf("Labels screen with queue and preview after %s", time.Since(start0).Round(time.Millisecond))
	if !strings.ContainsAny(pane, "▄▀█") {
		t.Fatalf("the preview has no QR blocks:\n%s", pane)
	}
	// The header's status line counts the events not yet synced.
	if !strings.Contains(pane, "sync: off ·") || !strings.Contains(pane, "pending") {
		t.Fatalf("no sync status line:\n%s", pane)
	}
	start := time.Now()
	s.press("C-p")
	s.waitFor("printed 3, waiting 0, failed 0", "Queue: 0 queued")
	t.Logf("print run of 3 labels shown done after %s", time.Since(start).Round(time.Millisecond))

	deadline := time.Now().Add(10 * time.Second)
	for len(p.received()) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	jobs := p.received()
	if len(jobs) != 3 {
		t.Fatalf("printer got %d jobs, want 3", len(jobs))
	}
	for i, tag := range tags {
		if !strings.HasPrefix(jobs[i], "^XA") || !strings.Contains(jobs[i], tag) {
			t.Errorf("job %d for %s is not ZPL with its tag: %q", i, tag, jobs[i])
		}
	}

	s.send("C-c")
	deadline = time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+c did not quit:\n%s", s.pane())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if out := mustCLI(t, db, "queue", "list"); strings.Contains(out, "queued") {
		t.Fatalf("queue not empty after printing from the TUI:\n%s", out)
	}
}
