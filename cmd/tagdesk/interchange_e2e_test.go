package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func snipeTestdata(name string) string {
	return filepath.Join("..", "..", "store", "testdata", "snipeit", name)
}

// assetState is `asset list --json` without what differs between two
// databases holding the same assets (ids, record and check-out times).
func assetState(t *testing.T, db string) []map[string]any {
	t.Helper()
	var as []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "list", "--json")), &as); err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		for _, k := range []string{"uid", "created_at", "updated_at", "checked_out_at"} {
			delete(a, k)
		}
		if d, ok := a["disposal"].(map[string]any); ok {
			delete(d, "disposed_at")
		}
	}
	return as
}

var eventsLine = regexp.MustCompile(`(?m)^events: (\d+)`)

// verifyEvents runs `tagdesk verify`, which must pass, and returns the event count.
func verifyEvents(t *testing.T, db string) string {
	t.Helper()
	out := mustCLI(t, db, "verify")
	m := eventsLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("verify printed no event count:\n%s", out)
	}
	return m[1]
}

func TestE2EImportSnipeIT(t *testing.T) {
	db := filepath.Join(t.TempDir(), "td.db")
	out := mustCLI(t, db, "import", "snipeit", snipeTestdata("snipeit-export.csv"))
	if !strings.Contains(out, "imported 10 asset(s)") || !strings.Contains(out, "5 checked out") || !strings.Contains(out, "custom fields: RAM, CPU, MAC Address") {
		t.Errorf("summary:\n%s", out)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "asset", "show", "LAP-0001", "--json")), &a); err != nil {
		t.Fatal(err)
	}
	if a["status"] != "deployed" || a["custodian_name"] != "Ana Silva" || a["due_date"] != "2026-03-20" || a["warranty_end"] != "2026-03-15" {
		t.Errorf("LAP-0001 = %v", a)
	}
	if custom, _ := a["custom"].(map[string]any); custom["RAM"] != "16 GB" {
		t.Errorf("LAP-0001 custom fields = %v", a["custom"])
	}
	p := mustCLI(t, db, "person", "list")
	for _, who := range []string{"Ana Silva", "José Núñez", "Priya Raman"} {
		if !strings.Contains(p, who) {
			t.Errorf("person list lacks %s:\n%s", who, p)
		}
	}
	hist := mustCLI(t, db, "history", "LAP-0001")
	if !strings.Contains(hist, "asset.received") || !strings.Contains(hist, "asset.checked_out") {
		t.Errorf("history:\n%s", hist)
	}
	verifyEvents(t, db)
	// --json gives the report.
	db2 := filepath.Join(t.TempDir(), "td.db")
	var rep struct {
		Rows, Imported int
		Created        struct{ People int }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db2, "import", "snipeit", "--json", snipeTestdata("labels.csv"))), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 3 || rep.Imported != 3 || rep.Created.People != 1 {
		t.Errorf("json report = %+v", rep)
	}
}

