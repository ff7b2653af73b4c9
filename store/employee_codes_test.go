package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A scan finds employee numbers too: a place's code, an asset's tag (given
// or generated) and a person's employee number never share a value, in any
// case, or checkout --to would hand an asset to the wrong holder without a
// word.
func TestEmployeeNumbersApartFromCodesAndTags(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Harry Brown", EmployeeNo: "E100027"}); err != nil {
		t.Fatal(err)
	}
	before := takeSnapshot(t, db)
	refused := func(what string, err error) {
		t.Helper()
		if store.ErrorCode(err) != store.ECONFLICT || !strings.Contains(store.ErrorMessage(err), "a scan of it must name one thing") {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := db.AddLocation(ctx, "E100027", "Shelf", "")
	refused("a place's code", err)
	_, err = db.Receive(ctx, store.Receipt{Tag: "e100027", Serial: "SN-E", Model: "L5440", Location: "DUB-STORE"})
	refused("an asset's tag", err)
	_, err = db.AddPerson(ctx, store.PersonInput{Name: "Xu Yi", EmployeeNo: "dub-store"})
	refused("an employee number that is a place's code", err)
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Error("a refusal changed the register")
	}
	receiveTags(t, db, "DUB-STORE", "TD-9")
	before = takeSnapshot(t, db)
	_, err = db.AddPerson(ctx, store.PersonInput{Name: "Xu Yi", EmployeeNo: "td-9"})
	refused("an employee number that is a tag", err)
	if _, err := db.UpdatePerson(ctx, "E100027", map[string]string{"employee_number": "DUB"}); err == nil {
		t.Error("an update took a place's code as an employee number")
	}
	if after := takeSnapshot(t, db); !reflect.DeepEqual(before, after) {
		t.Error("a refusal changed the register")
	}
	// The tag generator passes over it.
	for k, v := range map[string]string{store.SettingTagPrefix: "E", store.SettingTagNext: "100027", store.SettingTagWidth: "6"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	a, err := db.Receive(ctx, store.Receipt{Serial: "SN-GEN", Model: "L5440", Location: "DUB-STORE"})
	if err != nil || a.Tag != "E100028" {
		t.Fatalf("generated %q (%v); want E100028", a.Tag, err)
	}
}

// An asset import keeps them apart too: a tag that is someone's employee
// number (in another case) is refused, a generated one passes over it, and
// a person the file makes may not take a place's code as their number.
func TestImportKeepsEmployeeNumbersApart(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Harry Brown", EmployeeNo: "e100027"}); err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model Name,Location\nE100027,SN-1,Latitude 5440,DUB\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "employee number of Harry Brown") {
		t.Errorf("a tag that is an employee number: %v %+v", err, rep.Bad)
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model Name,Location,Full Name,Employee Number\nX-1,SN-2,Latitude 5440,DUB,Kim Lee,dub-store\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "must name one thing") || rep.Bad[0].Column != "Employee Number" {
		t.Errorf("a new person numbered as a place: %v %+v", err, rep.Bad)
	}
	rep, err = db.ImportSnipeIT(ctx, strings.NewReader("Asset Tag,Serial Number,Model Name,Location,Full Name,Employee Number\nX-2,SN-3,Latitude 5440,DUB,Kim Lee,K7\nK7,SN-4,Latitude 5440,DUB,,\n"), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 1 || rep.Bad[0].Line != 3 {
		t.Errorf("a tag that is an employee number the file gives: %v %+v", err, rep.Bad)
	}
	for k, v := range map[string]string{store.SettingTagPrefix: "E", store.SettingTagNext: "100027", store.SettingTagWidth: "6"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	importSnipe(t, db, []byte("Serial Number,Model Name,Location\nSN-GEN,Latitude 5440,DUB\n"), store.ImportOptions{})
	if a, err := db.Asset(ctx, "E100028"); err != nil || a.Serial != "SN-GEN" {
		t.Errorf("the generated tag: %+v %v; want E100028", a, err)
	}
}
