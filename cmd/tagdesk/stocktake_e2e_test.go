package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestTUI_StocktakeEndToEnd counts a shelf in the real binary under tmux:
// planted found, missing, unexpected, duplicate and unknown scans, typed at
// scanner speed; the screen's report and the CLI's must both say what was
// planted.
func TestTUI_StocktakeEndToEnd(t *testing.T) {
	needTmux(t)
	db := filepath.Join(t.TempDir(), "stocktake.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin office")
	mustCLI(t, db, "location", "add", "SHELF-1", "Shelf 1", "--parent", "DUB")
	mustCLI(t, db, "location", "add", "MAD", "Madrid office")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4", "--manufacturer", "Lenovo")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	for _, r := range [][]string{
		{"SHELF-1", "--tag", "TD-101", "S101"}, {"SHELF-1", "--tag", "TD-102", "S102"}, {"SHELF-1", "--tag", "TD-103", "SQ103"},
		{"SHELF-1", "--tag", "TD-104", "S104"}, {"SHELF-1", "--tag", "TD-105", "S105"},
		{"MAD", "--tag", "TD-201", "S201"},
	} {
		mustCLI(t, db, append([]string{"receive", "--model", "T14G4", "--location", r[0]}, r[1:]...)...)
	}

	s := startTmux(t, 80, 24, []string{"NO_COLOR=1"}, "--db", db, "--operator", "T")
	s.waitFor("Assets by status", "Dashboard")
	s.press("s")
	s.waitFor("Which location do you count?")
	s.send("SHELF-1", "Enter")
	s.waitFor("expected 5", "missing 5", "Still missing (5)")

	// Found: TD-101, TD-102, and TD-103 by its serial (it holds a q).
	s.send("TD-101", "Enter")
	s.send("TD-102", "Enter")
	s.send("SQ103", "Enter")
	s.waitFor("found 3", "missing 2", "Still missing (2)")
	if b := s.bell(); b != "0" {
		t.Fatalf("bell flag %s after found scans", b)
	}
	// Unexpected: recorded in Madrid.
	s.send("TD-201", "Enter")
	s.waitFor("unexpected 1", "recorded at MAD: ctrl+o moves it here")
	// A code typed by hand that starts with m is typed, not a key.
	s.typeSlowly("m")
	s.waitFor("› m")
	s.press("Escape")
	s.press("C-o")
	s.waitFor("moved TD-201")
	// Duplicate: warned, not counted twice, bell.
	s.send("TD-101", "Enter")
	s.waitFor("TD-101 already scanned: not counted twice")
	if !s.rang() {
		b := s.bell()
		t.Fatalf("bell flag %s after a duplicate scan, want 1", b)
	}
	// Unknown: kept.
	s.send("JUNK-77", "Enter")
	s.waitFor("unknown 1", "JUNK-77: unknown code, kept in the report")
	p := s.waitFor("found 3", "missing 2", "unexpected 1", "unknown 1")
	for _, tag := range []string{"TD-104", "TD-105"} {
		if !strings.Contains(p, tag) {
			t.Fatalf("missing list lacks %s:\n%s", tag, p)
		}
	}

	s.press("C-g")
	s.waitFor("Finish? 2 not found will be marked missing")
	s.press("y")
	p = s.waitFor("finished", "Missing (2)", "Unexpected (1)", "Unknown codes (1)")
	for _, want := range []string{"TD-104", "TD-105", "TD-201", "JUNK-77"} {
		if !strings.Contains(p, want) {
			t.Fatalf("report on screen lacks %s:\n%s", want, p)
		}
	}
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

	var rep struct {
		Stocktake struct {
			Location                                         string
			Status                                           string
			Expected, Found, Unexpected, Unknown, Duplicates int
		}
		Found, Missing, Unexpected []struct{ Tag, Status string }
		Unknown                    []string
		Scans                      []struct{ Code, Result, Operator string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "stocktake", "report", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	tags := func(as []struct{ Tag, Status string }) string {
		var out []string
		for _, a := range as {
			out = append(out, a.Tag+"="+a.Status)
		}
		sort.Strings(out)
		return strings.Join(out, ",")
	}
	st := rep.Stocktake
	if st.Location != "SHELF-1" || st.Status != "finished" || st.Expected != 5 || st.Found != 3 || st.Unexpected != 1 || st.Unknown != 1 || st.Duplicates != 1 {
		t.Errorf("stocktake %+v", st)
	}
	if got := tags(rep.Found); got != "TD-101=in_stock,TD-102=in_stock,TD-103=in_stock" {
		t.Errorf("found %s", got)
	}
	if got := tags(rep.Missing); got != "TD-104=missing,TD-105=missing" {
		t.Errorf("missing %s", got)
	}
	if got := tags(rep.Unexpected); got != "TD-201=in_stock" {
		t.Errorf("unexpected %s", got)
	}
	if len(rep.Unknown) != 1 || rep.Unknown[0] != "JUNK-77" {
		t.Errorf("unknown %v", rep.Unknown)
	}
	var seq []string
	for _, sc := range rep.Scans {
		seq = append(seq, sc.Code+"="+sc.Result)
		if sc.Operator != "T" {
			t.Errorf("scan %s by %q, want the operator T", sc.Code, sc.Operator)
		}
	}
	if got := strings.Join(seq, ","); got != "TD-101=found,TD-102=found,SQ103=found,TD-201=unexpected,TD-101=duplicate,JUNK-77=unknown" {
		t.Errorf("scans %s", got)
	}
}

// TestTUI_OffboardEndToEnd offboards a leaver from the People screen of the
// real binary: the badge scan opens the person, x + tab (needs repair) + y
// takes everything back in one go; the CLI then shows nothing held.
func TestTUI_OffboardEndToEnd(t *testing.T) {
	needTmux(t)
	db := filepath.Join(t.TempDir(), "offboard.db")
	mustCLI(t, db, "location", "add", "HQ", "Head office")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4", "--manufacturer", "Lenovo")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--badge", "B1001", "--username", "ana")
	mustCLI(t, db, "person", "add", "--name", "Ben Okafor", "--badge", "B1002")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	for _, tag := range []string{"TD-1", "TD-2", "TD-3"} {
		mustCLI(t, db, "receive", "--model", "T14G4", "--location", "HQ", "--tag", tag, "S"+tag)
	}
	mustCLI(t, db, "checkout", "--to", "B1001", "--due", "2020-01-31", "TD-1", "TD-2")
	mustCLI(t, db, "checkout", "--to", "B1002", "TD-3")

	s := startTmux(t, 80, 24, []string{"NO_COLOR=1"}, "--db", db, "--operator", "T")
	s.waitFor("Assets by status")
	s.press("p")
	s.waitFor("NAME", "Ana Silva")
	s.send("B1001", "Enter")
	s.waitFor("Person Ana Silva", "Holds 2 item(s), 2 overdue", "OVERDUE", "TD-1", "TD-2")
	s.press("x")
	s.waitFor("Offboard Ana Silva: check in all 2 item(s) as ok")
	s.press("Tab")
	s.waitFor("as needs repair")
	s.press("y")
	s.waitFor("offboarded Ana Silva: 2 item(s) checked in", "nothing checked out")
	s.send("C-c")
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", s.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("ctrl+c did not quit:\n%s", s.pane())
		}
		time.Sleep(50 * time.Millisecond)
	}

	var shown struct {
		Active bool `json:"active"`
		Holds  []struct{ Tag string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "person", "show", "B1001", "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Active || len(shown.Holds) != 0 {
		t.Errorf("after offboarding: active %v holds %v", shown.Active, shown.Holds)
	}
	for _, tag := range []string{"TD-1", "TD-2"} {
		var a struct{ Status, Custodian string }
		if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "show", tag, "--json")), &a); err != nil {
			t.Fatal(err)
		}
		if a.Status != "in_repair" || a.Custodian != "" {
			t.Errorf("%s: %s held by %q", tag, a.Status, a.Custodian)
		}
	}
	var ben struct {
		Holds []struct{ Tag string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "person", "show", "B1002", "--json")), &ben); err != nil {
		t.Fatal(err)
	}
	if len(ben.Holds) != 1 {
		t.Errorf("Ben's holdings changed: %v", ben.Holds)
	}
}

