package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Invisible characters (zero-width space, joiners, word joiner, BOM: what
// a code copied from a web page or a spreadsheet carries) were dropped from
// scans and an import's serials only: a serial set by an update kept them
// (a duplicate serial got past the check, no scan found the asset), and a
// badge, a place's code, a username or an email given to a check-out, a
// move, a check-in, a receipt or a count was not found. The store reads
// every code as a scan does now, wherever it is given; names keep them (a
// zero-width non-joiner is part of a Persian name).
func TestCodesDropInvisibleCharacters(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "A-1", "A-2", "A-3")

	// A serial set by an update.
	if _, err := db.UpdateAsset(ctx, "A-1", map[string]string{"serial": "SNB2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAsset(ctx, "A-2", map[string]string{"serial": "SNB2\u200b"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("A-2's serial set to A-1's with a zero-width space: %v", err)
	}
	if a, err := db.UpdateAsset(ctx, "A-2", map[string]string{"serial": "\ufeffSN\u2060-Z2"}); err != nil || a.Serial != "SN-Z2" {
		t.Errorf("serial stored %q (%v), want SN-Z2", a.Serial, err)
	}
	if r, err := db.Resolve(ctx, "SN-Z2"); err != nil || r.Asset == nil || r.Asset.Tag != "A-2" {
		t.Errorf("a scan of SN-Z2: %+v %v", r, err)
	}
	if _, err := db.UpdateAsset(ctx, "A-2", map[string]string{"serial": "\u200b"}); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("a serial of a zero-width space: %v", err)
	}
	if a := mustAsset(t, db, "A-2"); a.Serial != "SN-Z2" {
		t.Errorf("the refused update changed the serial to %q", a.Serial)
	}
	if shared, err := db.SharedSerials(ctx); err != nil || len(shared) != 0 {
		t.Errorf("shared serials: %+v %v", shared, err)
	}
	// A receipt's serial (not through the command line).
	if _, err := db.Receive(ctx, store.Receipt{Serial: "SNB2\u200d", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.ECONFLICT {
		t.Errorf("a receipt of SNB2 with a joiner: %v", err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Serial: "\u200b", Model: "L5440", Location: "DUB"}); store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "invisible") {
		t.Errorf("a receipt of a zero-width space as its serial: %v", err)
	}

	// Places' codes.
	if a, err := db.Receive(ctx, store.Receipt{Tag: "A-4", Serial: "SN-A-4", Model: "L5440", Location: "DUB\u200b-STORE"}); err != nil || a.LocationCode != "DUB-STORE" {
		t.Errorf("received at DUB-STORE with a zero-width space: %+v %v", a, err)
	}
	if a, err := db.Move(ctx, "A-3", "DUB-\u200bSTORE"); err != nil || a.LocationCode != "DUB-STORE" {
		t.Errorf("moved to DUB-STORE with a zero-width space: %+v %v", a, err)
	}
	if a, err := db.CheckOut(ctx, "A-1", "\u2060DUB-STORE", ""); err != nil || a.Custodian != "DUB-STORE" {
		t.Errorf("checked out to DUB-STORE with a word joiner: %+v %v", a, err)
	}
	if a, err := db.CheckIn(ctx, "A-1", store.CheckInOptions{Location: "DUB\ufeff"}); err != nil || a.LocationCode != "DUB" {
		t.Errorf("checked in at DUB with a BOM: %+v %v", a, err)
	}
	if st, err := db.StartStocktake(ctx, "DUB-STORE\u200b"); err != nil || st.LocationCode != "DUB-STORE" {
		t.Errorf("a count of DUB-STORE with a zero-width space: %+v %v", st, err)
	}
	if l, err := db.AddLocation(ctx, "L\u200b1", "Lab one", "DUB\u200b"); err != nil || l.Code != "L1" || l.ParentCode != "DUB" {
		t.Errorf("location L1 added with a zero-width space: %+v %v", l, err)
	}

	// People's codes, given to a check-out.
	for _, who := range []string{"B\u200b1001", "asilva\u200c", "ana@example.com\ufeff"} {
		if a, err := db.CheckOut(ctx, "A-2", who, ""); err != nil || a.Custodian != "B1001" {
			t.Errorf("checked out to %q: %+v %v", who, a, err)
			continue
		}
		if _, err := db.CheckIn(ctx, "A-2", store.CheckInOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// ... and kept, added or updated, as a scan reads them; a name as given.
	p, err := db.AddPerson(ctx, store.PersonInput{Name: "Mi\u200cna Karimi", Badge: "B\u200b300", EmployeeNo: "E\u200b7", Username: "mkarimi\u2060", Email: "\ufeffmina@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Mi\u200cna Karimi" || p.Badge != "B300" || p.EmployeeNo != "E7" || p.Username != "mkarimi" || p.Email != "mina@example.com" {
		t.Errorf("added %+v", p)
	}
	for _, code := range []string{"B300", "E7", "mkarimi", "mina@example.com", "E\u200b7"} {
		if got, err := db.PersonByCode(ctx, code); err != nil || got.UID != p.UID {
			t.Errorf("person by %q: %+v %v", code, got, err)
		}
		if r, err := db.Resolve(ctx, code); err != nil || r.Person == nil || r.Person.UID != p.UID {
			t.Errorf("a scan of %q: %+v %v", code, r, err)
		}
	}
	if a, err := db.CheckOut(ctx, "A-2", "Mi\u200cna Karimi", ""); err != nil || a.Custodian != "B300" {
		t.Errorf("checked out to the name with its non-joiner: %+v %v", a, err)
	}
	p, err = db.UpdatePerson(ctx, "mkarimi\u200b", map[string]string{"badge": "B\u200b301", "employee_number": "E\u200b8", "username": "\u200bmina", "email": "mina.k@example.com\u200b"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Badge != "B301" || p.EmployeeNo != "E8" || p.Username != "mina" || p.Email != "mina.k@example.com" {
		t.Errorf("updated %+v", p)
	}
	if _, err := db.UpdatePerson(ctx, "B301", map[string]string{"username": "mina\u200b"}); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("the username again with a zero-width space is no change: %v", err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Other", Email: "mina.k@example.com\u200d"}); err == nil {
		t.Errorf("a second person with mina.k@example.com (and a joiner) was added")
	}
	// An import's people too (its users file, an assets file's holders).
	rep, err := db.ImportSnipeITUsers(ctx, strings.NewReader("First Name,Last Name,Username,Email,Employee Number,Badge\nLi,Wei,lwei\u200b,li.wei@example.com\ufeff,E\u200b9,B\u200b400\n"), store.ImportOptions{})
	if err != nil || rep.Imported != 1 {
		t.Fatalf("users import: %+v %v", rep, err)
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Model Name,Full Name,Email,Username,Employee Number\nA-9,Latitude 5440,Jo Bell,jo@example.com\u200b,jbell\u2060,E\u200b10\n"), store.ImportOptions{})
	if err != nil || rep.Imported != 1 {
		t.Fatalf("assets import: %+v %v", rep, err)
	}
	for code, name := range map[string]string{"lwei": "Li Wei", "li.wei@example.com": "Li Wei", "E9": "Li Wei", "B400": "Li Wei", "jo@example.com": "Jo Bell", "jbell": "Jo Bell", "E10": "Jo Bell"} {
		if got, err := db.PersonByCode(ctx, code); err != nil || got.Name != name {
			t.Errorf("imported person by %q: %+v %v", code, got, err)
		}
	}
}
