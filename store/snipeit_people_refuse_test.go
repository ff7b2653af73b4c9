package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A review: a users import without --update (its dry run too) said of a
// row offboarding someone who holds an asset that --update gives them the
// row's details, and --update then refused the row. A row --update would
// refuse is said to be refused, with --update's own reason, and is not
// counted among those --update would change.
func TestImportUsersWithoutUpdateSaysWhatUpdateRefuses(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db) // Ana Silva B1001 asilva ana@example.com
	receiveTags(t, db, "DUB", "T-1")
	if _, err := db.CheckOut(ctx, "T-1", "asilva", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bo Li", Username: "bli"}); err != nil {
		t.Fatal(err)
	}
	file := "First Name,Last Name,Username,Department,Offboarded\nAna,Silva,asilva,Finance,yes\nBo,Li,bli,IT,\n"
	rep, err := importKind(t, db, store.KindUsers, file, store.ImportOptions{Update: true})
	if err == nil || len(rep.Bad) != 1 || !strings.Contains(rep.Bad[0].Reason, "holds 1 asset(s), so the row cannot offboard them") {
		t.Fatalf("--update: %v %+v", err, rep)
	}
	why := rep.Bad[0].Reason
	for _, dry := range []bool{true, false} {
		rep := mustImportKind(t, db, store.KindUsers, file, store.ImportOptions{DryRun: dry})
		if rep.Skipped != 2 || rep.WouldRefuse != 1 || len(rep.Warnings) != 2 {
			t.Fatalf("dry run %v: %+v", dry, rep)
		}
		ana, bo := rep.Warnings[0].Reason, rep.Warnings[1].Reason
		if !strings.Contains(ana, "Ana Silva (by username asilva)") || !strings.Contains(ana, "--update refuses the row: "+why) || strings.Contains(ana, "gives them") {
			t.Errorf("dry run %v: the refused row: %q", dry, ana)
		}
		if !strings.Contains(bo, "Bo Li (by username bli)") || !strings.Contains(bo, "--update gives them this row's") {
			t.Errorf("dry run %v: the other row: %q", dry, bo)
		}
	}
	if p, _ := db.Person(ctx, "asilva"); p.Department != "" || !p.Active {
		t.Fatalf("changed without update: %+v", p)
	}
	verifyOK(t, db)
}
