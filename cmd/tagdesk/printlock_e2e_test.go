//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	gosync "sync"
	"syscall"
	"testing"
	"time"
)

// One printing run at a time on a desk: another (a queue run beside the
// terminal UI's, a cron job) is refused and prints nothing, rather than
// printing every queued label a second time. A printer that fails is not
// sent the run's other labels; a bad --printer is bad usage.
func TestE2E_PrintRunsOneAtATime(t *testing.T) {
	db, tags := labelDB(t, 3)
	p := startPrinter(t, "127.0.0.1:0")
	addr := p.ln.Addr().String()

	// Another process's run holds the lock.
	f, err := os.OpenFile(db+".printing", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	_, errs, code := cli(t, db, "queue", "run", "--printer", "tcp://"+addr)
	if code != 1 || !strings.Contains(errs, "another tagdesk is printing") {
		t.Fatalf("queue run beside another: exit %d, %s", code, errs)
	}
	_, errs, code = cli(t, db, "label", "--printer", "tcp://"+addr, tags[0])
	if code != 1 || !strings.Contains(errs, "wait in the queue") {
		t.Fatalf("label beside a run: exit %d, %s", code, errs)
	}
	if n := len(p.received()); n != 0 {
		t.Fatalf("the printer got %d jobs while another run printed", n)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()

	// A printer that is off: the first label finds it so, the others
	// are not sent, and all three wait.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	off := ln.Addr().String()
	ln.Close()
	_, errs, code = cli(t, db, "queue", "run", "--printer", "tcp://"+off)
	if code != 1 || strings.Count(errs, "refused") != 3 || strings.Count(errs, "not sent") != 2 {
		t.Fatalf("queue run to a printer that is off: exit %d, %s", code, errs)
	}
	if _, errs, code := cli(t, db, "queue", "run", "--printer", "bogus://x"); code != 2 {
		t.Fatalf("queue run --printer bogus://x: exit %d, %s", code, errs)
	}
	out := mustCLI(t, db, "queue", "run", "--printer", "tcp://"+addr)
	if !strings.Contains(out, "printed 3") || len(p.received()) != 3 {
		t.Fatalf("the run after: %s (printer got %d)", out, len(p.received()))
	}
}

// A Brother QL takes no ZPL: its template's labels go to a CUPS queue as a
// PDF through the driver, and are refused for a raw socket (where they
// would print as garbage, or not at all).
func TestE2E_BrotherThroughCUPS(t *testing.T) {
	db, tags := labelDB(t, 1)
	bin := t.TempDir()
	got := filepath.Join(bin, "job")
	script := "#!/bin/sh\necho \"$@\" > " + got + ".args\ncat > " + got + "\n"
	if err := os.WriteFile(filepath.Join(bin, "lp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	mustCLI(t, db, "label", "--template", "brother-62mm", "--printer", "cups://Brother_QL", tags[0])
	job, _ := os.ReadFile(got)
	args, _ := os.ReadFile(got + ".args")
	if !strings.HasPrefix(string(job), "%PDF-") || strings.TrimSpace(string(args)) != "-d Brother_QL" {
		t.Errorf("lp got args %q and a job starting %.10q", args, job)
	}
	p := startPrinter(t, "127.0.0.1:0")
	_, errs, code := cli(t, db, "label", "--template", "brother-62mm", "--printer", "tcp://"+p.ln.Addr().String(), tags[0])
	if code != 1 || !strings.Contains(errs, "raw socket") || len(p.received()) != 0 {
		t.Errorf("brother to a raw socket: exit %d %s (printer got %d)", code, errs, len(p.received()))
	}
	if out := mustCLI(t, db, "queue", "list"); strings.Contains(out, "tcp://") {
		t.Errorf("a job that could never print was queued:\n%s", out)
	}
}

// From a review of the print lock and its neighbours: a database reached
// through a symlink is the same desk (one run at a time); a lock file made
// by another user does not stop this one; a file named .zpl gets ZPL
// whatever the template; a job named twice is cancelled once.
func TestE2E_PrintLockEdges(t *testing.T) {
	db, tags := labelDB(t, 2)
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(db, link); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db+".printing", os.O_RDONLY|os.O_CREATE, 0o444) // as made by another user
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, link, "queue", "run", "--printer", t.TempDir()); code != 1 || !strings.Contains(errs, "another tagdesk is printing") {
		t.Errorf("a run through a symlink beside another: exit %d %s", code, errs)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
	os.Chmod(db+".printing", 0o444)
	zpl := filepath.Join(t.TempDir(), "bro.zpl")
	mustCLI(t, db, "label", "--template", "brother-62mm", "--printer", zpl, tags[0])
	if b, _ := os.ReadFile(zpl); !strings.HasPrefix(string(b), "^XA") {
		t.Errorf("a .zpl file got %.10q", b)
	}
	out := mustCLI(t, db, "queue", "list")
	var id string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, tags[1]) {
			id = strings.Fields(line)[0]
		}
	}
	if out, errs, code := cli(t, db, "queue", "cancel", id, id); code != 0 || strings.Count(out, "cancelled") != 1 {
		t.Errorf("cancel %s %s: exit %d %s %s", id, id, code, out, errs)
	}
}

// slowPrinter takes each job whole, then keeps the connection a moment
// (printing it), as a busy printer does; it keeps each job's bytes.
func slowPrinter(t *testing.T, hold time.Duration) (addr string, received func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu gosync.Mutex
	var jobs []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			b, _ := io.ReadAll(c)
			mu.Lock()
			jobs = append(jobs, string(b))
			mu.Unlock()
			time.Sleep(hold)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), jobs...)
	}
}

