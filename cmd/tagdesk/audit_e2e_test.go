package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// auditDB is a small fixed register: a storeroom with a shelf, two people.
func auditDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "audit.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin office")
	mustCLI(t, db, "location", "add", "DUB-ST", "Storeroom", "--parent", "DUB")
	mustCLI(t, db, "location", "add", "DUB-S1", "Shelf 1", "--parent", "DUB-ST")
	mustCLI(t, db, "location", "add", "MAD", "Madrid office")
	mustCLI(t, db, "model", "add", "ThinkPad T14", "--number", "T14G4", "--manufacturer", "Lenovo")
	mustCLI(t, db, "person", "add", "--name", "Ana Silva", "--badge", "B1001", "--email", "ana@example.com")
	mustCLI(t, db, "person", "add", "--name", "Ben Okafor", "--badge", "B1002")
	mustCLI(t, db, "setting", "set", "auto_label", "0")
	for _, r := range [][]string{
		{"DUB-S1", "--tag", "TD-101", "S101"}, {"DUB-S1", "--tag", "TD-102", "S102"}, {"DUB-S1", "--tag", "TD-103", "S103"},
		{"DUB-ST", "--tag", "TD-104", "S104"}, {"MAD", "--tag", "TD-201", "S201"},
		{"DUB", "--tag", "TD-301", "S301"}, {"DUB", "--tag", "TD-302", "S302"}, {"DUB", "--tag", "TD-303", "S303"},
	} {
		mustCLI(t, db, append([]string{"receive", "--model", "T14G4", "--location", r[0]}, r[1:]...)...)
	}
	// A due date already past is taken (a loan recorded after the fact),
	// with a warning.
	if _, errs, code := cli(t, db, "checkout", "--to", "B1001", "--due", "2020-01-31", "TD-301", "TD-302"); code != 0 || errs != "warning: due date 2020-01-31 has passed: the assets are overdue already\n" {
		t.Fatalf("checkout with a past due date: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := cli(t, db, "checkout", "--to", "B1002", "TD-303"); code != 0 || errs != "" {
		t.Fatalf("checkout: exit %d, stderr %q", code, errs)
	}
	return db
}

func TestE2E_StocktakeCLI(t *testing.T) {
	db := auditDB(t)
	out := mustCLI(t, db, "stocktake", "start", "DUB-ST")
	if !strings.Contains(out, "4 assets expected") {
		t.Fatalf("start: %s", out)
	}
	if _, errs, code := cli(t, db, "stocktake", "start", "DUB-ST"); code != 1 || !strings.Contains(errs, "already open") {
		t.Fatalf("second start: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "stocktake", "start", "NOWHERE"); code != 1 || !strings.Contains(errs, "NOWHERE") {
		t.Fatalf("unknown location: exit %d %s", code, errs)
	}
	out = mustCLI(t, db, "stocktake", "scan", "TD-101", "s102", "TD-101", "TD-201", "JUNK-77")
	for _, want := range []string{"found       TD-101", "duplicate   TD-101", "unexpected  TD-201", `unknown     "JUNK-77"`, "2 of 4 found"} {
		if !strings.Contains(out, want) {
			t.Errorf("scan output lacks %q:\n%s", want, out)
		}
	}
	mustCLI(t, db, "stocktake", "finish")
	if _, errs, code := cli(t, db, "stocktake", "finish"); code != 1 {
		t.Fatalf("finish twice: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "stocktake", "scan", "TD-103"); code != 1 || !strings.Contains(errs, "no open stocktake") {
		t.Fatalf("scan after finish: exit %d %s", code, errs)
	}
	var rep struct {
		Found, Missing, Unexpected []struct{ Tag, Status string }
		Unknown                    []string
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "stocktake", "report", "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	tags := func(as []struct{ Tag, Status string }) string {
		var s []string
		for _, a := range as {
			s = append(s, a.Tag+"="+a.Status)
		}
		return strings.Join(s, ",")
	}
	if got := tags(rep.Found); got != "TD-101=in_stock,TD-102=in_stock" {
		t.Errorf("found %s", got)
	}
	if got := tags(rep.Missing); got != "TD-103=missing,TD-104=missing" {
		t.Errorf("missing %s", got)
	}
	if got := tags(rep.Unexpected); got != "TD-201=in_stock" || len(rep.Unknown) != 1 || rep.Unknown[0] != "JUNK-77" {
		t.Errorf("unexpected %s unknown %v", got, rep.Unknown)
	}
	csv := mustCLI(t, db, "stocktake", "report", "--csv")
	if !strings.Contains(csv, "missing,TD-103") || !strings.Contains(csv, "unknown,,,,,,,JUNK-77") {
		t.Errorf("csv report:\n%s", csv)
	}
	// The code column is what was scanned: the serial TD-102 was found by,
	// nothing for what was not scanned.
	for _, line := range strings.Split(csv, "\n") {
		if (strings.HasPrefix(line, "found,TD-102,") && !strings.HasSuffix(line, ",s102")) || (strings.HasPrefix(line, "missing,") && !strings.HasSuffix(line, ",")) {
			t.Errorf("csv line %q", line)
		}
	}
	if h := mustCLI(t, db, "history", "TD-101"); !strings.Contains(h, "asset.audited") {
		t.Errorf("history lacks the audit:\n%s", h)
	}

	// KPIs against hand-computed values: accuracy 2/4; 3 deployed, all owned;
	// 2 overdue (due 2020-01-31); 8 assets; by site DUB 7, MAD 1.
	var k struct {
		Assets            int            `json:"assets"`
		InventoryAccuracy float64        `json:"inventory_accuracy"`
		Deployed          int            `json:"deployed"`
		OwnerShare        float64        `json:"owner_share"`
		OverdueReturns    int            `json:"overdue_returns"`
		ByStatus          map[string]int `json:"by_status"`
		BySite            []struct {
			Key   string
			Count int
		} `json:"by_site"`
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "report", "kpis", "--json")), &k); err != nil {
		t.Fatal(err)
	}
	if k.Assets != 8 || k.InventoryAccuracy != 0.5 || k.Deployed != 3 || k.OwnerShare != 1 || k.OverdueReturns != 2 || k.ByStatus["missing"] != 2 {
		t.Errorf("kpis: %+v", k)
	}
	if len(k.BySite) != 2 || k.BySite[0].Key != "DUB" || k.BySite[0].Count != 7 || k.BySite[1].Key != "MAD" || k.BySite[1].Count != 1 {
		t.Errorf("by site: %+v", k.BySite)
	}
	if out := mustCLI(t, db, "report", "kpis"); !strings.Contains(out, "inventory accuracy              50.0%") {
		t.Errorf("kpis text:\n%s", out)
	}
	mustCLI(t, db, "verify")
}

