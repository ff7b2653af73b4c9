package store_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

func importKind(tb testing.TB, db *store.DB, kind store.ImportKind, data string, opt store.ImportOptions) (store.ImportReport, error) {
	tb.Helper()
	ctx := context.Background()
	if kind == store.KindUsers {
		return db.ImportSnipeITUsers(ctx, strings.NewReader(data), opt)
	}
	return db.ImportSnipeITLocations(ctx, strings.NewReader(data), opt)
}

func mustImportKind(tb testing.TB, db *store.DB, kind store.ImportKind, data string, opt store.ImportOptions) store.ImportReport {
	tb.Helper()
	rep, err := importKind(tb, db, kind, data, opt)
	if err != nil {
		tb.Fatalf("import %s: %v (bad rows: %v)", kind, err, rep.Bad)
	}
	return rep
}

// refusedKind imports data, wants it refused with a row error naming want
// on line, and the register unchanged.
func refusedKind(tb testing.TB, db *store.DB, kind store.ImportKind, data string, line int, want string) {
	tb.Helper()
	before := takeSnapshot(tb, db)
	rep, err := importKind(tb, db, kind, data, store.ImportOptions{Update: true})
	if err == nil {
		tb.Fatalf("import of %q: no error, report %+v", data, rep)
	}
	if store.ErrorCode(err) == store.EINTERNAL {
		tb.Fatalf("internal error: %v", err)
	}
	found := false
	for _, b := range rep.Bad {
		if b.Line == line && strings.Contains(b.Reason, want) {
			found = true
		}
	}
	if !found {
		tb.Fatalf("want line %d refused with %q; got %v", line, want, rep.Bad)
	}
	if after := takeSnapshot(tb, db); !reflect.DeepEqual(before, after) {
		tb.Fatalf("a refused import changed the register")
	}
}

