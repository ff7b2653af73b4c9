package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A Snipe-IT file names places, not codes: a name column's "Lab" is the
// place named Lab, not the one whose code is LAB (an asset file, a users
// file's Location, a locations file's Parent); a name no place has still
// finds a code.
func TestImportNameColumnsFindNamesBeforeCodes(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if _, err := db.AddLocation(ctx, "LAB", "Dublin Office", ""); err != nil {
		t.Fatal(err)
	}
	mustImportKind(t, db, store.KindLocations, "Name,Parent\nLab,\n", store.ImportOptions{})
	labCode := ""
	for code, l := range locTree(t, db) {
		if l[0] == "Lab" {
			labCode = code
		}
	}
	if labCode == "" || labCode == "LAB" {
		t.Fatalf("the place named Lab has code %q: %v", labCode, locTree(t, db))
	}
	mustImportKind(t, db, store.KindLocations, "Name,Parent\nBench 1,Lab\n", store.ImportOptions{})
	if got := locTree(t, db); got["BENCH-1"] != [2]string{"Bench 1", labCode} {
		t.Fatalf("Bench 1 under %v, want under %s: %v", got["BENCH-1"], labCode, got)
	}
	mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Email,Location\nLee,Park,lee@example.com,Lab\n", store.ImportOptions{})
	p, err := db.Person(ctx, "lee@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if p.LocationCode != labCode {
		t.Fatalf("Lee's place is %s, want %s", p.LocationCode, labCode)
	}
	importSnipe(t, db, []byte("Asset Tag,Model,Serial,Status,Location,Checkout Type,Checkout to Location\n"+
		"L-1,Lat,S1,Ready to Deploy,Lab,,\nL-2,Lat,S2,Ready to Deploy,Lab,Location,Lab\nL-3,Lat,S3,Ready to Deploy,lab,,\n"), store.ImportOptions{})
	for _, tag := range []string{"L-1", "L-2", "L-3"} {
		if a := mustAsset(t, db, tag); a.LocationCode != labCode {
			t.Errorf("%s is at %s, want %s", tag, a.LocationCode, labCode)
		}
	}
	if a := mustAsset(t, db, "L-2"); a.Custodian != labCode {
		t.Errorf("L-2 is checked out to %s, want %s", a.Custodian, labCode)
	}
	// A name no place has is still read as a code (a file that wrote codes).
	importSnipe(t, db, []byte("Asset Tag,Model,Serial,Location\nL-4,Lat,S4,lab\nL-5,Lat,S5,Dublin Office\n"), store.ImportOptions{})
	if a := mustAsset(t, db, "L-5"); a.LocationCode != "LAB" {
		t.Errorf("L-5 is at %s, want LAB", a.LocationCode)
	}
	// The desk's own commands still read a code first.
	if _, err := db.CheckOut(ctx, "L-1", "LAB", ""); err != nil {
		t.Fatal(err)
	}
	if a := mustAsset(t, db, "L-1"); a.Custodian != "LAB" {
		t.Errorf("checkout --to LAB gave %s", a.Custodian)
	}
	verifyOK(t, db)
}