func TestE2E_Offboard(t *testing.T) {
	db := auditDB(t)
	var p struct {
		Name  string
		Holds []struct{ Tag string }
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "person", "show", "ana@example.com", "--json")), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Holds) != 2 {
		t.Fatalf("Ana holds %v", p.Holds)
	}
	// A receipt that cannot be written refuses the offboarding whole.
	nowhere := filepath.Join(t.TempDir(), "no-such-folder", "receipt.pdf")
	if _, errs, code := cli(t, db, "person", "offboard", "B1001", "--receipt", nowhere); code != 1 || !strings.Contains(errs, "there is no folder") || !strings.Contains(errs, "nothing changed") {
		t.Errorf("offboard with an unwritable receipt: exit %d %s", code, errs)
	}
	if err := json.Unmarshal([]byte(mustCLI(t, db, "person", "show", "ana@example.com", "--json")), &p); err != nil || len(p.Holds) != 2 {
		t.Fatalf("after a refused offboarding Ana holds %v (%v)", p.Holds, err)
	}
	receipt := filepath.Join(t.TempDir(), "receipt.pdf")
	out := mustCLI(t, db, "person", "offboard", "B1001", "--condition", "repair", "--location", "DUB-ST", "--receipt", receipt)
	if !strings.Contains(out, "2 asset(s) returned") {
		t.Fatalf("offboard: %s", out)
	}
	for _, tag := range []string{"TD-301", "TD-302"} {
		var a struct{ Status, Location, CustodianKind string }
		json.Unmarshal([]byte(mustCLI(t, db, "asset", "show", tag, "--json")), &a)
		if a.Status != "in_repair" || a.Location != "DUB-ST" {
			t.Errorf("%s after offboarding: %+v", tag, a)
		}
	}
	if _, errs, code := cli(t, db, "person", "offboard", "B1001"); code != 1 || !strings.Contains(errs, "already offboarded") {
		t.Errorf("offboard twice: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "checkout", "--to", "B1001", "TD-101"); code != 1 || !strings.Contains(errs, "offboarded") {
		t.Errorf("checkout to a leaver: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "person", "offboard", "nobody@example.com"); code != 1 || !strings.Contains(errs, "no person") {
		t.Errorf("offboard unknown: exit %d %s", code, errs)
	}
	// Someone who holds nothing is offboarded with a clear message.
	mustCLI(t, db, "person", "add", "--name", "Cy Idle", "--badge", "B1003")
	if out := mustCLI(t, db, "person", "offboard", "B1003"); !strings.Contains(out, "held nothing") {
		t.Errorf("offboard of someone with nothing: %s", out)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", receipt, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Return receipt", "Ana Silva", "TD-301", "TD-302", "in repair"} {
			if !strings.Contains(string(txt), want) {
				t.Errorf("receipt lacks %q:\n%s", want, txt)
			}
		}
	}
	hist := mustCLI(t, db, "report", "history", "--csv")
	if !strings.Contains(hist, "person.offboarded") || !strings.Contains(hist, "device_id,seq,at") {
		t.Errorf("history csv lacks the offboarding")
	}
	mustCLI(t, db, "verify")
}