func TestE2EImportSnipeITBadFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "td.db")
	mustCLI(t, db, "import", "snipeit", snipeTestdata("labels.csv"))
	before, beforeEvents := assetState(t, db), verifyEvents(t, db)

	bad := snipeTestdata("bad-rows.csv")
	stdout, stderr, code := cli(t, db, "import", "snipeit", bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout on failure: %q", stdout)
	}
	golden, err := os.ReadFile(snipeTestdata("bad-rows.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
		want = append(want, bad+": "+l)
	}
	want = append(want, "tagdesk: import snipeit "+bad+": 12 bad row(s) of 14; nothing imported")
	if got := strings.Split(strings.TrimSpace(stderr), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, strings.Join(want, "\n"))
	}
	if after, afterEvents := assetState(t, db), verifyEvents(t, db); !reflect.DeepEqual(before, after) || afterEvents != beforeEvents {
		t.Errorf("a refused import changed the database (events %s → %s)", beforeEvents, afterEvents)
	}

	// A file missing a required column: one line, nothing changed.
	_, stderr, code = cli(t, db, "import", "snipeit", snipeTestdata("missing-model.csv"))
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, `missing column "Model Name"`) || !strings.Contains(stderr, "nothing imported") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// Re-importing the same file: every tag is taken.
	_, stderr, code = cli(t, db, "import", "snipeit", snipeTestdata("labels.csv"))
	if code != 1 || !strings.Contains(stderr, "line 2: Asset Tag: tag HF-1 is already in use") || !strings.Contains(stderr, "3 bad row(s) of 3; nothing imported") {
		t.Errorf("re-import: exit %d, stderr:\n%s", code, stderr)
	}
	// A file that does not exist.
	_, stderr, code = cli(t, db, "import", "snipeit", filepath.Join(t.TempDir(), "nope.csv"))
	if code != 1 || !strings.Contains(stderr, "nope.csv") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
	if after, afterEvents := assetState(t, db), verifyEvents(t, db); !reflect.DeepEqual(before, after) || afterEvents != beforeEvents {
		t.Errorf("a refused import changed the database (events %s → %s)", beforeEvents, afterEvents)
	}
	// Bad usage.
	for _, args := range [][]string{{"import", "snipeit"}, {"import", "snipeit", "a.csv", "b.csv"}, {"import", "snipeit", "--bogus", "a.csv"}, {"export", "snipeit", "x"}} {
		if _, stderr, code := cli(t, db, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestE2EImportSnipeITSkipInvalidAndDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "td.db")
	bad := snipeTestdata("bad-rows.csv")
	stdout, stderr, code := cli(t, db, "import", "snipeit", "--dry-run", "--skip-invalid", bad)
	if code != 0 || !strings.Contains(stdout, "dry run: would import 2 asset(s)") || !strings.Contains(stdout, "nothing changed") {
		t.Errorf("dry run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a dry run into a new desk created its database")
	}
	stdout, stderr, code = cli(t, db, "import", "snipeit", bad, "--skip-invalid")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "imported 2 asset(s)") || !strings.Contains(stdout, "12 bad row(s) skipped") {
		t.Errorf("summary: %s", stdout)
	}
	if strings.Count(stderr, "skipped "+bad+": line ") != 12 {
		t.Errorf("stderr:\n%s", stderr)
	}
	as := assetState(t, db)
	if len(as) != 2 || as[1]["tag"] != "OK-2" || as[1]["custodian_name"] != "Kim Lee" {
		t.Errorf("assets: %v", as)
	}
	verifyEvents(t, db)
	// A file whose every row is bad imports nothing, and says so: exit 1,
	// and no new database.
	allBad := filepath.Join(t.TempDir(), "all-bad.csv")
	if err := os.WriteFile(allBad, []byte("Asset Tag,Model Name,Purchase Date\nX-1,M,not a date\nX-2,M,31/31/2024\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	stdout, stderr, code = cli(t, fresh, "import", "snipeit", allBad, "--skip-invalid")
	if code != 1 || !strings.Contains(stderr, "all 2 row(s) are bad") {
		t.Errorf("all rows bad: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(fresh); err == nil {
		t.Error("an import of nothing into a new desk created its database")
	}
}

// A file Excel saved in windows-1252 is refused with a line that names
// --encoding; given it, the file imports; an encoding tagdesk does not
// know is bad usage.
func TestE2EImportSnipeITEncoding(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "td.db")
	file := filepath.Join(dir, "excel.csv")
	if err := os.WriteFile(file, []byte("Asset Tag,Model Name,Location,Full Name\r\nW-1,Latitude 5440,Z\xfcrich,Ren\xe9e Favre\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := cli(t, db, "import", "snipeit", file)
	if code != 1 || !strings.Contains(stderr, "line 2: Location: not valid UTF-8 text") || !strings.Contains(stderr, "--encoding") {
		t.Errorf("unnamed: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := cli(t, db, "import", "snipeit", "--encoding", "cp-1252x", file); code != 2 || !strings.Contains(stderr, `unknown text encoding "cp-1252x"`) {
		t.Errorf("unknown encoding: exit %d\n%s", code, stderr)
	}
	mustCLI(t, db, "import", "snipeit", "--encoding", "windows-1252", file)
	if as := assetState(t, db); len(as) != 1 || as[0]["location_name"] != "Zürich" || as[0]["custodian_name"] != "Renée Favre" {
		t.Errorf("assets: %v", as)
	}
	verifyEvents(t, db)
}

func TestE2EExportSnipeITRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	mustCLI(t, src, "import", "snipeit", snipeTestdata("snipeit-export.csv"))
	mustCLI(t, src, "import", "snipeit", snipeTestdata("labels.csv"))
	mustCLI(t, src, "checkin", "LAP-0002", "--location", "Madrid Office")
	mustCLI(t, src, "dispose", "LAP-0004", "--method", "shred", "--certificate", "C-1")

	csvOut := mustCLI(t, src, "export", "snipeit")
	if !strings.HasPrefix(csvOut, "\ufeffAsset Tag,Asset Name,Serial Number,Model Name,Model No.,Category,Manufacturer,Status,Location,") {
		t.Errorf("export header: %.200s", csvOut)
	}
	if n := strings.Count(csvOut, "\n"); n < 14 {
		t.Errorf("export has %d lines", n)
	}
	file := filepath.Join(dir, "out", "assets.csv")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, src, "export", "snipeit", "--out", file); !strings.Contains(out, "exported 13 asset(s)") {
		t.Errorf("export --out: %s", out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != csvOut {
		t.Errorf("--out wrote something else than stdout")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".*tmp*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Into a fresh database: the same assets, and a verifiable log.
	dst := filepath.Join(dir, "dst.db")
	if out := mustCLI(t, dst, "import", "snipeit", file); !strings.Contains(out, "imported 13 asset(s)") || !strings.Contains(out, "1 disposed") {
		t.Errorf("re-import: %s", out)
	}
	if a, b := assetState(t, src), assetState(t, dst); !reflect.DeepEqual(a, b) {
		for i := range a {
			if i < len(b) && !reflect.DeepEqual(a[i], b[i]) {
				t.Errorf("asset %d differs:\n src %v\n dst %v", i, a[i], b[i])
			}
		}
		if len(a) != len(b) {
			t.Errorf("%d assets, want %d", len(b), len(a))
		}
	}
	verifyEvents(t, dst)
	// What src did since, exported again, brings dst in line with --update
	// (without it, those rows are refused).
	mustCLI(t, src, "checkout", "LAP-0002", "--to", "asilva")
	mustCLI(t, src, "checkin", "LAP-0001", "--condition", "repair")
	mustCLI(t, src, "checkin", "MON-0100")
	mustCLI(t, src, "retire", "MON-0100")
	mustCLI(t, src, "asset", "update", "LAP-0003", "name=Spare laptop", "custom:RAM=32 GB", "home_location=Dublin Office")
	mustCLI(t, src, "export", "snipeit", "--out", file)
	if _, stderr, code := cli(t, dst, "import", "snipeit", file); code != 1 || !strings.Contains(stderr, "without --update") {
		t.Errorf("re-import without --update: exit %d, %s", code, stderr)
	}
	if out := mustCLI(t, dst, "import", "snipeit", "--update", file); !strings.Contains(out, "imported 0 asset(s)") || !strings.Contains(out, "updated 4 already in the register (9 unchanged)") {
		t.Errorf("re-import --update: %s", out)
	}
	if a, b := assetState(t, src), assetState(t, dst); !reflect.DeepEqual(a, b) {
		for i := range a {
			if i < len(b) && !reflect.DeepEqual(a[i], b[i]) {
				t.Errorf("after --update, asset %d differs:\n src %v\n dst %v", i, a[i], b[i])
			}
		}
	}
	verifyEvents(t, dst)
	// An export into a folder that does not exist fails and writes nothing.
	if _, stderr, code := cli(t, src, "export", "snipeit", "--out", filepath.Join(dir, "no", "such", "x.csv")); code != 1 || !strings.Contains(stderr, "not written") {
		t.Errorf("export to a missing folder: exit %d, %s", code, stderr)
	}
}

// Progress of a large import on a stderr that is not a terminal: a line
// every 10k rows and one at the end; nothing for small files.
func TestImportProgressLines(t *testing.T) {
	var b strings.Builder
	a := &app{stderr: &b}
	progress, end := a.importProgress()
	for done := 1000; done <= 25000; done += 1000 {
		progress(done, 25000)
	}
	progress(25000, 25000)
	end()
	if want := "importing: 40%\nimporting: 80%\nimporting: 100%\n"; b.String() != want {
		t.Errorf("progress:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	progress, end = a.importProgress()
	progress(9000, 9000)
	end()
	if b.Len() != 0 {
		t.Errorf("progress for a small file: %q", b.String())
	}
}

// --out never replaces what is not a plain file: the open database is
// refused, a symlink stays a link (its target gets the export), and a FIFO
// is written through, not replaced by a file.
func TestE2EExportOutTargets(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "desk.db")
	mustCLI(t, db, "import", "snipeit", snipeTestdata("snipeit-export.csv"))
	want := mustCLI(t, db, "export", "snipeit")

	_, errs, code := cli(t, db, "export", "snipeit", "--out", db)
	if code != 1 || !strings.Contains(errs, "is the database itself") {
		t.Fatalf("export over the database: exit %d, %s", code, errs)
	}
	if got := mustCLI(t, db, "export", "snipeit"); got != want {
		t.Fatal("the database changed after a refused export over it")
	}

	target := filepath.Join(dir, "target.csv")
	link := filepath.Join(dir, "link.csv")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.csv", link); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "export", "snipeit", "--out", link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != want {
		t.Fatalf("the link's target holds %.60q", b)
	}

	// A replaced file keeps its mode (an export may hold what not everyone
	// should read).
	private := filepath.Join(dir, "private.csv")
	if err := os.WriteFile(private, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "export", "snipeit", "--out", private)
	if fi, err := os.Stat(private); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the replaced file's mode: %v %v", fi.Mode(), err)
	}
	// A relative link in a folder reached through a symlink names a file
	// from the real folder, as the kernel reads it.
	if err := os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "real", "archive"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/sub", filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../archive/x.csv", filepath.Join(dir, "real", "sub", "latest.csv")); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "export", "snipeit", "--out", filepath.Join(dir, "out", "latest.csv"))
	if b, _ := os.ReadFile(filepath.Join(dir, "real", "archive", "x.csv")); string(b) != want {
		t.Fatal("the export did not reach the file the link names")
	}

	fifo := filepath.Join(dir, "pipe")
	if err := mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the export opens it
		got <- string(b)
	}()
	mustCLI(t, db, "export", "snipeit", "--out", fifo)
	select {
	case s := <-got:
		if s != want {
			t.Fatalf("the FIFO's reader got %.60q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nothing came through the FIFO")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
}

// An interrupted command says so, not what its statement was doing.
func TestInterruptedImportSaysSo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errs strings.Builder
	code := run(ctx, []string{"--db", db, "import", "snipeit", snipeTestdata("snipeit-export.csv")}, strings.NewReader(""), &out, &errs, func(string) string { return "" })
	if code != 1 || errs.String() != "tagdesk: interrupted: the change under way was rolled back; what committed before it stays\n" {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	if got := mustCLI(t, db, "asset", "list", "--json"); strings.TrimSpace(got) != "[]" {
		t.Fatalf("assets after an interrupted import: %s", got)
	}
}

// An import that imports nothing into a desk that did not exist (a bad
// file, a dry run) leaves no database file behind.
func TestE2EImportNothingCreatesNoDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("Asset Tag,Model Name,Purchase Date\nX-1,M,not a date\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, code := cli(t, db, "import", "snipeit", bad); code != 1 {
		t.Fatalf("bad file: exit %d", code)
	}
	mustCLI(t, db, "import", "snipeit", "--dry-run", snipeTestdata("snipeit-export.csv"))
	// Every row an asset deleted in Snipe-IT: nothing to import.
	deleted := filepath.Join(dir, "deleted.csv")
	if err := os.WriteFile(deleted, []byte("Asset Tag,Model Name,Deleted\nX-1,M,2024-01-01 10:00 AM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustCLI(t, db, "import", "snipeit", deleted); !strings.Contains(out, "imported 0 asset(s)") || !strings.Contains(out, "1 deleted in Snipe-IT left out") {
		t.Errorf("import of deleted rows said %q", out)
	}
	if left, _ := filepath.Glob(db + "*"); len(left) > 0 {
		t.Fatalf("files left: %v", left)
	}
	mustCLI(t, db, "import", "snipeit", snipeTestdata("snipeit-export.csv"))
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
}

// import snipeit --statuses names a file's own status labels; a bad pair
// is a usage error.
func TestImportStatusesFlag(t *testing.T) {
	dir := t.TempDir()
	db, csv := filepath.Join(dir, "s.db"), filepath.Join(dir, "s.csv")
	if err := os.WriteFile(csv, []byte("Asset Tag,Model Name,Status\nS-1,Latitude 5440,Staging\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, db, "import", "snipeit", csv, "--statuses", "Staging=nowhere"); code != 2 || !strings.Contains(errs, "--statuses") {
		t.Fatalf("bad pair: exit %d %s", code, errs)
	}
	// (A hunt: one label given two statuses, case aside, took the last.)
	if _, errs, code := cli(t, db, "import", "snipeit", csv, "--statuses", "Staging=in_stock,staging=in_repair"); code != 2 || !strings.Contains(errs, "given twice") {
		t.Fatalf("a label twice: exit %d %s", code, errs)
	}
	mustCLI(t, db, "import", "snipeit", csv, "--statuses", "Staging=in_stock")
	if out := mustCLI(t, db, "asset", "show", "S-1"); !strings.Contains(out, "in stock") {
		t.Fatalf("asset:\n%s", out)
	}
}

// A migration from Snipe-IT brings its locations, then its users, then its
// assets: the tree comes in parents first, the people with their employee
// numbers and departments, and the assets' holders are those people (no
// second Priya Raman from the asset file's name). The desk's people and
// places then go out and into another desk as they were.
func TestE2EMigratePeopleAndLocations(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "td.db")
	people := func(db string) string { return filepath.Join("..", "..", "store", "testdata", "snipeit-people", db) }
	out := mustCLI(t, db, "import", "snipeit", "--type", "locations", people("locations.csv"))
	if !strings.Contains(out, "imported 7 location(s)") || !strings.Contains(out, "not imported (no place for them in tagdesk): ID, Address") {
		t.Errorf("locations summary:\n%s", out)
	}
	out = mustCLI(t, db, "import", "snipeit", "--type", "users", people("users.csv"))
	if !strings.Contains(out, "imported 4 person/people") || !strings.Contains(out, "Activated") {
		t.Errorf("users summary:\n%s", out)
	}
	mustCLI(t, db, "import", "snipeit", snipeTestdata("snipeit-export.csv"))
	var ps []map[string]any
	if err := json.Unmarshal([]byte(mustCLI(t, db, "person", "list", "--json", "--all")), &ps); err != nil {
		t.Fatal(err)
	}
	if len(ps) != 4 {
		t.Fatalf("people after the asset import: %v", ps)
	}
	for _, p := range ps {
		switch p["name"] {
		case "Priya Raman":
			if p["employee_number"] != "E1003" || p["location"] != "BANGALORE-OFFICE" || p["holding"] != float64(1) {
				t.Errorf("Priya: %v", p)
			}
		case "Zoe Left":
			// (Snipe-IT's Activated 0: she cannot log in to Snipe-IT;
			// she can still hold assets here.)
			if p["active"] != true {
				t.Errorf("Zoe: %v", p)
			}
		}
	}
	locs := mustCLI(t, db, "location", "list")
	if !regexp.MustCompile(`DUBLIN-IT-STORE\s+Dublin IT Store\s+DUBLIN-OFFICE`).MatchString(locs) || !regexp.MustCompile(`DUBLIN-OFFICE\s+Dublin Office\s+IRELAND`).MatchString(locs) {
		t.Errorf("location list:\n%s", locs)
	}
	// Out and into another desk (the asset file's check-out to "Dublin
	// Meeting Room 2" made an eighth location).
	usersOut, locsOut := filepath.Join(dir, "users.csv"), filepath.Join(dir, "locations.csv")
	if out := mustCLI(t, db, "export", "snipeit", "--type", "locations", "--out", locsOut); !strings.Contains(out, "exported 8 location(s)") {
		t.Errorf("export: %s", out)
	}
	mustCLI(t, db, "export", "snipeit", "--type", "users", "--out", usersOut)
	db2 := filepath.Join(dir, "b.db")
	mustCLI(t, db2, "import", "snipeit", "--type", "locations", locsOut)
	mustCLI(t, db2, "import", "snipeit", "--type", "users", usersOut)
	list := func(db string, what ...string) string {
		out := mustCLI(t, db, what...)
		return regexp.MustCompile(`"uid": "[^"]*"|"holding": \d+|"assets": \d+`).ReplaceAllString(out, "")
	}
	if a, b := list(db, "location", "list", "--json"), list(db2, "location", "list", "--json"); a != b {
		t.Errorf("locations differ:\n%s\n%s", a, b)
	}
	if a, b := list(db, "person", "list", "--json", "--all"), list(db2, "person", "list", "--json", "--all"); a != b {
		t.Errorf("people differ:\n%s\n%s", a, b)
	}
	// A location renamed and moved; the history says it.
	if out := mustCLI(t, db2, "location", "update", "DUBLIN-IT-STORE", "--name", "Dublin Cage", "--parent", "Madrid Office"); !strings.Contains(out, `location DUBLIN-IT-STORE "Dublin Cage", under MADRID-OFFICE`) {
		t.Errorf("location update: %s", out)
	}
	if _, errs, code := cli(t, db2, "location", "update", "SPAIN", "--parent", "MADRID-OFFICE"); code != 1 || !strings.Contains(errs, "cannot go under a place inside it") {
		t.Errorf("a move into itself: exit %d %s", code, errs)
	}
	if out := mustCLI(t, db2, "report", "history"); !strings.Contains(out, `location DUBLIN-IT-STORE renamed "Dublin IT Store" → "Dublin Cage", moved from Dublin Office (DUBLIN-OFFICE) to Madrid Office (MADRID-OFFICE)`) {
		t.Errorf("history:\n%s", out)
	}
	// A bad users file: one line per bad row, exit 1, nothing changed.
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("First Name,Last Name,Email,Offboarded\nNew,Person,new@example.com,no\nOther,One,not-an-email,no\nThird,One,,perhaps\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := verifyEvents(t, db2)
	_, errs, code := cli(t, db2, "import", "snipeit", "--type", "users", bad)
	if code != 1 || !strings.Contains(errs, "bad.csv: line 3: Email:") || !strings.Contains(errs, "bad.csv: line 4: Offboarded:") || !strings.Contains(errs, "nothing imported") {
		t.Errorf("bad file: exit %d\n%s", code, errs)
	}
	if after := verifyEvents(t, db2); after != before {
		t.Errorf("a refused import wrote events: %s -> %s", before, after)
	}
	if _, errs, code := cli(t, db2, "import", "snipeit", "--type", "licenses", bad); code == 0 || !strings.Contains(errs, "assets, users or locations") {
		t.Errorf("--type licenses: exit %d\n%s", code, errs)
	}
}

// A review: import snipeit --update moves an asset to the row's purchase
// order (it only warned), and its dry run says so: the asset it would
// update and the order it would make.
func TestE2EImportUpdateMovesPurchaseOrderDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "td.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin office")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "po", "add", "PO-7", "--supplier", "Dell", "Latitude 5440=1")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--po", "PO-7", "SN-001")
	file := filepath.Join(t.TempDir(), "moved.csv")
	if err := os.WriteFile(file, []byte("Asset Tag,Purchase Order\nTD-000001,PO-8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustCLI(t, db, "import", "snipeit", "--update", "--dry-run", file)
	if !strings.Contains(out, "would update 1 already in the register") || !strings.Contains(out, "would create 1 purchase order(s)") || !strings.Contains(out, "nothing changed (dry run)") {
		t.Errorf("dry run:\n%s", out)
	}
	if show := mustCLI(t, db, "asset", "show", "TD-000001"); !strings.Contains(show, "PO-7") {
		t.Errorf("the dry run changed the asset:\n%s", show)
	}
	out = mustCLI(t, db, "import", "snipeit", "--update", file)
	if !strings.Contains(out, "updated 1 already in the register") || !strings.Contains(out, "created 1 purchase order(s)") || strings.Contains(out, "warning") {
		t.Errorf("update:\n%s", out)
	}
	if hist := mustCLI(t, db, "history", "TD-000001"); !strings.Contains(hist, "purchase_order PO-7 → PO-8") {
		t.Errorf("history:\n%s", hist)
	}
	verifyEvents(t, db)
}

// A review: a users import without --update (a dry run too) promised
// "--update gives them the file's" of a row --update then refused (an
// offboarding of someone who holds an asset); such a row is said apart,
// with --update's reason.
func TestE2EImportUsersSaysWhatUpdateRefuses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "td.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin office")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--username", "asilva")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "SN-001")
	mustCLI(t, db, "checkout", "--to", "asilva", "TD-000001")
	file := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(file, []byte("First Name,Last Name,Username,Offboarded\nAna,Silva,asilva,yes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := cli(t, db, "import", "snipeit", "--type", "users", "--update", file)
	if code != 1 || !strings.Contains(stderr, "holds 1 asset(s), so the row cannot offboard them") {
		t.Fatalf("--update: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{{"--dry-run"}, {}} {
		_, stderr, code := cli(t, db, append([]string{"import", "snipeit", "--type", "users", file}, args...)...)
		if code != 0 || strings.Contains(stderr, "--update gives them") || !strings.Contains(stderr, "1 row(s) are people of this register already, left as they are: --update refuses them") ||
			!strings.Contains(stderr, "--update refuses the row: Ana Silva holds 1 asset(s), so the row cannot offboard them") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}