// A name's inner spaces are one space: "Madrid  Office" in one row and
// "Madrid Office" in another are one place, as are a model, a maker, a
// category and a supplier written so; and the desk stores names so.
func TestImportNamesSpacesAreOne(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	importSnipe(t, db, []byte("Asset Tag,Model Name,Manufacturer,Category,Serial,Status,Location,Supplier\n"+
		"Q-1,Latitude 5440,Hewlett Packard,Desktop PC,S1,Ready to Deploy,Madrid Office,Big Supplier\n"+
		"Q-2,Latitude  5440,Hewlett  Packard,Desktop   PC,S2,Ready to Deploy,Madrid  Office,Big  Supplier\n"), store.ImportOptions{})
	ms, err := db.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Name != "Latitude 5440" || ms[0].Manufacturer != "Hewlett Packard" || ms[0].Category != "Desktop PC" {
		t.Fatalf("models: %+v", ms)
	}
	if got := locTree(t, db); len(got) != 1 {
		t.Fatalf("locations: %v", got)
	}
	a, b := mustAsset(t, db, "Q-1"), mustAsset(t, db, "Q-2")
	if a.Supplier != b.Supplier || a.LocationCode != b.LocationCode {
		t.Fatalf("Q-1 %s at %s, Q-2 %s at %s", a.Supplier, a.LocationCode, b.Supplier, b.LocationCode)
	}
	mustImportKind(t, db, store.KindLocations, "Name,Parent\nRoom  1,Madrid   Office\n", store.ImportOptions{})
	mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Email,Location,Department\nAna,Silva,ana@example.com,Madrid  Office,Field  IT\n", store.ImportOptions{})
	got := locTree(t, db)
	if len(got) != 2 || got["ROOM-1"] != [2]string{"Room 1", a.LocationCode} {
		t.Fatalf("locations: %v", got)
	}
	p, err := db.Person(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if p.LocationCode != a.LocationCode || p.Department != "Field IT" {
		t.Fatalf("Ana: %+v", p)
	}
	// The desk's commands store a name so too.
	l, err := db.AddLocation(ctx, "ANNEX", "  Madrid   Annex ", "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "Madrid Annex" {
		t.Fatalf("location add stored %q", l.Name)
	}
	if _, err := db.AddModel(ctx, "Latitude   5440", "", "", ""); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("model add of a name with doubled spaces: %v", err)
	}
	verifyOK(t, db)
}