// A refused code among the scans of one stocktake scan is listed and the
// others still count; the command then exits 1 saying so, briefly even
// for a 10 kB code.
func TestE2EStocktakeScanBatchWithRefusal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "count.db")
	mustCLI(t, db, "location", "add", "SHELF-1", "Shelf 1")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4", "--manufacturer", "Lenovo")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "SHELF-1", "--tag", "TD-101", "S101")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "SHELF-1", "--tag", "TD-102", "S102")
	mustCLI(t, db, "stocktake", "start", "SHELF-1")
	long := strings.Repeat("Z", 10_000)
	out, errs, code := cli(t, db, "stocktake", "scan", "TD-101", "X\xff", long, "TD-102")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "found       TD-101") || !strings.Contains(out, "found       TD-102") || !strings.Contains(out, "2 of 2 found") {
		t.Errorf("the scans around the refused ones were not counted:\n%s", out)
	}
	if strings.Count(out, "refused ") != 2 {
		t.Errorf("refused scans not listed:\n%s", out)
	}
	if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "2 of 4 scans refused") || len(errs) > 300 {
		t.Errorf("stderr (%d bytes): %q", len(errs), errs)
	}
	if len(out) > 2000 {
		t.Errorf("the 10 kB code was echoed whole (%d bytes of output)", len(out))
	}
	// An unknown 10 kB command is named briefly too.
	_, errs, code = cli(t, db, long)
	if code != 2 || len(errs) > 300 {
		t.Errorf("unknown long command: exit %d, stderr %d bytes", code, len(errs))
	}
}