// queuedJobIDs maps each queued job's tag to its id.
func queuedJobIDs(t *testing.T, db string) map[string]int64 {
	t.Helper()
	var jobs []struct {
		ID  int64
		Tag string
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "queue", "list", "--json")), &jobs); err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, j := range jobs {
		out[j.Tag] = j.ID
	}
	return out
}

// waitJobs waits (bounded) until the printer has n jobs.
func waitJobs(t *testing.T, received func() []string, n int) {
	t.Helper()
	for i := 0; i < 200 && len(received()) < n; i++ {
		time.Sleep(25 * time.Millisecond)
	}
	if got := len(received()); got < n {
		t.Fatalf("the printer got %d jobs, want %d", got, n)
	}
}

// From a warehouse lead's hunt: a label cancelled while a run printed the
// queue still came out (the run read the queue once), and was then
// "cancelled" with no printed record; a run interrupted (ctrl+c) just
// after a label came out left it queued, to come out again.
func TestE2E_CancelAndInterruptDuringARun(t *testing.T) {
	db, tags := labelDB(t, 3)
	addr, received := slowPrinter(t, 700*time.Millisecond)
	ids := queuedJobIDs(t, db)
	run := exec.Command(tagdeskBin(t), "--db", db, "queue", "run", "--printer", "tcp://"+addr)
	run.Env = append(os.Environ(), "TAGDESK_OPERATOR=e2e")
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, received, 1)
	mustCLI(t, db, "queue", "cancel", fmt.Sprint(ids[tags[2]]))
	if err := run.Wait(); err != nil {
		t.Fatalf("queue run: %v\n%s", err, out.String())
	}
	for _, j := range received() {
		if strings.Contains(j, tags[2]) {
			t.Errorf("the cancelled label %s was printed", tags[2])
		}
	}
	if !strings.Contains(out.String(), "printed 2") {
		t.Errorf("queue run said:\n%s", out.String())
	}

	// Interrupted just after a label came out: it is recorded printed.
	db, tags = labelDB(t, 2)
	addr, received = slowPrinter(t, 3*time.Second)
	run = exec.Command(tagdeskBin(t), "--db", db, "queue", "run", "--printer", "tcp://"+addr)
	run.Env = append(os.Environ(), "TAGDESK_OPERATOR=e2e")
	out.Reset()
	run.Stdout, run.Stderr = &out, &out
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, received, 1)
	run.Process.Signal(os.Interrupt)
	run.Wait()
	if got := received(); len(got) != 1 || !strings.Contains(got[0], tags[0]) {
		t.Fatalf("the printer got %d jobs", len(got))
	}
	list := mustCLI(t, db, "queue", "list", "--all")
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, tags[0]) && !strings.Contains(line, "done") {
			t.Errorf("the label that came out before the interrupt: %s\n(the run said: %s)", line, out.String())
		}
	}
}

