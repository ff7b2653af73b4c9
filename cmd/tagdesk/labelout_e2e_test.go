package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cliIn is cli run in the folder dir (where a relative --out lands).
func cliIn(t *testing.T, dir, db string, args ...string) (stdout []byte, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(tagdeskBin(t), append([]string{"--db", db}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TAGDESK_OPERATOR=e2e", "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run tagdesk %s: %v", strings.Join(args, " "), err)
	}
	return out.Bytes(), errb.String(), code
}

// label --out - writes the labels to standard output (one stream: ZPL,
// a PDF, a single PNG), never a file named "-"; several PNGs, a file
// each, are refused with nothing written.
func TestE2ELabelOutStdout(t *testing.T) {
	db, tags := labelDB(t, 2)
	dir := t.TempDir()
	noDash := func(what string) {
		t.Helper()
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			t.Fatalf("%s: wrote %s in the working folder", what, ents[0].Name())
		}
	}

	// ZPL: the template's own format when nothing names one.
	out, errs, code := cliIn(t, dir, db, "label", "--out", "-", tags[0], tags[1])
	if code != 0 || !bytes.HasPrefix(out, []byte("^XA")) || !bytes.Contains(out, []byte(tags[1])) || bytes.Contains(out, []byte("wrote")) {
		t.Fatalf("label --out - (zpl): exit %d, stdout %.80q, stderr %s", code, out, errs)
	}
	noDash("zpl")

	out, errs, code = cliIn(t, dir, db, "label", "--format", "pdf", "--out", "-", tags[0], tags[1])
	if code != 0 || !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("label --format pdf --out -: exit %d, stdout %.40q, stderr %s", code, out, errs)
	}
	noDash("pdf")
	// A sheet is a PDF.
	out, errs, code = cliIn(t, dir, db, "label", "--template", "avery-l7163", "--skip", "1", "--out", "-", tags[0])
	if code != 0 || !bytes.HasPrefix(out, []byte("%PDF-")) {
		t.Fatalf("label --template avery-l7163 --out -: exit %d, stdout %.40q, stderr %s", code, out, errs)
	}
	noDash("sheet")

	out, errs, code = cliIn(t, dir, db, "label", "--format", "png", "--out", "-", tags[0])
	if code != 0 {
		t.Fatalf("label --format png --out - TAG: exit %d, %s", code, errs)
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("label --format png --out - TAG: stdout is no PNG: %v", err)
	}
	noDash("png")

	// Several PNGs are a file each: no one stream.
	out, errs, code = cliIn(t, dir, db, "label", "--format", "png", "--out", "-", tags[0], tags[1])
	if code != 2 || len(out) > 0 || !strings.Contains(errs, "--out -") || strings.Count(strings.TrimSpace(errs), "\n") > 1 {
		t.Fatalf("label --format png --out - with 2 tags: exit %d, %d bytes out, stderr %s", code, len(out), errs)
	}
	noDash("pngs")
}

// A print batch that fails says so a line per label (its tag and why),
// then one summary line, and exits 1: label --printer and queue run alike.
func TestE2EPrintFailuresOneLineEach(t *testing.T) {
	db, tags := labelDB(t, 3)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	uri := "tcp://" + ln.Addr().String()
	ln.Close() // nothing listens: the printer refuses

	check := func(what, errs string, code int, want []string) {
		t.Helper()
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 1 || len(lines) != len(want)+1 {
			t.Fatalf("%s: exit %d, %d stderr line(s), want %d and a summary:\n%s", what, code, len(lines), len(want), errs)
		}
		for i, tag := range want {
			if !strings.Contains(lines[i], tag) || !strings.Contains(lines[i], "refused") {
				t.Errorf("%s: line %d does not say %s was refused: %s", what, i+1, tag, lines[i])
			}
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, "tagdesk: ") || !strings.Contains(last, fmt.Sprint(len(want))) {
			t.Errorf("%s: summary line: %s", what, last)
		}
	}
	_, errs, code := cli(t, db, "label", "--printer", uri, tags[0], tags[1], tags[2])
	check("label --printer", errs, code, tags)
	if !strings.Contains(errs, "3 of 3 label(s) not printed") {
		t.Errorf("label --printer: no summary of the 3 labels:\n%s", errs)
	}
	_, errs, code = cli(t, db, "queue", "run", "--printer", uri)
	check("queue run", errs, code, tags)
}

