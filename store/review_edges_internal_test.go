package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func revbOpen(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), Options{Operator: "t"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// S1: a desk refuses a second employee number in another case at
// AddPerson, not at UpdatePerson (nor a users file's --update, which
// goes through updatePerson).
func TestEmployeeNoCaseTwinByUpdate(t *testing.T) {
	ctx := context.Background()
	db := revbOpen(t)
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Ana", EmployeeNo: "ab1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Bo", EmployeeNo: "AB1"}); err == nil {
		t.Fatal("AddPerson took a twin")
	}
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Bo", EmployeeNo: "X9"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, "X9", map[string]string{"employee_number": "AB1"}); err == nil {
		res, _ := db.Resolve(ctx, "Ab1")
		t.Fatalf("UpdatePerson gave Bo AB1 beside Ana's ab1; a scan of Ab1 names %v", res.Person)
	}
}

// S1b: the same through a users file's --update.
func TestEmployeeNoCaseTwinByUsersUpdate(t *testing.T) {
	ctx := context.Background()
	db := revbOpen(t)
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Ana Silva", EmployeeNo: "ab1", Email: "ana@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, PersonInput{Name: "Bo Li", EmployeeNo: "X9", Email: "bo@example.com"}); err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Email,Employee Number\nBo,Li,bo@example.com,AB1\n"), ImportOptions{Update: true})
	p, _ := db.Person(ctx, "bo@example.com")
	if err == nil && p.EmployeeNo == "AB1" {
		t.Fatalf("users --update gave Bo AB1 beside Ana's ab1 (report %+v)", rep)
	}
}

// S2: namesAgree spells names in A-Z: a full name in another script holds
// any first and last name.
func TestNamesAgreeNonLatin(t *testing.T) {
	for _, c := range [][3]string{
		{"Иван Петров", "Пётр", "Сидоров"},
		{"王伟", "李", "娜"},
		{"Γιώργος Παπαδόπουλος", "Νίκος", "Νικολάου"},
	} {
		if namesAgree(c[0], c[1], c[2]) {
			t.Errorf("namesAgree(%q, %q, %q) = true", c[0], c[1], c[2])
		}
	}
}

// S3: with one place an older build stored with a run of spaces, every
// users row whose Location misses by name (a file of codes) reads the
// whole locations table (spacedNames), per row.
func TestSpacedFallbackPerRowScan(t *testing.T) {
	ctx := context.Background()
	const nLoc, nUsers = 4000, 4000
	run := func(spaced bool) time.Duration {
		db := revbOpen(t)
		var b strings.Builder
		b.WriteString("Name,Code\n")
		for i := 0; i < nLoc; i++ {
			fmt.Fprintf(&b, "Room %d,R%05d\n", i, i)
		}
		if _, err := db.ImportSnipeITLocations(ctx, strings.NewReader(b.String()), ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if spaced {
			if _, err := db.w.ExecContext(ctx, `UPDATE locations SET name = 'Old  Room' WHERE code = 'R00000'`); err != nil {
				t.Fatal(err)
			}
		}
		b.Reset()
		b.WriteString("First Name,Last Name,Email,Location\n")
		for i := 0; i < nUsers; i++ {
			fmt.Fprintf(&b, "U%d,Person,u%d@example.com,R%05d\n", i, i, i%nLoc)
		}
		start := time.Now()
		rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader(b.String()), ImportOptions{})
		if err != nil {
			t.Fatalf("import: %v %v", err, rep.Bad)
		}
		d := time.Since(start)
		p, err := db.Person(ctx, "u7@example.com")
		if err != nil || p.LocationCode != "R00007" {
			t.Fatalf("u7: %+v %v", p, err)
		}
		return d
	}
	plain, withSpaced := run(false), run(true)
	t.Logf("users import of %d rows, %d places: %v without a spaced name, %v with one", nUsers, nLoc, plain, withSpaced)
	if withSpaced > 3*plain {
		t.Errorf("one spaced place name made the import %.1fx slower", float64(withSpaced)/float64(plain))
	}
}

// S4: two places share the name Lab; a third's code is LAB. A file's
// "Lab" names one of the two namesakes, which one it cannot say: the
// code look-up on ambiguity takes the third place, which is not named Lab.
func TestAmbiguousNameTakesAnUnrelatedCode(t *testing.T) {
	ctx := context.Background()
	db := revbOpen(t)
	for _, l := range [][3]string{{"LAB", "Dublin Office", ""}, {"B1", "Building 1", ""}, {"B2", "Building 2", ""}, {"B1-LAB", "Lab", "B1"}, {"B2-LAB", "Lab", "B2"}} {
		if _, err := db.AddLocation(ctx, l[0], l[1], l[2]); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Email,Location\nLee,Park,lee@example.com,Lab\n"), ImportOptions{})
	if err != nil {
		t.Logf("refused: %v %v", err, rep.Bad)
		return
	}
	p, _ := db.Person(ctx, "lee@example.com")
	t.Fatalf("Lee's place is %s (Dublin Office), not one of the two places named Lab; warnings %v", p.LocationCode, rep.Warnings)
}
