package store

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// errTestRollback ends a test's transaction without committing it.
var errTestRollback = errors.New("rolled back by the test")

// spacedLocation records a place as an older build did: its name with a
// run of spaces.
func spacedLocation(t *testing.T, db *DB, code, name string) {
	t.Helper()
	_, err := db.write(context.Background(), func(w *wtx) error {
		p := LocationPayload{UID: db.newUID(), Code: code, Name: name}
		return w.emit(EvLocationCreated, p.UID, p)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A person's employee number changed, at the desk or by a users file's
// --update, to another's in another case is refused, as a new person's is.
func TestEmployeeNoCaseTwinRefusedOnUpdate(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Ana Silva", EmployeeNo: "ab1", Email: "ana@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Bo", EmployeeNo: "AB1"}); err == nil {
		t.Fatal("AddPerson took AB1 beside ab1")
	}
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Bo Li", EmployeeNo: "X9", Email: "bo@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, "X9", map[string]string{"employee_number": "AB1"}); err == nil {
		t.Fatal("UpdatePerson gave Bo AB1 beside Ana's ab1")
	}
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Email,Employee Number\nBo,Li,bo@example.com,AB1\n"), ImportOptions{Update: true})
	if p, _ := db.Person(ctx, "bo@example.com"); err == nil && p.EmployeeNo == "AB1" {
		t.Fatalf("users --update gave Bo AB1 beside Ana's ab1 (report %+v)", rep)
	}
}

// A full name in any script holds its first and last names only when it
// does (namesAgree spelled names in A-Z, and agreed with anything else).
func TestNamesAgreeInAnyScript(t *testing.T) {
	for _, c := range [][3]string{
		{"Иван Петров", "Пётр", "Сидоров"},
		{"王伟", "李", "娜"},
		{"Γιώργος Παπαδόπουλος", "Νίκος", "Νικολάου"},
	} {
		if namesAgree(c[0], c[1], c[2]) {
			t.Errorf("namesAgree(%q, %q, %q) = true", c[0], c[1], c[2])
		}
	}
	for _, c := range [][3]string{{"Пётр Сидоров", "Петр", "сидоров"}, {"Silva, Ana", "Ana", "Silva"}, {"José Núñez", "Jose", "Nunez"}} {
		if !namesAgree(c[0], c[1], c[2]) {
			t.Errorf("namesAgree(%q, %q, %q) = false", c[0], c[1], c[2])
		}
	}
}

// The places stored with runs of spaces are read once a transaction (a
// miss per row of an import read the whole table each time), and read
// again once a place is renamed or a row's savepoint rolled back.
func TestSpacedNamesReadOnceATransaction(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	spacedLocation(t, db, "MH", "Main  Hall")
	_, err := db.write(ctx, func(w *wtx) error {
		for _, name := range []string{"Nowhere", "Main Hall", "Elsewhere"} {
			if _, err := w.spacedNames("locations", name); err != nil {
				return err
			}
		}
		if len(w.spaced["locations"]) != 1 {
			t.Errorf("cached: %+v", w.spaced)
		}
		// (Seen by a second read only if the cache were not used.)
		if _, err := w.exec(`UPDATE locations SET name = 'Other  Hall' WHERE code = 'MH'`); err != nil {
			return err
		}
		if uids, _ := w.spacedNames("locations", "Main Hall"); len(uids) != 1 {
			t.Errorf("the second lookup read the table again: %v", uids)
		}
		return errTestRollback // (rolled back: the UPDATE was the test's)
	})
	if err == nil {
		t.Fatal("the test's transaction committed")
	}
}

// A locations file with --update that renames a place an older build
// stored as "Main  Hall", then names "Main Hall" as a later row's parent:
// no place has that name any more (the cache of spaced names was read
// before the rename).
func TestSpacedNamesAfterARename(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	spacedLocation(t, db, "MH", "Main  Hall")
	file := "Name,Code,Parent\nDock,DK,Nowhere\nAnnex,MH,\nShed,SH,Main Hall\n"
	rep, err := db.ImportSnipeITLocations(ctx, strings.NewReader(file), ImportOptions{Update: true})
	if err != nil {
		t.Fatalf("import: %v %v", err, rep.Bad)
	}
	mh, _ := db.Location(ctx, "MH")
	sh, err := db.Location(ctx, "SH")
	if err != nil {
		t.Fatal(err)
	}
	if mh.Name != "Annex" || sh.ParentCode == "MH" {
		t.Fatalf("MH %+v, Shed %+v", mh, sh)
	}
}

// Two places named Lab and a third whose code is LAB: a file's "Lab" is
// ambiguous, not the third place (whose code it is, but not its name).
func TestAmbiguousNameIsNotAnotherPlacesCode(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	for _, l := range [][3]string{{"LAB", "Dublin Office", ""}, {"B1", "Building 1", ""}, {"B2", "Building 2", ""}, {"B1-LAB", "Lab", "B1"}, {"B2-LAB", "Lab", "B2"}} {
		if _, err := db.AddLocation(ctx, l[0], l[1], l[2]); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Email,Location\nLee,Park,lee@example.com,Lab\n"), ImportOptions{})
	if err == nil {
		p, _ := db.Person(ctx, "lee@example.com")
		t.Fatalf("Lee's place is %s, not refused as ambiguous; warnings %v", p.LocationCode, rep.Warnings)
	}
}