// From a warehouse lead's hunt: label TAG refused without --printer though
// the desk's printer was set (queue run and the UI use it): it prints
// there; with none set, the refusal says how to set one.
func TestE2ELabelOnTheDesksPrinter(t *testing.T) {
	db, tags := labelDB(t, 1)
	_, errs, code := cli(t, db, "label", tags[0])
	if code != 2 || !strings.Contains(errs, "setting set printer") {
		t.Fatalf("label with no printer: exit %d, %s", code, errs)
	}
	p := startPrinter(t, "127.0.0.1:0")
	mustCLI(t, db, "setting", "set", "printer", "tcp://"+p.ln.Addr().String())
	mustCLI(t, db, "label", tags[0])
	if got := p.received(); len(got) != 1 || !strings.Contains(got[0], tags[0]) {
		t.Fatalf("the printer got %d jobs", len(got))
	}
}

// From a warehouse lead's hunt: a sheet template's --skip past its sheet and
// --format zpl failed as errors (exit 1), not bad usage (exit 2), and
// --out sheet.png was refused though the refusal suggested PNG: an image
// per label is written.
func TestE2ELabelSheetOptions(t *testing.T) {
	db, tags := labelDB(t, 2)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--template", "avery-5160", "--skip", "30", "--out", filepath.Join(dir, "s.pdf"), tags[0]},
		{"--template", "avery-5160", "--format", "zpl", "--out", filepath.Join(dir, "s.zpl"), tags[0]},
		{"--template", "avery-5160", "--skip", "3", "--out", filepath.Join(dir, "s.png"), tags[0]}, // (a review: ignored)
	} {
		if _, errs, code := cli(t, db, append([]string{"label"}, args...)...); code != 2 {
			t.Errorf("label %v: exit %d, %s", args, code, errs)
		}
	}
	out := mustCLI(t, db, "label", "--template", "avery-5160", "--out", filepath.Join(dir, "s.png"), tags[0], tags[1])
	if strings.Count(out, ".png") != 2 {
		t.Errorf("label --out s.png on a sheet template: %s", out)
	}
}

// From a review: receive's refusal of a serial another asset has, or a
// model's number, was to name --allow-duplicate-serial, and never did.
func TestE2EReceiveSaysHowToTakeASerialAllTheSame(t *testing.T) {
	db, _ := labelDB(t, 1) // CN0SER0000 received; model L5440
	for _, serial := range []string{"CN0SER0000", "L5440"} {
		_, errs, code := cli(t, db, "receive", "--model", "L5440", "--location", "DUB", serial)
		if code != 1 || !strings.Contains(errs, "--allow-duplicate-serial") {
			t.Errorf("receive %s: exit %d, %s", serial, code, errs)
		}
	}
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--allow-duplicate-serial", "L5440")
}

// From a warehouse lead's hunt: the desk's template set to a PDF one with
// a raw-socket printer failed every queued job for good; put right, a run
// printed none of them. They wait, saying why, and print once it is.
func TestE2EWrongTemplateForThePrinterWaits(t *testing.T) {
	db, tags := labelDB(t, 3)
	p := startPrinter(t, "127.0.0.1:0")
	mustCLI(t, db, "setting", "set", "printer", "tcp://"+p.ln.Addr().String())
	mustCLI(t, db, "setting", "set", "template", "brother-62mm")
	_, errs, code := cli(t, db, "queue", "run")
	if code != 1 || !strings.Contains(errs, "prints PDF, which a raw socket printer") || !strings.Contains(errs, "3 label(s) still waiting, 0 failed") {
		t.Fatalf("queue run: exit %d, %s", code, errs)
	}
	mustCLI(t, db, "setting", "set", "template", "zebra-2x1-203")
	if out := mustCLI(t, db, "queue", "run"); !strings.Contains(out, "printed 3") || len(p.received()) != 3 {
		t.Fatalf("queue run after: %s (printer got %d of %v)", out, len(p.received()), tags)
	}
}