// A person imported from a name alone is checked out to by that name, and
// given a badge later with person update.
func TestE2EPersonUpdate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "people.db")
	csvPath := filepath.Join(dir, "p.csv")
	if err := os.WriteFile(csvPath, []byte("Asset Tag,Model Name,Checked Out to: Full Name\nA-1,Latitude 5440,Ana Silva\nA-2,Latitude 5440,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "import", "snipeit", csvPath)
	mustCLI(t, db, "checkout", "--to", "Ana Silva", "A-2")
	if out := mustCLI(t, db, "person", "update", "Ana Silva", "--badge", "b1001", "--email", "ana@example.com"); !strings.Contains(out, "updated Ana Silva (B1001)") {
		t.Errorf("update: %s", out)
	}
	mustCLI(t, db, "checkin", "A-2")
	mustCLI(t, db, "checkout", "--to", "B1001", "A-2")
	if _, errs, code := cli(t, db, "person", "update", "B1001"); code != 2 || !strings.Contains(errs, "needs at least one of") {
		t.Errorf("update with nothing: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "person", "update", "B1001", "--badge", "B1001"); code != 1 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "nothing to change") {
		t.Errorf("update to the same: exit %d %s", code, errs)
	}
	mustCLI(t, db, "verify")
}

// The CSV reports are safe to open in a spreadsheet: a value that would run
// as a formula (an operator, a name) starts with a backtick.
func TestE2ECSVReportsSpreadsheetSafe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "safe.db")
	csvPath := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(csvPath, []byte("Asset Tag,Asset Name,Serial,Model Name,Location\nA-1,\"=HYPERLINK(\"\"http://x\"\")\",-S1,M,DUB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "--operator", "@evil", "import", "snipeit", csvPath)
	mustCLI(t, db, "--operator", "@evil", "stocktake", "start", "DUB")
	mustCLI(t, db, "--operator", "@evil", "stocktake", "scan", "--location", "DUB", "--", "-S1")
	for _, args := range [][]string{{"stocktake", "report", "--location", "DUB", "--csv"}, {"report", "history", "--csv"}} {
		out := mustCLI(t, db, args...)
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		seen := false
		for _, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("%v: %q would run as a formula", args, c)
				}
				seen = seen || strings.HasPrefix(c, "`")
			}
		}
		if !seen {
			t.Errorf("%v: nothing escaped:\n%s", args, out)
		}
	}
}

// The history says where each change was made: the site the desk had set
// by then, in history, report history and its CSV.
func TestE2EHistorySaysWhere(t *testing.T) {
	db := auditDB(t) // no site set: history keeps its columns
	if h := mustCLI(t, db, "history", "TD-101"); !strings.Contains(h, "e2e          received as TD-101") {
		t.Errorf("a desk without a site shows a site column:\n%s", h)
	}
	mustCLI(t, db, "setting", "set", "site", "Dublin")
	mustCLI(t, db, "checkout", "--to", "B1001", "TD-101")
	h := mustCLI(t, db, "history", "TD-101")
	lines := strings.Split(strings.TrimSpace(h), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "e2e          -            received as") || !strings.Contains(lines[2], "e2e          Dublin       checked out") {
		t.Errorf("history:\n%s", h)
	}
	rows, err := csv.NewReader(strings.NewReader(mustCLI(t, db, "report", "history", "--csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][4] != "site" || rows[0][11] != "refused" || rows[0][12] != "subject_label" {
		t.Fatalf("header %q", rows[0])
	}
	if last := rows[len(rows)-1]; last[5] != "asset.checked_out" || last[11] != "false" || last[12] != "TD-101" {
		t.Errorf("the check-out's row: %q", last)
	}
	var sited []string
	for _, r := range rows[1:] {
		if r[4] != "" {
			sited = append(sited, r[5])
		}
	}
	if strings.Join(sited, ",") != "device.site,asset.checked_out" {
		t.Errorf("events with a site: %q", sited)
	}
	if rep := mustCLI(t, db, "report", "history"); !strings.Contains(rep, `is at site "Dublin"`) {
		t.Errorf("report history lacks the site statement:\n%s", rep)
	}
	mustCLI(t, db, "verify")
}
