package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A holder named by name alone on one row and by name and username on
// another is one person of the file (unifyPeople), whichever row comes
// first: the register's namesake, whose username is another, is not
// theirs in either order.
func TestImportSnipeITHolderWhateverTheRowOrder(t *testing.T) {
	const head = "Asset Tag,Model Name,Checked Out to: Full Name,Checked Out to: Username\n"
	rows := []string{"HO-1,Latitude 5440,Ana Silva,ana2\n", "HO-2,Latitude 5440,Ana Silva,\n"}
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		db := mustOpen(t)
		seed(t, db) // Ana Silva (B1001), username asilva
		data := head
		for _, j := range order {
			data += rows[j]
		}
		rep, err := db.ImportSnipeIT(context.Background(), bytes.NewReader([]byte(data)), store.ImportOptions{})
		if err != nil {
			t.Errorf("order %v: %v (bad rows %v)", order, err, rep.Bad)
			continue
		}
		if rep.Imported != 2 || rep.Created.People != 1 {
			t.Errorf("order %v: report %+v", order, rep)
		}
		// Both with the file's Ana Silva (ana2), the register's (B1001) with neither.
		for _, tag := range []string{"HO-1", "HO-2"} {
			if a := mustAsset(t, db, tag); a.CustodianName != "Ana Silva" || a.Custodian != "ana2" {
				t.Errorf("order %v: %s held by %s (%s), want Ana Silva (ana2)", order, tag, a.CustodianName, a.Custodian)
			}
		}
		mustVerify(t, db)
	}
}