func verifyOK(tb testing.TB, db *store.DB) {
	tb.Helper()
	v, err := db.Verify(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	if !v.OK {
		tb.Fatalf("verify: %v", v.Problems)
	}
}

// locTree is the register's locations as code -> name, parent code.
func locTree(tb testing.TB, db *store.DB) map[string][2]string {
	tb.Helper()
	locs, err := db.Locations(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][2]string{}
	for _, l := range locs {
		out[l.Code] = [2]string{l.Name, l.ParentCode}
	}
	return out
}

// A Snipe-IT locations file: parents come before their children whatever
// the rows' order, codes are made from names (leaving the file's own
// codes free), a parent named nowhere is made at the top with a warning,
// and the same file again changes nothing.
func TestImportLocationsTree(t *testing.T) {
	db := mustOpen(t)
	file := "Location Name,Address,Parent,Location Code,Currency\n" +
		"Shelf A,,Dublin IT Store,,\n" +
		"Dublin IT Store,,Dublin Office,,EUR\n" +
		"Dublin Office,1 Main St,,,EUR\n" +
		"Dublin Annex,,,DUBLIN-OFFICE-2,\n" +
		"Remote,,Home Workers,,\n" +
		"Berlin,,,BER,\n" +
		"Floor 2,,,,\n" +
		"Floor 2,,Berlin,,\n"
	rep := mustImportKind(t, db, store.KindLocations, file, store.ImportOptions{})
	if rep.Imported != 8 || rep.Created.Locations != 9 || rep.Kind != store.KindLocations || rep.Unchanged != 0 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Line != 6 || !strings.Contains(rep.Warnings[0].Reason, "Home Workers") {
		t.Fatalf("warnings %v", rep.Warnings)
	}
	want := map[string][2]string{
		"SHELF-A":         {"Shelf A", "DUBLIN-IT-STORE"},
		"DUBLIN-IT-STORE": {"Dublin IT Store", "DUBLIN-OFFICE"},
		"DUBLIN-OFFICE":   {"Dublin Office", ""},
		"DUBLIN-OFFICE-2": {"Dublin Annex", ""},
		"REMOTE":          {"Remote", "HOME-WORKERS"},
		"HOME-WORKERS":    {"Home Workers", ""},
		"BER":             {"Berlin", ""},
		"FLOOR-2":         {"Floor 2", ""},
		"FLOOR-2-2":       {"Floor 2", "BER"},
	}
	if got := locTree(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("tree:\n got %v\nwant %v", got, want)
	}
	// Again: every row is a location of the register (two "Floor 2" told
	// apart by their parents), nothing changes.
	before := takeSnapshot(t, db)
	rep = mustImportKind(t, db, store.KindLocations, file, store.ImportOptions{})
	if rep.Imported != 0 || rep.Unchanged != 8 || rep.Created.Locations != 0 {
		t.Fatalf("second import: %+v", rep)
	}
	if !reflect.DeepEqual(before, takeSnapshot(t, db)) {
		t.Fatal("a second import changed the register")
	}
	// A file with codes renames and moves, with Update only; without it the
	// rows are left as they are and said to differ.
	moves := "Location Name,Parent Code,Location Code\nDublin Store,BER,DUBLIN-IT-STORE\nOffice,,DUBLIN-OFFICE\nBerlin,,BER\n"
	rep = mustImportKind(t, db, store.KindLocations, moves, store.ImportOptions{})
	if rep.Skipped != 2 || rep.Unchanged != 1 || len(rep.Warnings) != 2 || !reflect.DeepEqual(before, takeSnapshot(t, db)) {
		t.Fatalf("without update: %+v", rep)
	}
	rep = mustImportKind(t, db, store.KindLocations, moves, store.ImportOptions{Update: true})
	if rep.Updated != 2 || rep.Unchanged != 1 {
		t.Fatalf("update: %+v", rep)
	}
	got := locTree(t, db)
	if got["DUBLIN-IT-STORE"] != [2]string{"Dublin Store", "BER"} || got["DUBLIN-OFFICE"] != [2]string{"Office", ""} || got["SHELF-A"] != [2]string{"Shelf A", "DUBLIN-IT-STORE"} {
		t.Fatalf("after update: %v", got)
	}
	verifyOK(t, db)
}

// A location renamed or moved in the tree: its assets are found by its new
// name, history says it, and a move into itself is refused.
func TestUpdateLocation(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // DUB, DUB-STORE under it
	receiveTags(t, db, "DUB-STORE", "T-1")
	if _, err := db.AddLocation(ctx, "BER", "Berlin office", ""); err != nil {
		t.Fatal(err)
	}
	l, err := db.UpdateLocation(ctx, "DUB-STORE", map[string]string{"name": "Cage 7", "parent": "BER"})
	if err != nil || l.Name != "Cage 7" || l.ParentCode != "BER" || l.Code != "DUB-STORE" {
		t.Fatalf("update: %+v %v", l, err)
	}
	if as, err := db.SearchAssets(ctx, store.AssetFilter{Query: "Cage 7"}); err != nil || len(as) != 1 {
		t.Fatalf("search by the new name: %v %v", as, err)
	}
	for _, c := range []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"parent": "DUB-STORE"}, "inside it"},
		{map[string]string{"name": "Cage 7"}, "nothing to change"},
		{map[string]string{"name": " "}, "needs a name"},
		{map[string]string{"code": "X"}, "no field"},
		{map[string]string{"parent": "NOWHERE"}, "no location"},
	} {
		if _, err := db.UpdateLocation(ctx, "DUB-STORE", c.set); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v", c.set, err)
		}
	}
	if _, err := db.UpdateLocation(ctx, "BER", map[string]string{"parent": "DUB-STORE"}); err == nil || !strings.Contains(err.Error(), "inside it") {
		t.Errorf("BER under its own child: %v", err)
	}
	if l, err = db.UpdateLocation(ctx, "Cage 7", map[string]string{"parent": ""}); err != nil || l.ParentCode != "" {
		t.Fatalf("to the top: %+v %v", l, err)
	}
	var said []string
	if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(e store.Event) error {
		if e.Type == store.EvLocationUpdated {
			said = append(said, store.Describe(e))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{`location DUB-STORE renamed "Dublin storeroom" → "Cage 7", moved from Dublin office (DUB) to Berlin office (BER)`, `location DUB-STORE moved from Berlin office (BER) to the top`}
	if !reflect.DeepEqual(said, want) {
		t.Fatalf("history:\n got %q\nwant %q", said, want)
	}
	verifyOK(t, db)
}

// A bad locations file imports nothing and names each bad row; with
// SkipInvalid the good rows go in, and a child of a bad row is bad too.
func TestImportLocationsRefusals(t *testing.T) {
	db := mustOpen(t)
	seed(t, db) // DUB "Dublin office", DUB-STORE under it
	for _, c := range []struct {
		name, file string
		line       int
		want       string
	}{
		{"circle", "Name,Parent\nA,B\nB,C\nC,A\nD,C\n", 2, "circle"},
		{"circle, its last", "Name,Parent\nA,B\nB,C\nC,A\nD,C\n", 4, "(line 2) lies in it"},
		{"under a circle", "Name,Parent\nA,B\nB,C\nC,A\nD,C\n", 5, "(line 4) is a bad row"},
		{"itself", "Name,Parent\nA,A\n", 2, "in itself"},
		{"two codes", "Name,Code\nA,X1\nB,x1\n", 3, "also on line 2"},
		{"bad code", "Name,Code\nA,no spaces\n", 2, "codes use only"},
		{"no name", "Name,Code\n,X1\n", 2, "needs a name"},
		{"ambiguous parent", "Name,Parent\nRoom,\nRoom,\nShelf,Room\n", 4, "2 rows of the file are named Room"},
		{"moved inside itself", "Name,Parent,Code\nX,Dublin storeroom,\nDublin office,Dublin storeroom,DUB\n", 3, "cannot go under a place inside it"},
		{"unknown parent code", "Name,Parent Code\nA,NOPE\n", 2, "no location NOPE"},
		{"code is a badge", "Name,Code\nA,B1001\n", 2, "B1001"},
	} {
		t.Run(c.name, func(t *testing.T) {
			refusedKind(t, db, store.KindLocations, c.file, c.line, c.want)
		})
	}
	rep, err := importKind(t, db, store.KindLocations, "Name,Parent\nA,B\nB,A\nC,A\nGood,DUB\n", store.ImportOptions{SkipInvalid: true})
	if err != nil || rep.Imported != 1 || rep.BadRows != 3 {
		t.Fatalf("skip invalid: %v %+v", err, rep)
	}
	if got := locTree(t, db)["GOOD"]; got != [2]string{"Good", "DUB"} {
		t.Fatalf("Good: %v", got)
	}
	verifyOK(t, db)
}

// A desk's locations and people go out in Snipe-IT's headers and come back
// into another desk as they were: codes, names, the tree, and each
// person's identifiers, department, cost centre, home and activation.
func TestExportImportPeopleAndLocations(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	seed(t, a)
	if _, err := a.AddLocation(ctx, "BER", "Berlin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddLocation(ctx, "BER-F2", "Floor 2", "BER"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddLocation(ctx, "DUB-F2", "Floor 2", "DUB"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []store.PersonInput{
		{Name: "Bo Li", EmployeeNo: "E7", Username: "bli", Department: "IT", CostCentre: "CC-9", Location: "BER-F2"},
		{Name: "Cher", Email: "cher@example.com", Location: "DUB-F2"},
		{Name: "Dana van der Berg", Badge: "B2002", Email: "=dana@example.com"},
		{Name: "Eve Gone", Username: "egone"},
	} {
		if _, err := a.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Offboard(ctx, "egone", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	var locs, users bytes.Buffer
	if n, err := a.ExportSnipeITLocations(ctx, &locs); err != nil || n != 5 {
		t.Fatalf("export locations: %d %v", n, err)
	}
	if n, err := a.ExportSnipeITUsers(ctx, &users); err != nil || n != 5 {
		t.Fatalf("export users: %d %v", n, err)
	}
	lines := strings.Split(locs.String(), "\n")
	if lines[0] != "Location Name,Parent,Location Code,Parent Code" || !strings.HasSuffix(lines[len(lines)-2], ",DUB") && !strings.HasSuffix(lines[len(lines)-2], ",BER") {
		t.Fatalf("locations file:\n%s", locs.String())
	}
	if !strings.HasPrefix(users.String(), "First Name,Last Name,Username,Email,Employee Number,Department,Location,Badge,Cost Centre,Location Code,Offboarded\n") ||
		!strings.Contains(users.String(), "\nDana,van der Berg,,`=dana@example.com,,,,B2002,,,no\n") ||
		!strings.Contains(users.String(), "\nEve,Gone,egone,,,,,,,,yes\n") {
		t.Fatalf("users file:\n%s", users.String())
	}
	b := mustOpen(t)
	mustImportKind(t, b, store.KindLocations, locs.String(), store.ImportOptions{})
	rep := mustImportKind(t, b, store.KindUsers, users.String(), store.ImportOptions{})
	if rep.Imported != 5 || rep.Created.Locations != 0 {
		t.Fatalf("users report %+v", rep)
	}
	if ta, tb := locTree(t, a), locTree(t, b); !reflect.DeepEqual(ta, tb) {
		t.Fatalf("trees differ:\n%v\n%v", ta, tb)
	}
	people := func(db *store.DB) []store.Person {
		ps, err := db.People(ctx, store.PeopleFilter{IncludeGone: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ps {
			ps[i].ID, ps[i].UID = 0, ""
		}
		return ps
	}
	if pa, pb := people(a), people(b); !reflect.DeepEqual(pa, pb) {
		t.Fatalf("people differ:\n%+v\n%+v", pa, pb)
	}
	// The same files again: nothing to do.
	rep = mustImportKind(t, b, store.KindUsers, users.String(), store.ImportOptions{})
	if rep.Imported != 0 || rep.Unchanged != 5 || rep.Skipped != 0 {
		t.Fatalf("again: %+v", rep)
	}
	verifyOK(t, b)
}

// A users row names a person by an identifier, else by their name alone;
// without Update one the register has is left as they are (and the report
// says so); with it their details change, and Offboarded offboards or
// reactivates them.
func TestImportUsersUpdate(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Ana Silva B1001 asilva ana@example.com
	receiveTags(t, db, "DUB", "T-1")
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Li"}); err != nil { // (by name alone, as an asset import makes them)
		t.Fatal(err)
	}
	file := "First Name,Last Name,Username,Email,Department,Location,Activated,Phone\n" + // (Snipe-IT's Activated: not read)
		"Ana,Silva,asilva,,Finance,Dublin storeroom,,555\n" +
		"Bo,Li,bli,bo@example.com,IT,,,\n"
	rep := mustImportKind(t, db, store.KindUsers, file, store.ImportOptions{})
	if rep.Skipped != 2 || rep.Imported != 0 || len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0].Reason, "Ana Silva (by username asilva)") {
		t.Fatalf("without update: %+v", rep)
	}
	if p, _ := db.Person(ctx, "asilva"); p.Department != "" {
		t.Fatalf("changed without update: %+v", p)
	}
	rep = mustImportKind(t, db, store.KindUsers, file, store.ImportOptions{Update: true})
	if rep.Updated != 2 {
		t.Fatalf("update: %+v", rep)
	}
	ana, _ := db.Person(ctx, "asilva")
	bo, err := db.Person(ctx, "bli")
	if err != nil || ana.Department != "Finance" || ana.LocationCode != "DUB-STORE" || ana.Email != "ana@example.com" || bo.Email != "bo@example.com" || bo.Department != "IT" {
		t.Fatalf("after update: %+v %+v %v", ana, bo, err)
	}
	// Offboarded: yes for someone holding an asset is refused; for someone
	// holding nothing it offboards them, and yes brings them back.
	if _, err := db.CheckOut(ctx, "T-1", "asilva", ""); err != nil {
		t.Fatal(err)
	}
	refusedKind(t, db, store.KindUsers, "Username,Offboarded\nasilva,yes\n", 2, "holds 1 asset(s), so the row cannot offboard them")
	if rep, _ := importKind(t, db, store.KindUsers, "Username,Offboarded\nasilva,yes\n", store.ImportOptions{Update: true}); len(rep.Bad) != 1 || rep.Bad[0].Column != "Offboarded" {
		t.Fatalf("the refusal's column: %+v", rep.Bad)
	}
	// (Snipe-IT's Activated 0 is only that they cannot log in there.)
	if rep := mustImportKind(t, db, store.KindUsers, "Username,Activated\nasilva,0\n", store.ImportOptions{Update: true}); rep.Unchanged != 1 {
		t.Fatalf("Activated 0: %+v", rep)
	}
	mustImportKind(t, db, store.KindUsers, "Username,Offboarded\nbli,yes\n", store.ImportOptions{Update: true})
	if bo, _ = db.Person(ctx, "bli"); bo.Active {
		t.Fatal("not offboarded")
	}
	mustImportKind(t, db, store.KindUsers, "Username,Offboarded\nbli,no\n", store.ImportOptions{Update: true})
	if bo, _ = db.Person(ctx, "bli"); !bo.Active {
		t.Fatal("not reactivated")
	}
	// A rename by one identifier is done, with a warning.
	rep = mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Email\nBo,Li-Chen,bo@example.com\n", store.ImportOptions{Update: true})
	if bo, _ = db.Person(ctx, "bli"); bo.Name != "Bo Li-Chen" || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "renamed Bo Li-Chen") {
		t.Fatalf("rename: %+v %+v", bo, rep)
	}
	verifyOK(t, db)
}

func TestImportUsersRefusals(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Ana Silva B1001 asilva ana@example.com
	for _, p := range []store.PersonInput{{Name: "Li Na"}, {Name: "Li Na"}, {Name: "Bo Li", Username: "bli"}} {
		if _, err := db.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, file string
		line       int
		want       string
	}{
		{"two people", "Name,Username,Email\nY,bli,ana@example.com\n", 2, "name 2 people"},
		{"renamed and re-identified", "Name,Badge,Email\nEve New,B1001,eve@example.com\n", 2, "another person's row"},
		{"same person twice", "Name,Username,Email\nAna Silva,asilva,\nAna Silva,,ana@example.com\n", 3, "line 2 names Ana Silva too"},
		{"same identifier twice", "Name,Username\nA,zed\nB,ZED\n", 3, "also on line 2"},
		{"namesakes", "Name,Department\nLi Na,IT\n", 2, "2 people are named Li Na"},
		{"no name", "Name,Department\n,IT\n", 2, "needs a name"},
		{"bad email", "Name,Email\nA,nope\n", 2, "not an email"},
		{"bad offboarded", "Name,Offboarded\nA,perhaps\n", 2, "not yes or no"},
		{"badge is a location", "Name,Badge\nA,DUB\n", 2, "DUB"},
		{"badge another's", "Name,Username,Badge\nBo Li,bli,B1001\n", 2, "name 2 people"},
		{"no such location code", "Name,Location Code\nA,NOPE\n", 2, "no location NOPE"},
		{"same name, no identifiers", "Name\nZoe Q\nZoe Q\n", 3, "neither row has"},
	} {
		t.Run(c.name, func(t *testing.T) {
			refusedKind(t, db, store.KindUsers, c.file, c.line, c.want)
		})
	}
	if _, err := importKind(t, db, store.KindUsers, "Username,Department\nasilva,IT\n", store.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "First Name") {
		t.Fatalf("a file without names, not updating: %v", err)
	}
	if _, err := importKind(t, db, store.KindLocations, "Asset Tag,Model Name\nA-1,M\n", store.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "import it without --type") {
		t.Fatalf("an asset file as locations: %v", err)
	}
	// And the other way: a users or locations file imported as assets
	// says what it is.
	for file, kind := range map[string]string{
		"First Name,Last Name,Username\nA,B,ab\n": "users", "Name,Parent\nA,\n": "locations", "Location Name,City\nA,B\n": "locations",
	} {
		_, err := db.ImportSnipeIT(ctx, strings.NewReader(file), store.ImportOptions{Update: true})
		if err == nil || !strings.Contains(err.Error(), "--type "+kind) {
			t.Errorf("%q as assets: %v", file, err)
		}
	}
}

// Any input to the users and locations importers is imported (the log
// still verifies) or refused with a coded error, changing nothing.
func FuzzImportSnipeITTables(f *testing.F) {
	for _, s := range []string{
		"First Name,Last Name,Username,Email,Employee Number,Offboarded,Location\nAna,Silva,asilva,a@b,E1,no,Dublin\nBo,,bli,,,yes,\n",
		"Name,Badge,Location Code\nX,b-1,DUB\n",
		"Location Name,Parent,Location Code,Parent Code\nA,,A1,\nB,A,,\nC,,,A1\nD,E,,\nE,D,,\n",
		"Name;Parent\nA;B\n",
		"\"Name\nx\",Parent\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	db := mustOpen(f)
	ctx := context.Background()
	seed(f, db)
	f.Fuzz(func(t *testing.T, data []byte, users bool) {
		if len(data) > 16<<10 {
			return
		}
		before := takeSnapshot(t, db)
		var err error
		opt := store.ImportOptions{Update: len(data)%2 == 1}
		if users {
			_, err = db.ImportSnipeITUsers(ctx, bytes.NewReader(data), opt)
		} else {
			_, err = db.ImportSnipeITLocations(ctx, bytes.NewReader(data), opt)
		}
		if err != nil {
			if store.ErrorCode(err) == store.EINTERNAL {
				t.Fatalf("internal error on bad input: %v", err)
			}
			if !reflect.DeepEqual(before, takeSnapshot(t, db)) {
				t.Fatalf("refused import changed the register: %v", err)
			}
		}
	})
}

// TestImportSnipeITTablesMutations is the deterministic stand-in for
// FuzzImportSnipeITTables (the fuzzer is slow over the instrumented pure-Go
// SQLite): random byte mutations of users and locations files, each
// imported or refused cleanly, the log verifying at the end.
func TestImportSnipeITTablesMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("600 imports")
	}
	seeds := []string{
		"First Name,Last Name,Username,Email,Employee Number,Department,Location,Offboarded,Badge,Cost Centre,Location Code\nAna,Silva,asilva,ana@example.com,E1,IT,Dublin office,no,B1001,CC1,DUB\nBo,Li,bli,bo@x.org,E2,,Berlin,yes,B-2,,\nCy,,,,,,,,,,\n",
		"Location Name,Parent,Location Code,Parent Code\nHQ,,HQ,\nFloor 1,HQ,HQ-F1,HQ\nRoom 101,Floor 1,,\nAnnex,,,HQ\nShelf,Room 101,,\n",
	}
	db := mustOpen(t)
	seed(t, db)
	ctx := context.Background()
	r := rand.New(rand.NewSource(2))
	imported := 0
	for i := 0; i < 600; i++ {
		k := r.Intn(len(seeds))
		in := mutate(r, []byte(seeds[k]), []byte(",\n\"x"))
		before := takeSnapshot(t, db)
		opt := store.ImportOptions{Update: r.Intn(2) == 0, SkipInvalid: r.Intn(3) == 0}
		var err error
		if k == 0 {
			_, err = db.ImportSnipeITUsers(ctx, bytes.NewReader(in), opt)
		} else {
			_, err = db.ImportSnipeITLocations(ctx, bytes.NewReader(in), opt)
		}
		if err != nil {
			if store.ErrorCode(err) == store.EINTERNAL {
				t.Fatalf("internal error on %q: %v", in, err)
			}
			if !reflect.DeepEqual(before, takeSnapshot(t, db)) {
				t.Fatalf("refused import of %q changed the register: %v", in, err)
			}
			continue
		}
		imported++
	}
	t.Logf("%d of 600 mutated files imported", imported)
	if imported < 50 {
		t.Fatalf("only %d of 600 mutated files imported: the mutations are too harsh to test much", imported)
	}
	verifyOK(t, db)
}

