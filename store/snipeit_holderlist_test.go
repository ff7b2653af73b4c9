package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Snipe-IT's asset list export names a deployed asset's holder in
// "Checked Out To" and has no Checkout Type: the deployed row's refusal
// says what the other rows' warning says (the column is there, not read
// without Checkout Type, and what to add), not that no column says to whom.
// Whom a bare name means is not guessed.
func TestImportSnipeITListExportDeployedHolderNotRead(t *testing.T) {
	db := mustOpen(t)
	file := "Asset Tag,Model Name,Status,Checked Out To\n" +
		"A-1,Latitude 5440,Deployed,Ana Silva\n" +
		"A-2,Latitude 5440,Ready to Deploy,Ana Silva\n" +
		"A-3,Latitude 5440,Deployed,\n"
	before := takeSnapshot(t, db)
	rep, err := db.ImportSnipeIT(context.Background(), strings.NewReader(file), store.ImportOptions{})
	if err == nil || len(rep.Bad) != 2 {
		t.Fatalf("err %v, bad rows %v", err, rep.Bad)
	}
	want := `line 2: Checked Out To: deployed to "Ana Silva", who is not read (add Checkout Type and Checked Out to: Full Name, or Checkout to Location, to say who or where)`
	if got := rep.Bad[0].String(); got != want {
		t.Errorf("deployed row with a holder's name:\n got %s\nwant %s", got, want)
	}
	// (A row whose Checked Out To is blank names no one.)
	if got := rep.Bad[1].String(); got != "line 4: Status: deployed, but no Checkout Type / Checked Out to columns say to whom" {
		t.Errorf("deployed row with no holder: %s", got)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Line != 3 || !strings.Contains(rep.Warnings[0].Reason, `"Ana Silva" is not read (add Checkout Type and`) {
		t.Errorf("warnings %v", rep.Warnings)
	}
	if after := takeSnapshot(t, db); after.events != before.events {
		t.Errorf("a refused file changed the register")
	}
}