// queue list --all lists every job, not the newest thousand: --all says all.
func TestE2EQueueListAllListsAll(t *testing.T) {
	db, tags := labelDB(t, 1005) // receiving queued a label each
	out := mustCLI(t, db, "queue", "list", "--all")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+len(tags) || !strings.Contains(lines[1], tags[len(tags)-1]) || !strings.Contains(lines[len(lines)-1], tags[0]) {
		t.Fatalf("queue list --all: %d line(s) for %d jobs (newest first); first %q, last %q", len(lines), len(tags), lines[1], lines[len(lines)-1])
	}
	var jobs []struct{ Tag string }
	js := mustCLI(t, db, "queue", "list", "--all", "--json")
	if err := json.Unmarshal([]byte(js), &jobs); err != nil || len(jobs) != len(tags) {
		t.Fatalf("queue list --all --json: %d job(s), want %d (%v)", len(jobs), len(tags), err)
	}
	// An empty queue is an empty array.
	empty := t.TempDir() + "/empty.db"
	mustCLI(t, empty, "location", "add", "DUB", "Dublin office")
	if js := mustCLI(t, empty, "queue", "list", "--all", "--json"); strings.TrimSpace(js) != "[]" {
		t.Errorf("queue list --all --json of no jobs: %q", js)
	}
}

