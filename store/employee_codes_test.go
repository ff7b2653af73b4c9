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