// A locations file into a desk whose asset import made its places (at the
// top, by name): each is the file's place, not made again; without Update
// it stays at the top (said), with it it moves under the file's parent.
// Names are compared case aside, as the register does.
func TestImportLocationsFindsPlacesMadeByName(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	for _, n := range []string{"Dublin Office", "Madrid Office"} {
		if _, err := db.EnsureLocation(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	file := "Location Name,Parent\nRoom 9,dublin office\nDublin Office,Ireland\nIreland,\nMadrid Office,\n"
	rep := mustImportKind(t, db, store.KindLocations, file, store.ImportOptions{})
	if rep.Imported != 2 || rep.Skipped != 1 || rep.Unchanged != 1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "DUBLIN-OFFICE") {
		t.Fatalf("without update: %+v", rep)
	}
	want := map[string][2]string{"DUBLIN-OFFICE": {"Dublin Office", ""}, "MADRID-OFFICE": {"Madrid Office", ""}, "ROOM-9": {"Room 9", "DUBLIN-OFFICE"}, "IRELAND": {"Ireland", ""}}
	if got := locTree(t, db); !reflect.DeepEqual(got, want) {
		t.Fatalf("tree %v", got)
	}
	rep = mustImportKind(t, db, store.KindLocations, file, store.ImportOptions{Update: true})
	want["DUBLIN-OFFICE"] = [2]string{"Dublin Office", "IRELAND"}
	if got := locTree(t, db); !reflect.DeepEqual(got, want) || rep.Updated != 1 || rep.Unchanged != 3 {
		t.Fatalf("with update: %v %+v", got, rep)
	}
	// A parent the file names but does not list takes none of the codes
	// the file gives (DEPOT is the next row's).
	mustImportKind(t, db, store.KindLocations, "Location Name,Parent,Location Code\nShelf 1,Depot,SHELF-1\nCentral depot,,DEPOT\n", store.ImportOptions{})
	got := locTree(t, db)
	if got["DEPOT"] != [2]string{"Central depot", ""} || got["DEPOT-2"] != [2]string{"Depot", ""} || got["SHELF-1"] != [2]string{"Shelf 1", "DEPOT-2"} {
		t.Fatalf("codes: %v", got)
	}
	// A place of the name elsewhere that has a parent of its own is
	// another place: Cork's store room is not Dublin's.
	if _, err := db.AddLocation(ctx, "CORK", "Cork Office", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "CORK-STORE", "Store Room", "CORK"); err != nil {
		t.Fatal(err)
	}
	rep = mustImportKind(t, db, store.KindLocations, "Location Name,Parent\nStore Room,Dublin Office\n", store.ImportOptions{Update: true})
	got = locTree(t, db)
	if rep.Imported != 1 || got["CORK-STORE"] != [2]string{"Store Room", "CORK"} || got["STORE-ROOM"] != [2]string{"Store Room", "DUBLIN-OFFICE"} {
		t.Fatalf("store rooms: %+v %v", rep, got)
	}
	// A row named as its parent: another place inside it.
	if _, err := db.AddLocation(ctx, "LON", "London", ""); err != nil {
		t.Fatal(err)
	}
	if rep := mustImportKind(t, db, store.KindLocations, "Location Name,Parent Code\nLondon,LON\n", store.ImportOptions{Update: true}); rep.Imported != 1 || locTree(t, db)["LONDON"] != [2]string{"London", "LON"} {
		t.Fatalf("London in London: %+v %v", rep, locTree(t, db))
	}
	// A move the tree refuses names the Parent column.
	rep, err := importKind(t, db, store.KindLocations, "Location Name,Parent,Location Code\nIreland,Dublin Office,IRELAND\n", store.ImportOptions{Update: true})
	if err == nil || len(rep.Bad) != 1 || rep.Bad[0].Column != "Parent" || !strings.Contains(rep.Bad[0].Reason, "inside") {
		t.Fatalf("a move into itself: %v %+v", err, rep.Bad)
	}
	// Many places of one name get their codes one after another.
	var b strings.Builder
	b.WriteString("Location Name,Parent\n")
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "Site %d,\nStorage,Site %d\n", i, i)
	}
	if rep := mustImportKind(t, db, store.KindLocations, b.String(), store.ImportOptions{}); rep.Imported != 600 {
		t.Fatalf("600 places: %+v", rep)
	}
	if got := locTree(t, db); got["STORAGE-300"] != [2]string{"Storage", "SITE-299"} {
		t.Fatalf("the 300th storage: %v", got["STORAGE-300"])
	}
	verifyOK(t, db)
}