// A labels.toml the desk cannot read (here an unknown printer format) is
// said on the Labels screen, file and reason, at 80x24, as the command
// line says it: not only "printing is not available here".
func TestTUI_LabelsScreenSaysBrokenTemplates(t *testing.T) {
	needTmux(t)
	db, tags := labelDB(t, 1)
	conf := filepath.Join(t.TempDir(), "config")
	if err := os.MkdirAll(filepath.Join(conf, "tagdesk"), 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[[template]]\nname = \"mine\"\nbase = \"zebra-2x1-203\"\nformat = \"epl\"\n"
	if err := os.WriteFile(filepath.Join(conf, "tagdesk", "labels.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"TAGDESK_OPERATOR=desk", "NO_COLOR=1", "XDG_CONFIG_HOME=" + conf}
	s := startTmux(t, 80, 24, env, "--db", db)
	s.waitFor("Assets by status")
	s.press("l")
	// (The file's path is long here, and wraps.)
	s.waitFor("Preview: "+tags[0], "printing is off: label templates in", `"epl"`, "takes zpl")
	s.press("C-p")
	s.waitFor("✗ printing is off")
}

// person receipt --out - writes the PDF to standard output, as label does,
// never a file named "-".
func TestE2EReceiptOutStdout(t *testing.T) {
	db, tags := labelDB(t, 1)
	mustCLI(t, db, "person", "add", "--name", "Ola Berg", "--badge", "B7101")
	mustCLI(t, db, "checkout", "--to", "B7101", tags[0])
	dir := t.TempDir()
	out, errs, code := cliIn(t, dir, db, "person", "receipt", "B7101", "--out", "-")
	if code != 0 || !bytes.HasPrefix(out, []byte("%PDF-")) || bytes.Contains(out, []byte("receipt for")) {
		t.Fatalf("person receipt --out -: exit %d, stdout %.40q, stderr %s", code, out, errs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Fatalf("wrote %s in the working folder", ents[0].Name())
	}
	// offboard's standard output lists what came back: its receipt needs
	// a file, and nothing changes without one.
	out, errs, code = cliIn(t, dir, db, "person", "offboard", "B7101", "--receipt", "-")
	if code != 2 || !strings.Contains(errs, "--receipt needs a file") {
		t.Fatalf("offboard --receipt -: exit %d, %s %s", code, out, errs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Fatalf("offboard wrote %s in the working folder", ents[0].Name())
	}
	if a := mustCLI(t, db, "asset", "show", tags[0]); !strings.Contains(a, "Ola Berg") {
		t.Fatalf("a refused offboard changed the register:\n%s", a)
	}
}

// From a migration hunt: the people export (names, emails, employee
// numbers, badges) was written readable by everyone, where a receipt is
// 0600. New asset and users exports are 0600; the locations export, which
// names places only, is not.
func TestE2EExportOfPeopleIsPrivate(t *testing.T) {
	db, tags := labelDB(t, 1)
	mustCLI(t, db, "person", "add", "--name", "Pia Lund", "--badge", "B7201", "--email", "pia@example.com")
	mustCLI(t, db, "checkout", "--to", "B7201", tags[0])
	dir := t.TempDir()
	for _, c := range []struct {
		kind    string
		private bool
	}{{"assets", true}, {"users", true}, {"locations", false}} {
		file := filepath.Join(dir, c.kind+".csv")
		mustCLI(t, db, "export", "snipeit", "--type", c.kind, "--out", file)
		// (Others may read what the umask, 022 here, lets them.)
		if fi, err := os.Stat(file); err != nil || (fi.Mode().Perm()&0o077 == 0) != c.private {
			t.Errorf("%s export: mode %v, %v; private %v", c.kind, fi.Mode().Perm(), err, c.private)
		}
	}
}

// From a migration hunt: location list and stocktake list lost their
// columns when a code was longer than 16 (codes made from names run to
// 24): the columns are as wide as the longest code.
func TestE2ELongCodesKeepTheColumns(t *testing.T) {
	db, _ := labelDB(t, 1)
	mustCLI(t, db, "location", "add", "BERLIN-SERVERRAUM-LONG", "Berlin Serverraum")
	mustCLI(t, db, "location", "add", "RACK-A1", "Rack A1", "--parent", "BERLIN-SERVERRAUM-LONG")
	mustCLI(t, db, "location", "add", "GROS-LAGER-IM-ERDGE-NORD", "Großes Lager im Erdgeschoss Nord, Halle 7", "--parent", "BERLIN-SERVERRAUM-LONG")
	mustCLI(t, db, "stocktake", "start", "BERLIN-SERVERRAUM-LONG")
	for _, args := range [][]string{{"location", "list"}, {"stocktake", "list"}} {
		lines := strings.Split(strings.TrimRight(mustCLI(t, db, args...), "\n"), "\n")
		// The second column starts at the header's offset in every line.
		second := func(l string) int { return strings.Index(l, " "+strings.Fields(l)[1]) + 1 }
		for _, l := range lines[1:] {
			if second(l) != second(lines[0]) {
				t.Errorf("%v: columns broken:\n%s", args, strings.Join(lines, "\n"))
				break
			}
			// (A review: every row ran past 80 columns once one code was
			// long; the name gives way.)
			if args[0] == "location" && len(l) > 80 {
				t.Errorf("%v: a row of %d columns: %q", args, len(l), l)
			}
		}
	}
}

// stocktake list ran past 80 columns once a location's code was longer than
// 20 characters (codes made from names run to 24): its columns are as wide
// as what they hold, and the start time gives way to long codes (never its
// date, hour and minute), as location list's name does.
func TestE2EStocktakeListFits80Columns(t *testing.T) {
	t.Setenv("TZ", "Asia/Colombo") // (a zone Go names +0530: the longest stamp)
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "GROS-LAGER-IM-ERDGE-NORD", "Großes Lager im Erdgeschoss Nord")
	mustCLI(t, db, "location", "add", "SERVERRAUM-KELLER-OST-B-17-XYZ", "Serverraum Keller Ost")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "GROS-LAGER-IM-ERDGE-NORD", "SN-1", "SN-2")
	mustCLI(t, db, "stocktake", "start", "DUB")
	mustCLI(t, db, "stocktake", "finish", "--location", "DUB")
	mustCLI(t, db, "stocktake", "start", "GROS-LAGER-IM-ERDGE-NORD")
	// (A code of 32 characters, the register's longest: the start gives
	// way to its date, 2026-11-02…, a review found 82 columns.)
	mustCLI(t, db, "location", "add", "LAGER-HALLE-3-REGAL-12-FACH-0042", "Lager Halle 3")
	for n, codes := range [][]string{{"GROS-LAGER-IM-ERDGE-NORD"}, {"SERVERRAUM-KELLER-OST-B-17-XYZ"}, {"LAGER-HALLE-3-REGAL-12-FACH-0042"}} {
		if n > 0 {
			mustCLI(t, db, "stocktake", "start", codes[0])
		}
		out := mustCLI(t, db, "stocktake", "list")
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != n+3 {
			t.Fatalf("stocktake list:\n%s", out)
		}
		// Every column starts where its header does, the counts (right
		// aligned) end where theirs do.
		bounds := func(l string) (starts, ends []int) {
			rs := []rune(l + " ")
			for i, r := range rs {
				if r != ' ' && (i == 0 || rs[i-1] == ' ') {
					starts = append(starts, i)
				}
				if r == ' ' && i > 0 && rs[i-1] != ' ' {
					ends = append(ends, i)
				}
			}
			return starts, ends
		}
		hs, he := bounds(lines[0])
		for _, l := range lines {
			if w := utf8.RuneCountInString(l); w > 80 {
				t.Errorf("a row of %d columns: %q", w, l)
			}
			if l == lines[0] {
				continue
			}
			// (The start time is two words, or three.)
			s, e := bounds(l)
			if len(s) < 6 || s[0] != hs[0] || s[1] != hs[1] || s[2] != hs[2] || !slices.Equal(e[len(e)-3:], he[len(he)-3:]) {
				t.Errorf("columns broken:\n%s", out)
			}
			if n < 2 && !regexp.MustCompile(` (open|finished) +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]`).MatchString(l) {
				t.Errorf("the start lost its date or time: %q", l)
			}
			// Never a time cut short (09:…): the date whole, then the
			// time whole or none.
			if !regexp.MustCompile(` (open|finished) +20[0-9][0-9]-[0-9][0-9]-[0-9][0-9](…| [0-9][0-9]:[0-9][0-9][ …])`).MatchString(l) {
				t.Errorf("the start lost its date, or kept part of its time: %q", l)
			}
			// The codes whole, never cut (they are scanned and typed).
			if code, _, _ := strings.Cut(l, " "); strings.Contains(code, "…") {
				t.Errorf("a code cut: %q", l)
			}
		}
		if n == 0 && !strings.Contains(out, "+0530") {
			t.Errorf("a code of 24 characters cut the start's zone:\n%s", out)
		}
	}
}