// An employee number is one in any case, as Snipe-IT's database compares
// it: a users file's --update finds "ab100" by "AB100", as an asset file's
// holder and checkout --to do.
func TestEmployeeNumbersAnyCase(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Employee Number,Department\nAna,Silva,ab100,IT\n", store.ImportOptions{})
	rep := mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Employee Number,Department\nAna,Silva,AB100,Sales\n", store.ImportOptions{Update: true})
	ps, err := db.People(ctx, store.PeopleFilter{IncludeGone: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Department != "Sales" || !strings.EqualFold(ps[0].EmployeeNo, "ab100") {
		t.Fatalf("people: %+v (report %+v)", ps, rep)
	}
	importSnipe(t, db, []byte("Asset Tag,Model,Serial,Checked Out to: Employee Number,Checked Out to: Full Name\nE-1,Lat,S1,AB100,Ana Silva\nE-2,Lat,S2,Ab100,\n"), store.ImportOptions{})
	if ps, _ = db.People(ctx, store.PeopleFilter{IncludeGone: true}); len(ps) != 1 {
		t.Fatalf("the asset file made people: %+v", ps)
	}
	for _, tag := range []string{"E-1", "E-2"} {
		if a := mustAsset(t, db, tag); a.CustodianName != "Ana Silva" {
			t.Errorf("%s is with %q", tag, a.CustodianName)
		}
	}
	importSnipe(t, db, []byte("Asset Tag,Model,Serial\nE-3,Lat,S3\n"), store.ImportOptions{})
	if _, err := db.CheckOut(ctx, "E-3", "AB100", ""); err != nil {
		t.Fatalf("checkout --to AB100: %v", err)
	}
	res, err := db.Resolve(ctx, "Ab100")
	if err != nil || res.Person == nil || res.Person.Name != "Ana Silva" {
		t.Fatalf("resolve Ab100: %+v, %v", res, err)
	}
	verifyOK(t, db)
}

func hasWarning(rep store.ImportReport, want string) bool {
	for _, w := range rep.Warnings {
		if strings.Contains(w.Reason, want) {
			return true
		}
	}
	return false
}

// What an asset file settles for itself is said: a model named with a
// number found as the desk's model of that name without one (not made
// twice), a name two models share, a warranty end at odds with its months,
// a full name at odds with the first and last names; tagless rows an
// --update cannot find; and a row of a register's asset that names no
// model is refused as that asset, not as a new one without a model.
func TestImportSnipeITSaysWhatItSettles(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	importSnipe(t, db, []byte("Asset Tag,Model Name,Serial\nM-1,Latitude 5440,S1\n"), store.ImportOptions{})
	rep := importSnipe(t, db, []byte("Asset Tag,Model Name,Model No.,Serial\nM-2,Latitude 5440,L5440,S2\nM-3,Latitude 5440,L5440,S3\n"), store.ImportOptions{})
	if ms, _ := db.Models(ctx); len(ms) != 1 {
		t.Fatalf("models: %+v", ms)
	}
	if !hasWarning(rep, "has no model number at the desk") {
		t.Errorf("no warning of the model number: %v", rep.Warnings)
	}
	if _, err := db.AddModel(ctx, "ThinkPad T14", "21HD", "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "ThinkPad T14", "21HE", "", ""); err != nil {
		t.Fatal(err)
	}
	rep = importSnipe(t, db, []byte("Asset Tag,Model Name,Serial,Purchase Date,Warranty Months,Warranty End,Checked Out to: Full Name,Checked Out to: First Name,Checked Out to: Last Name\n"+
		"T-1,ThinkPad T14,S4,2024-01-15,36,2026-01-15,Anna Lee,Anne,Lee\n"+
		"T-2,ThinkPad T14,S5,2024-01-15,24,2026-01-15,Ana Maria Silva,Ana,Silva\n"), store.ImportOptions{})
	for _, want := range []string{"names more than one model", "is not 36 month(s) after", "full name Anna Lee, first and last names Anne Lee"} {
		if !hasWarning(rep, want) {
			t.Errorf("no warning %q: %v", want, rep.Warnings)
		}
	}
	if hasWarning(rep, "is not 24 month(s)") || hasWarning(rep, "Ana Maria Silva") {
		t.Errorf("a warning of what agrees: %v", rep.Warnings)
	}
	rep = importSnipe(t, db, []byte("Asset Tag,Model,Serial\n,Lat,\n,Lat,X\n,Lat,X\n,Lat,Y\n"), store.ImportOptions{Update: true})
	if !hasWarning(rep, "3 row(s) have neither a tag nor a serial of their own (here line 2)") {
		t.Errorf("no warning of rows --update cannot find: %v", rep.Warnings)
	}
	before := takeSnapshot(t, db)
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name\nM-1,\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "tag M-1 is already in use") || rep.InRegister != 1 {
		t.Fatalf("a register's asset without a model: %v, %+v", err, rep.Bad)
	}
	if !reflect.DeepEqual(before, takeSnapshot(t, db)) {
		t.Fatal("a refused import changed the register")
	}
	verifyOK(t, db)
}

// Of places sharing a name, a cell that is also one's code is that place
// (a file that wrote codes), not refused as ambiguous.
func TestImportNameSharedByPlacesFindsTheCode(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	for _, l := range [][3]string{{"STORE", "Store", ""}, {"HQ", "Head office", ""}, {"HQ-STORE", "Store", "HQ"}} {
		if _, err := db.AddLocation(ctx, l[0], l[1], l[2]); err != nil {
			t.Fatal(err)
		}
	}
	importSnipe(t, db, []byte("Asset Tag,Model,Serial,Location\nS-1,Lat,S1,STORE\n"), store.ImportOptions{})
	if a := mustAsset(t, db, "S-1"); a.LocationCode != "STORE" {
		t.Fatalf("S-1 at %s", a.LocationCode)
	}
	// From a migrating admin's hunt: the name as the file writes it (a
	// Snipe-IT file has no codes) is not the place whose code was made
	// from it: it names two, and is refused.
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model,Serial,Location\nS-2,Lat,S2,Store\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, `"Store" names more than one location`) {
		t.Fatalf("import: %v %+v, want the row refused", err, rep.Bad)
	}
}