// Users rows and the people they name: namesakes told apart by what they
// have, a person made by an earlier row never taken by a later row's name,
// a rename with a new email when the username says who it is, a skipped
// row that makes nothing, and the other kind of file refused.
func TestImportUsersMatching(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	for _, p := range []store.PersonInput{{Name: "Madonna"}, {Name: "Madonna", Username: "madonna2"}, {Name: "Ana  Maria Silva", Username: "ams", Department: strings.Repeat("D", 300)}} {
		if _, err := a.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	var users bytes.Buffer
	if _, err := a.ExportSnipeITUsers(ctx, &users); err != nil {
		t.Fatal(err)
	}
	b := mustOpen(t)
	if rep := mustImportKind(t, b, store.KindUsers, users.String(), store.ImportOptions{}); rep.Imported != 3 {
		t.Fatalf("namesakes: %+v", rep)
	}
	// (A name typed with a run of spaces is kept with one, as Snipe-IT's
	// two columns carry it: the desk's own file comes back unchanged.)
	rep := mustImportKind(t, a, store.KindUsers, users.String(), store.ImportOptions{})
	if rep.Skipped != 0 || rep.Unchanged != 3 {
		t.Fatalf("own file again: %+v", rep)
	}
	rep = mustImportKind(t, a, store.KindUsers, users.String(), store.ImportOptions{Update: true})
	if rep.Updated != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("own file, update: %+v", rep)
	}
	// A name match where both have identifiers, of other kinds, is asked
	// about rather than taken.
	db := mustOpen(t)
	seed(t, db) // Ana Silva B1001 asilva ana@example.com
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Cher", Email: "cher@example.com"}); err != nil {
		t.Fatal(err)
	}
	refusedKind(t, db, store.KindUsers, "Name,Username\nCher,cher2\n", 2, "is it them")
	// A username in other capitals is theirs: nothing to change.
	if rep := mustImportKind(t, db, store.KindUsers, "Name,Username\nAna Silva,ASILVA\n", store.ImportOptions{}); rep.Unchanged != 1 {
		t.Fatalf("username in capitals: %+v", rep)
	}
	// Surname and email change together: the username says it is her.
	rep = mustImportKind(t, db, store.KindUsers, "First Name,Last Name,Username,Email\nAna,Silva-Costa,asilva,ana.costa@example.com\n", store.ImportOptions{Update: true})
	if p, _ := db.Person(ctx, "asilva"); p.Name != "Ana Silva-Costa" || p.Email != "ana.costa@example.com" || rep.Updated != 1 {
		t.Fatalf("marriage: %+v %+v", p, rep)
	}
	// A skipped row makes no home for them; a refused import warns of
	// nothing it did not do.
	before := takeSnapshot(t, db)
	rep = mustImportKind(t, db, store.KindUsers, "Name,Username,Location\nAna Silva-Costa,asilva,Brand New Place\n", store.ImportOptions{})
	if rep.Skipped != 1 || rep.Created.Locations != 0 || !reflect.DeepEqual(before, takeSnapshot(t, db)) {
		t.Fatalf("skipped: %+v", rep)
	}
	rep, err := importKind(t, db, store.KindUsers, "First Name,Last Name,Username,Email\nAna,Costa,asilva,\nBad,Row,,nope\n", store.ImportOptions{Update: true})
	if err == nil || len(rep.Warnings) != 0 {
		t.Fatalf("refused import: %v %+v", err, rep)
	}
	for kind, file := range map[store.ImportKind]string{store.KindUsers: "Name,Parent\nDublin,Ireland\n", store.KindLocations: "Name,Username,Email\nAna,asilva,a@x\n"} {
		if _, err := importKind(t, db, kind, file, store.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "import it with --type") {
			t.Errorf("%s given %q: %v", kind, file, err)
		}
	}
	verifyOK(t, db)
}

