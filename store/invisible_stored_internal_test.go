package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A person an older tagdesk stored with an invisible character in their
// employee number, username or email (it kept codes as given: nima\u200cr,
// a zero-width non-joiner being part of Persian text) is found by the code
// as it was stored, as they were before codes dropped such characters: by
// person show and update, a check-out, a users import of the same row (no
// second person) and an assets import naming them as holder. A person
// stored clean is still found by a code typed with one.
func TestPersonStoredWithInvisibleCodeFound(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	// As the previous build's addPerson emitted it (codes trimmed only).
	old := PersonPayload{UID: db.newUID(), Name: "Nima Rahimi", EmployeeNo: "E\u200b100", Username: "nima\u200cr", Email: "nima\u200d@example.com"}
	if _, err := db.write(ctx, func(w *wtx) error { return w.emit(EvPersonCreated, old.UID, old) }); err != nil {
		t.Fatal(err)
	}
	clean, err := db.AddPerson(ctx, PersonInput{Name: "Ana Silva", EmployeeNo: "E200", Username: "asilva", Email: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for code, uid := range map[string]string{
		"E\u200b100": old.UID, "nima\u200cr": old.UID, "nima\u200d@example.com": old.UID, " NIMA\u200cR ": old.UID,
		"E\u200b200": clean.UID, "asilva\u200c": clean.UID, "\ufeffana@example.com": clean.UID,
	} {
		if p, err := db.PersonByCode(ctx, code); err != nil || p.UID != uid {
			t.Errorf("PersonByCode(%q): %q %v", code, p.Name, err)
		}
		if p, err := db.Person(ctx, code); err != nil || p.UID != uid {
			t.Errorf("Person(%q) (person show): %q %v", code, p.Name, err)
		}
		if h, err := db.ResolveHolder(ctx, code); err != nil || h.UID != uid {
			t.Errorf("ResolveHolder(%q) (checkout --to): %+v %v", code, h, err)
		}
	}
	if p, err := db.UpdatePerson(ctx, "nima\u200cr", map[string]string{"department": "Finance"}); err != nil || p.UID != old.UID || p.Department != "Finance" {
		t.Errorf("person update nima\\u200cr: %+v %v", p, err)
	}
	count := func() int {
		ps, err := db.People(ctx, PeopleFilter{IncludeGone: true})
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	// A users file of them, as the older desk exported it: them, unchanged.
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Username,Email,Employee Number\nNima,Rahimi,nima\u200cr,nima\u200d@example.com,E\u200b100\n"), ImportOptions{})
	if err != nil || rep.Imported != 0 || rep.Unchanged != 1 || rep.Skipped != 0 {
		t.Errorf("users import of the stored person: %+v %v", rep, err)
	}
	rep, err = db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Username,Email,Employee Number,Department\nNima,Rahimi,nima\u200cr,nima\u200d@example.com,E\u200b100,Finance\n"), ImportOptions{Update: true})
	if err != nil || rep.Imported != 0 || rep.Unchanged != 1 {
		t.Errorf("users import --update of the stored person: %+v %v", rep, err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d people after the users imports, want 2", n)
	}
	// An assets file naming them as its holder, by any of their codes.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Full Name,Email,Username,Employee Number\nA-1,Latitude 5440,Nima Rahimi,nima\u200d@example.com,nima\u200cr,E\u200b100\nA-2,Latitude 5440,,,nima\u200cr,\n"), ImportOptions{})
	if err != nil || rep.Imported != 2 {
		t.Fatalf("assets import: %+v %v", rep, err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d people after the assets import, want 2", n)
	}
	for _, tag := range []string{"A-1", "A-2"} {
		if a, err := db.Asset(ctx, tag); err != nil || a.CustodianName != "Nima Rahimi" {
			t.Errorf("%s: held by %q %v", tag, a.CustodianName, err)
		}
	}
	// Someone this desk added since with the code as a scan reads it is
	// another person: each is found by their own.
	other, err := db.AddPerson(ctx, PersonInput{Name: "Nima Rostami", Username: "nimar"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Username\nA-3,Latitude 5440,nima\u200cr\nA-4,Latitude 5440,nimar\n"), ImportOptions{})
	if err != nil || rep.Imported != 2 || rep.Created.People != 0 {
		t.Fatalf("assets import with both: %+v %v", rep, err)
	}
	for tag, name := range map[string]string{"A-3": "Nima Rahimi", "A-4": "Nima Rostami"} {
		if a, err := db.Asset(ctx, tag); err != nil || a.CustodianName != name {
			t.Errorf("%s: held by %q %v, want %s", tag, a.CustodianName, err, name)
		}
	}
	for code, uid := range map[string]string{"nima\u200cr": old.UID, "nimar": other.UID} {
		if p, err := db.PersonByCode(ctx, code); err != nil || p.UID != uid {
			t.Errorf("PersonByCode(%q) with both: %q %v", code, p.Name, err)
		}
		if h, err := db.ResolveHolder(ctx, code); err != nil || h.UID != uid {
			t.Errorf("ResolveHolder(%q) with both: %+v %v", code, h, err)
		}
	}
}

// A users row whose code is written with an invisible character, as an
// older tagdesk stored it for one person (jdoe\u200b), while this desk
// has since stored it clean for another (jdoe), was refused as naming two
// people. The code as given is the one it names, as a single code's
// lookup (PersonByCode, personIs: as given first) and the assets import's
// holder take it; the clean code names the other. A row whose codes name
// two people by their own forms is still refused.
func TestUsersImportInvisibleCodeExactWins(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	// As the previous build's addPerson emitted it (codes trimmed only).
	old := PersonPayload{UID: db.newUID(), Name: "John Doe", EmployeeNo: "E\u200b7", Username: "jdoe\u200b", Email: "jdoe\u200b@example.com"}
	if _, err := db.write(ctx, func(w *wtx) error { return w.emit(EvPersonCreated, old.UID, old) }); err != nil {
		t.Fatal(err)
	}
	clean, err := db.AddPerson(ctx, PersonInput{Name: "Jane Doe", EmployeeNo: "E7", Username: "jdoe", Email: "jdoe@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	users := func(file string, opt ImportOptions) ImportReport {
		t.Helper()
		rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader(file), opt)
		if err != nil {
			t.Fatalf("users import %q: %+v %v", file, rep.Bad, err)
		}
		return rep
	}
	for i, c := range []struct{ head, name, code, uid string }{
		{"Username", "John,Doe", "jdoe\u200b", old.UID},
		{"Username", "John,Doe", "JDOE\u200b", old.UID},
		{"Email", "John,Doe", "jdoe\u200b@example.com", old.UID},
		{"Employee Number", "John,Doe", "E\u200b7", old.UID},
		{"Username", "Jane,Doe", "jdoe", clean.UID},
		{"Email", "Jane,Doe", "jdoe@example.com", clean.UID},
	} {
		dept := fmt.Sprintf("Ops %d", i)
		rep := users("First Name,Last Name,"+c.head+",Department\n"+c.name+","+c.code+","+dept+"\n", ImportOptions{Update: true})
		if rep.Updated != 1 || rep.Imported != 0 {
			t.Errorf("%s %q: %+v", c.head, c.code, rep)
		}
		if p, err := db.Person(ctx, c.uid); err != nil || p.Department != dept {
			t.Errorf("%s %q: %+v %v, want department %s", c.head, c.code, p, err, dept)
		}
		// Without --update: them, left as they are.
		rep = users("First Name,Last Name,"+c.head+"\n"+c.name+","+c.code+"\n", ImportOptions{})
		if rep.Unchanged != 1 || rep.BadRows != 0 {
			t.Errorf("%s %q without --update: %+v", c.head, c.code, rep)
		}
	}
	// Two people by their own forms: refused, as before.
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Username,Email\nJohn,Doe,jdoe\u200b,jdoe@example.com\n"), ImportOptions{})
	if ErrorCode(err) != EINVALID || rep.BadRows != 1 || !strings.Contains(rep.Bad[0].Reason, "2 people") {
		t.Errorf("a row of two people: %+v %v", rep.Bad, err)
	}
	// The assets import's holder: the same person by the same code.
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Username,Email,Employee Number\n"+
		"A-1,Latitude 5440,jdoe\u200b,,\nA-2,Latitude 5440,,jdoe\u200b@example.com,\nA-3,Latitude 5440,,,E\u200b7\n"+
		"A-4,Latitude 5440,jdoe\u200b,jdoe\u200b@example.com,E\u200b7\nA-5,Latitude 5440,jdoe,,\nA-6,Latitude 5440,,jdoe@example.com,E7\n"), ImportOptions{})
	if err != nil || rep.Imported != 6 || rep.Created.People != 0 {
		t.Fatalf("assets import: %+v %v", rep, err)
	}
	for tag, name := range map[string]string{"A-1": "John Doe", "A-2": "John Doe", "A-3": "John Doe", "A-4": "John Doe", "A-5": "Jane Doe", "A-6": "Jane Doe"} {
		if a, err := db.Asset(ctx, tag); err != nil || a.CustodianName != name {
			t.Errorf("%s: held by %q %v, want %s", tag, a.CustodianName, err, name)
		}
	}
	if ps, err := db.People(ctx, PeopleFilter{IncludeGone: true}); err != nil || len(ps) != 2 {
		t.Errorf("%d people, want 2 (%v)", len(ps), err)
	}
}