// move is all or none: a mistyped tag among several moves nothing; an
// asset already there is said and left.
func TestE2EMoveAllOrNone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "move.db")
	mustCLI(t, db, "location", "add", "L1", "Shelf 1")
	mustCLI(t, db, "location", "add", "L2", "Shelf 2")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "L1", "--tag", "TD-1", "S1")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "L1", "--tag", "TD-2", "S2")
	_, errs, code := cli(t, db, "move", "--location", "L2", "TD-1", "NOPE")
	if code != 1 || !strings.Contains(errs, "NOPE") || !strings.Contains(errs, "nothing was moved") {
		t.Errorf("move with a mistyped tag: exit %d %s", code, errs)
	}
	var a struct{ Location string }
	if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "show", "TD-1", "--json")), &a); err != nil || a.Location != "L1" {
		t.Errorf("TD-1 after a refused move: %+v %v", a, err)
	}
	out := mustCLI(t, db, "move", "--location", "L2", "TD-1", "TD-1", "TD-2")
	if strings.Count(out, "moved to L2") != 2 {
		t.Errorf("move: %s", out)
	}
	if h := mustCLI(t, db, "history", "TD-1"); !strings.Contains(h, "moved from Shelf 1 (L1) to Shelf 2 (L2)") {
		t.Errorf("history of a move:\n%s", h)
	}
	out = mustCLI(t, db, "move", "--location", "L1", "TD-1", "TD-2")
	if _, errs, code := cli(t, db, "move", "--location", "L1", "TD-1"); code != 1 || !strings.Contains(errs, "already at L1") {
		t.Errorf("move to where it is: exit %d %s (%s)", code, errs, out)
	}
	mustCLI(t, db, "verify")
}

// A disposed laptop found on the shelf is the finding: the report names
// its status (it said only where it was recorded).
func TestE2EStocktakeReportNamesStatusOfUnexpected(t *testing.T) {
	db := filepath.Join(t.TempDir(), "count.db")
	mustCLI(t, db, "location", "add", "SHELF-1", "Shelf 1")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4", "--manufacturer", "Lenovo")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "SHELF-1", "--tag", "TD-101", "S101")
	mustCLI(t, db, "receive", "--model", "T14G4", "--location", "SHELF-1", "--tag", "TD-102", "S102")
	mustCLI(t, db, "retire", "TD-102")
	mustCLI(t, db, "dispose", "TD-102", "--method", "shredded")
	mustCLI(t, db, "stocktake", "start", "SHELF-1")
	mustCLI(t, db, "stocktake", "scan", "TD-101", "TD-102")
	mustCLI(t, db, "stocktake", "finish", "--location", "SHELF-1")
	out := mustCLI(t, db, "stocktake", "report", "--location", "SHELF-1")
	if !regexp.MustCompile(`(?m)^UNEXPECTED .*\n  TD-102 .*\(disposed\)$`).MatchString(out) {
		t.Errorf("the disposed laptop found is not named disposed:\n%s", out)
	}
	if strings.Contains(out, "TD-101") && regexp.MustCompile(`TD-101 .*\(`).MatchString(out) {
		t.Errorf("a found laptop in stock got a status note:\n%s", out)
	}
}