// An assets file given as users or locations says so; a new place whose
// name is another place's elsewhere is warned of (a Snipe-IT file moved or
// renamed it: its rows have no codes).
func TestImportTablesKindsAndNamesakes(t *testing.T) {
	db := mustOpen(t)
	seed(t, db) // DUB, DUB-STORE "Dublin storeroom" under it
	for _, kind := range []store.ImportKind{store.KindUsers, store.KindLocations} {
		if _, err := importKind(t, db, kind, "Asset Tag,Model Name,Username\nA-1,M,ab\n", store.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "an assets file's: import it without --type") {
			t.Errorf("%s given an assets file: %v", kind, err)
		}
	}
	// (Not when a row of the file found that place where it is.)
	rep := mustImportKind(t, db, store.KindLocations, "Location Name,Parent\nDublin office,\nDublin storeroom,Dublin office\nCork,\nDublin storeroom,Cork\n", store.ImportOptions{DryRun: true})
	if rep.Imported != 2 || len(rep.Warnings) != 0 {
		t.Fatalf("namesake the file found: %+v", rep)
	}
	rep = mustImportKind(t, db, store.KindLocations, "Location Name,Parent\nCork,\nDublin storeroom,Cork\n", store.ImportOptions{})
	if rep.Imported != 2 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "a location named Dublin storeroom is in the register already (DUB-STORE)") {
		t.Fatalf("namesake elsewhere: %+v", rep)
	}
	// Parent and Parent Code at odds: the code is taken, and said.
	rep = mustImportKind(t, db, store.KindLocations, "Location Name,Parent,Location Code,Parent Code\nCage,Cork,CAGE,DUB\n", store.ImportOptions{})
	if got := locTree(t, db)["CAGE"]; got != [2]string{"Cage", "DUB"} || len(rep.Warnings) != 1 || rep.Warnings[0].Column != "Parent" || !strings.Contains(rep.Warnings[0].Reason, "Cork, but Parent Code DUB is Dublin office") {
		t.Fatalf("parent and code at odds: %v %+v", got, rep.Warnings)
	}
	// Offboarded reads yes and no; an Activated column's words, which
	// mean the other way round, are refused.
	refusedKind(t, db, store.KindUsers, "Name,Username,Offboarded\nP Active,pa,active\n", 2, "is not yes or no")
	if _, err := importKind(t, db, store.KindUsers, "Name,Username,Email,Active\nX Y,xy,x@y.z,1\n", store.ImportOptions{}); err != nil {
		t.Fatalf("a users file with Active: %v", err)
	}
	if _, err := db.ImportSnipeIT(context.Background(), strings.NewReader("Name,Username,Email,Login Enabled\nX Y,xy,x@y.z,1\n"), store.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "--type users") {
		t.Fatalf("a users file with Login Enabled as assets: %v", err)
	}
}