// Names stored with a run of spaces (before the desk kept them with one)
// are still found by a file, a receipt and a check-out: not made again.
func TestNamesStoredWithRunsOfSpacesAreFound(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	// Made by an older desk: its events carry the spaces.
	old := store.LocationPayload{UID: "old-loc-1", Code: "MAD", Name: "Madrid  Office"}
	mf := store.NamedPayload{UID: "old-mf-1", Name: "Hewlett  Packard"}
	mo := store.ModelPayload{UID: "old-model-1", Name: "ThinkPad  T14", ModelNumber: "20W0  00A", ManufacturerUID: "old-mf-1"}
	if err := a.EmitForTest(ctx, store.EvLocationCreated, old.UID, old); err != nil {
		t.Fatal(err)
	}
	if err := a.EmitForTest(ctx, store.EvManufacturerCreated, mf.UID, mf); err != nil {
		t.Fatal(err)
	}
	if err := a.EmitForTest(ctx, store.EvModelCreated, mo.UID, mo); err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	importSnipe(t, b, []byte("Asset Tag,Model Name,Model No.,Manufacturer,Serial,Location\n"+
		"T-1,ThinkPad  T14,20W0  00A,Hewlett  Packard,S1,Madrid  Office\n"+
		"T-2,ThinkPad T14,20W0 00A,Hewlett Packard,S2,Madrid Office\n"), store.ImportOptions{})
	if ms, _ := b.Models(ctx); len(ms) != 1 {
		t.Fatalf("models: %+v", ms)
	}
	if ls, _ := b.Locations(ctx); len(ls) != 1 {
		t.Fatalf("locations: %+v", ls)
	}
	for _, tag := range []string{"T-1", "T-2"} {
		if got := mustAsset(t, b, tag); got.LocationCode != "MAD" || got.Manufacturer != "Hewlett  Packard" {
			t.Errorf("%s: %+v", tag, got)
		}
	}
	if _, err := b.Receive(ctx, store.Receipt{Serial: "S3", Model: "ThinkPad T14", Location: "Madrid Office"}); err != nil {
		t.Fatalf("receive by the name with one space: %v", err)
	}
	if _, err := b.CheckOut(ctx, "T-1", "Madrid  Office", ""); err != nil {
		t.Fatalf("check out to the stored name: %v", err)
	}
	syncVerify(t, b)
}