// From a README walk-through: setting get of a key there is none of said
// "nosuchkey=" (exit 0), though setting set refuses it.
func TestE2ESettingGetUnknownKey(t *testing.T) {
	db, _ := labelDB(t, 1)
	if _, errs, code := cli(t, db, "setting", "get", "nosuchkey"); code != 2 || !strings.Contains(errs, `no setting "nosuchkey"`) {
		t.Errorf("exit %d, %s", code, errs)
	}
	if out := mustCLI(t, db, "setting", "get", "label_owner"); out != "label_owner=Property of ACME IT\n" {
		t.Errorf("setting get label_owner: %q", out)
	}
}

// setting get of a setting never set printed it blank: a desk's tags came
// out TD-000001 while tag_prefix read as no prefix.
func TestE2ESettingGetShowsDefaults(t *testing.T) {
	db := filepath.Join(t.TempDir(), "desk.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	out := mustCLI(t, db, "setting", "get")
	for _, want := range []string{"tag_prefix=TD-\n", "tag_width=6\n", "template=zebra-2x1-203\n", "audit_interval_months=12\n", "audit_warning_days=30\n", "scan_gap_ms=40\n", "auto_label=1\n", "printer=\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("setting get: no %q in\n%s", want, out)
		}
	}
	mustCLI(t, db, "setting", "set", "tag_prefix", "ab-")
	if out := mustCLI(t, db, "setting", "get", "tag_prefix"); out != "tag_prefix=AB-\n" {
		t.Errorf("setting get tag_prefix after set: %q", out)
	}
	mustCLI(t, db, "model", "add", "Latitude 7440", "--category", "Laptop")
	if out := mustCLI(t, db, "receive", "--model", "Latitude 7440", "--location", "HQ", "SN-DEF-1"); !strings.Contains(out, "AB-000001") {
		t.Errorf("receive with the prefix set: %s", out)
	}
}

// From a README walk-through: sync status of a desk that never synced said
// "(none configured) (offline at the last sync)".
func TestE2ESyncStatusOfALoneDesk(t *testing.T) {
	db, _ := labelDB(t, 1)
	out := mustCLI(t, db, "sync", "status")
	if strings.Contains(out, "offline") || !strings.Contains(out, "this desk works alone") {
		t.Errorf("sync status:\n%s", out)
	}
}

// From a README walk-through: a list that matched nothing printed only its
// header: a newcomer could not tell nothing from a failure.
func TestE2EEmptyAssetListSaysSo(t *testing.T) {
	db, _ := labelDB(t, 1)
	out, errs, code := cli(t, db, "asset", "list", "--status", "disposed")
	if code != 0 || !strings.HasPrefix(out, "TAG") || strings.Count(out, "\n") != 1 || !strings.Contains(errs, "no assets match") {
		t.Errorf("exit %d, %q, %q", code, out, errs)
	}
	if out, errs, _ := cli(t, db, "asset", "list", "--status", "disposed", "--json"); out != "[]\n" || errs != "" {
		t.Errorf("--json: %q %q", out, errs)
	}
}

// From a people hunt: what is installed in an asset a person holds (a dock
// in their laptop) was on neither the hand-over nor the return receipt,
// though it goes with the laptop both ways.
func TestE2EReceiptListsWhatIsInstalled(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required in CI")
		}
		t.Skip("pdftotext not installed")
	}
	db, tags := labelDB(t, 2)
	mustCLI(t, db, "person", "add", "--name", "Nia Guy", "--badge", "B7001")
	mustCLI(t, db, "checkout", "--to", "B7001", tags[0])
	mustCLI(t, db, "checkout", "--to", tags[0], tags[1]) // a dock into the laptop
	dir := t.TempDir()
	for _, args := range [][]string{
		{"person", "receipt", "B7001", "--out", filepath.Join(dir, "out.pdf")},
		{"person", "offboard", "B7001", "--receipt", filepath.Join(dir, "back.pdf")},
	} {
		if out := mustCLI(t, db, args...); args[1] == "receipt" && !strings.Contains(out, "receipt for 2 asset(s)") {
			t.Errorf("person receipt: %s", out)
		}
		txt, err := exec.Command("pdftotext", args[len(args)-1], "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(txt), tags[1]) || !strings.Contains(string(txt), "in "+tags[0]) || !strings.Contains(string(txt), "2 item(s)") {
			t.Errorf("%v: the receipt lacks the dock:\n%s", args[:2], txt)
		}
	}
}