// From a migrating admin's hunt: a holder's cell (Checked Out To, or
// Full Name) holding a username or an email made a new person of that
// "name", beside the person who has it. It is them, as Snipe-IT's own
// importer looks a holder up; a plain unknown name is still made.
func TestImportHolderCellNamingUsernameOrEmail(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Ana Silva: B1001, asilva, ana@example.com
	data := "Asset Tag,Model Name,Serial Number,Checkout Type,Checked Out to: Full Name\n" +
		"Q-1,WD19,QS1,User,asilva\nQ-2,WD19,QS2,User,ANA@example.com\nQ-3,WD19,QS3,User,Zed Newman\nQ-4,WD19,QS4,User,Asilva\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v (%v)", err, rep.Bad)
	}
	// (A one-word name written otherwise than the username is a name: a
	// review found a new "Ana" would go to the username ana.)
	for tag, want := range map[string]string{"Q-1": "Ana Silva", "Q-2": "Ana Silva", "Q-3": "Zed Newman", "Q-4": "Asilva"} {
		a, err := db.Asset(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		if a.CustodianName != want {
			t.Errorf("%s held by %q, want %q", tag, a.CustodianName, want)
		}
	}
	people, err := db.People(ctx, store.PeopleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if p.Name == "asilva" || strings.Contains(p.Name, "@") {
			t.Errorf("made a person named %q", p.Name)
		}
	}
}