// Employee numbers in another case are found only when no one has the
// number in its own case (two people may hold ab1 and AB1, made on two
// desks); the desk no longer lets a second be made; a users file does not
// rewrite a number's case; within one file, numbers of non-ASCII letters
// in two cases are two people, as the register keeps them.
func TestEmployeeNumbersOwnCaseFirst(t *testing.T) {
	ctx := context.Background()
	srv, a, b := openServer(t), mustOpen(t), mustOpen(t)
	ann, err := a.AddPerson(ctx, store.PersonInput{Name: "Ann Lower", EmployeeNo: "ab1"})
	if err != nil {
		t.Fatal(err)
	}
	ben, err := b.AddPerson(ctx, store.PersonInput{Name: "Ben Upper", EmployeeNo: "AB1"})
	if err != nil {
		t.Fatal(err)
	}
	syncVia(t, srv, a)
	syncVia(t, srv, b)
	syncVia(t, srv, a)
	for code, want := range map[string]string{"AB1": ben.UID, "ab1": ann.UID} {
		if p, err := a.PersonByCode(ctx, code); err != nil || p.UID != want {
			t.Errorf("PersonByCode(%s) = %s %v", code, p.Name, err)
		}
		if res, err := a.Resolve(ctx, code); err != nil || res.Person == nil || res.Person.UID != want {
			t.Errorf("Resolve(%s) = %+v %v", code, res.Person, err)
		}
		if h, err := a.ResolveHolder(ctx, code); err != nil || h.UID != want {
			t.Errorf("ResolveHolder(%s) = %s %v", code, h.Label, err)
		}
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Cy Third", EmployeeNo: "e-9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddPerson(ctx, store.PersonInput{Name: "Di Fourth", EmployeeNo: "E-9"}); err == nil || !strings.Contains(err.Error(), "another case") {
		t.Fatalf("a second E-9: %v", err)
	}
	mustImportKind(t, a, store.KindUsers, "First Name,Last Name,Employee Number,Department\nCy,Third,E-9,Sales\n", store.ImportOptions{Update: true})
	if p, err := a.PersonByCode(ctx, "e-9"); err != nil || p.EmployeeNo != "e-9" || p.Department != "Sales" {
		t.Fatalf("Cy after --update: %+v %v", p, err)
	}
	db := mustOpen(t)
	importSnipe(t, db, []byte("Asset Tag,Model,Serial,Checkout Type,Full Name,Employee Number\n"+
		"N-1,Lat,S1,User,Zoë Ünal,ü-1\nN-2,Lat,S2,User,Ömer Ak,Ü-1\n"), store.ImportOptions{})
	if got := mustAsset(t, db, "N-2").CustodianName; got != "Ömer Ak" {
		t.Fatalf("N-2 went to %q", got)
	}
	syncVerify(t, a, db)
}

// A desk's model without a number is the rows' when they give its name one
// number; two numbers are two models; a full name written "Silva, Ana" or
// with accents agrees with its first and last names.
func TestImportModelNumbersAndNamesAgree(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	importSnipe(t, db, []byte("Asset Tag,Model,Serial\nL-0,Latitude,S0\n"), store.ImportOptions{})
	rep := importSnipe(t, db, []byte("Asset Tag,Model Name,Model No.,Serial,Checkout Type,Full Name,First Name,Last Name,Email\n"+
		"L-1,Latitude,5420,S1,User,\"Silva, Ana\",Ana,Silva,ana@example.com\n"+
		"L-2,Latitude,7490,S2,User,José Núñez,Jose,Nunez,jn@example.com\n"), store.ImportOptions{})
	if a, b := mustAsset(t, db, "L-1"), mustAsset(t, db, "L-2"); a.ModelNumber != "5420" || b.ModelNumber != "7490" {
		t.Fatalf("L-1 %q, L-2 %q", a.ModelNumber, b.ModelNumber)
	}
	if ms, _ := db.Models(ctx); len(ms) != 3 {
		t.Fatalf("models: %+v", ms)
	}
	if hasWarning(rep, "full name") || hasWarning(rep, "no model number at the desk") {
		t.Fatalf("warnings: %v", rep.Warnings)
	}
}

// From a fuzzing hunt: a no-break space (U+00A0, common in spreadsheet
// exports) inside a name made a second place or model that looked like
// the first; it is a space.
func TestImportNoBreakSpaceIsASpace(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if _, err := db.AddLocation(ctx, "DUB", "Dublin Office", ""); err != nil {
		t.Fatal(err)
	}
	csv := "Asset Tag,Model Name,Location\nA-1,X1,Dublin\u00a0Office\nA-2,X\u00a01,Dublin Office\nA-3,X 1,Dublin Office\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(csv), store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created.Locations != 0 || rep.Created.Models != 2 {
		t.Errorf("created %d location(s), %d model(s): Dublin\\u00a0Office is DUB, X\\u00a01 is X 1", rep.Created.Locations, rep.Created.Models)
	}
}

// From a fuzzing hunt: a zero-width space in a serial (copied from a web
// page) was stored, so a scan of the serial missed the asset and a second
// receipt of it was not refused. Scans and an import's serials drop it.
func TestSerialWithoutInvisibleCharacters(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Serial Number\nA-1,Latitude 5440,S1\u200b\n"), store.ImportOptions{})
	if err != nil || rep.Imported != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if a := mustAsset(t, db, "A-1"); a.Serial != "S1" {
		t.Errorf("serial %q", a.Serial)
	}
	if r, err := db.Resolve(ctx, "S1\ufeff"); err != nil || r.Asset == nil || r.Asset.Tag != "A-1" {
		t.Errorf("a scan of S1 with a BOM: %+v %v", r, err)
	}
}
