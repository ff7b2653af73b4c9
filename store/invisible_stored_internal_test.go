package store

import (
	"context"
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