// From a migrating admin's hunt: a checkout time in the second the import
// ran (an export imported at once) lost its time of day: the file's time
// was compared with the import's as text, where "…:19Z" sorts after
// "…:19.123Z". Times compare as instants.
func TestImportCheckoutTimeInTheImportsSecond(t *testing.T) {
	ctx := context.Background()
	db := mustOpenAt(t, time.Date(2026, 11, 2, 9, 59, 59, 500_000_000, time.UTC))
	seed(t, db)
	var b strings.Builder
	b.WriteString("Asset Tag,Model Name,Serial Number,Checked Out to: Username,Checkout Date\n")
	for i := 20; i < 40; i++ {
		fmt.Fprintf(&b, "Q-%d,WD19,QS%d,asilva,2026-11-02 10:00:%02d\n", i, i, i)
	}
	if rep, err := db.ImportSnipeIT(ctx, strings.NewReader(b.String()), store.ImportOptions{}); err != nil {
		t.Fatalf("import: %v (%v)", err, rep.Bad)
	}
	for i := 20; i < 40; i++ {
		a, err := db.Asset(ctx, fmt.Sprintf("Q-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		file := time.Date(2026, 11, 2, 10, 0, i, 0, time.UTC)
		made, err := time.Parse(time.RFC3339Nano, a.CreatedAt)
		if err != nil {
			t.Fatal(err)
		}
		if want := !file.After(made); strings.Contains(a.CheckedOutAt, "T10:00:") != want {
			t.Errorf("Q-%d (imported %s): checked out at %q, want its time of day kept: %v", i, a.CreatedAt, a.CheckedOutAt, want)
		}
	}
}

// From a people hunt: a leaver carried over to another desk through the
// users export and import --update; a re-joiner did not (the export left
// an active person's Offboarded blank, which changes nothing).
func TestUsersExportCarriesARejoiner(t *testing.T) {
	ctx := context.Background()
	a, b := mustOpen(t), mustOpen(t)
	file := "First Name,Last Name,Username,Email\nLeo,Ward,lward,leo@example.com\n"
	mustImportKind(t, a, store.KindUsers, file, store.ImportOptions{})
	mustImportKind(t, b, store.KindUsers, file, store.ImportOptions{})
	export := func() string {
		var out bytes.Buffer
		if _, err := a.ExportSnipeITUsers(ctx, &out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if _, err := a.Offboard(ctx, "lward", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	// (A dry run names whom the file offboards, for HR to read first.)
	dry := mustImportKind(t, b, store.KindUsers, export(), store.ImportOptions{Update: true, DryRun: true})
	if len(dry.Warnings) != 1 || !strings.Contains(dry.Warnings[0].Reason, "is offboarded") {
		t.Errorf("dry run warnings %+v", dry.Warnings)
	}
	// (A new desk taking the file: a new leaver is named as such too.)
	if rep := mustImportKind(t, mustOpen(t), store.KindUsers, export(), store.ImportOptions{}); len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "Leo Ward is added as offboarded") {
		t.Errorf("new desk: warnings %+v", rep.Warnings)
	}
	mustImportKind(t, b, store.KindUsers, export(), store.ImportOptions{Update: true})
	if p, _ := b.Person(ctx, "lward"); p.Active {
		t.Fatal("the leaver did not carry over")
	}
	if _, err := a.Reactivate(ctx, "lward"); err != nil {
		t.Fatal(err)
	}
	mustImportKind(t, b, store.KindUsers, export(), store.ImportOptions{Update: true})
	if p, _ := b.Person(ctx, "lward"); !p.Active {
		t.Error("the re-joiner did not carry over")
	}
}

// From a review: an asset import's holder whose email is another holder's
// username was refused under the Username column: the Email cell is it.
func TestImportHolderClashNamesItsColumn(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	data := "Asset Tag,Model Name,Checked Out to: Full Name,Checked Out to: Username,Checked Out to: Email\n" +
		"X-1,WD19,Sam A,sam@corp.com,sam.a@corp.com\nX-2,WD19,Sam B,sb,sam@corp.com\n"
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader(data), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || rep.Bad[0].Line != 3 || rep.Bad[0].Column != "Checked Out to: Email" {
		t.Fatalf("import: %v %+v", err, rep.Bad)
	}
}

// From an interchange hunt: a locations file with --update could not move
// a place to the top (its blank Parent cells read "keep"), so tagdesk's
// own export of a tree turned around was refused, and a row moving one to
// the top said "unchanged".
func TestImportLocationsUpdateToTop(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	if _, err := db.AddLocation(ctx, "A", "Alpha", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "B", "Beta", "A"); err != nil {
		t.Fatal(err)
	}
	file := "Location Name,Parent,Location Code,Parent Code\nBeta,,B,\nAlpha,Beta,A,B\n"
	if rep := mustImportKind(t, db, store.KindLocations, file, store.ImportOptions{Update: true}); rep.Updated != 2 {
		t.Fatalf("update: %+v", rep)
	}
	if got := locTree(t, db); got["B"] != [2]string{"Beta", ""} || got["A"] != [2]string{"Alpha", "B"} {
		t.Fatalf("tree: %v", got)
	}
	verifyOK(t, db)
	// A name alone (no code) with no parent is still that place, where it is.
	if rep := mustImportKind(t, db, store.KindLocations, "Location Name,Parent\nAlpha,\n", store.ImportOptions{Update: true}); rep.Unchanged != 1 {
		t.Fatalf("a name alone: %+v", rep)
	}
	if got := locTree(t, db); got["A"] != [2]string{"Alpha", "B"} {
		t.Fatalf("a name alone moved it: %v", got)
	}
}

// From a review: a blank Parent cell in a file without Parent Code (a
// rename sheet) moved the place to the top; a blank cell changes nothing.
func TestImportLocationsUpdateBlankParentKeeps(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	for _, l := range [][3]string{{"BLD", "Building", ""}, {"FL1", "Floor 1", "BLD"}, {"RM1", "Room 1", "FL1"}} {
		if _, err := db.AddLocation(ctx, l[0], l[1], l[2]); err != nil {
			t.Fatal(err)
		}
	}
	mustImportKind(t, db, store.KindLocations, "Name,Parent,Location Code\nRoom One,,RM1\n", store.ImportOptions{Update: true})
	if got := locTree(t, db); got["RM1"] != [2]string{"Room One", "FL1"} {
		t.Fatalf("tree: %v", got)
	}
}
