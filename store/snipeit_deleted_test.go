package store_test

import (
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Snipe-IT formats the custom report's Deleted At with the instance's
// date display format; "n/d/y" (and time "g:iA") gives "1/05/24 10:00AM":
// still a deletion.
func TestImportSnipeITDeletedTwoDigitYear(t *testing.T) {
	rep := importSnipe(t, mustOpen(t), []byte("Asset Tag,Model,Serial,Deleted At\nB-1,M,S1,1/05/24 10:00AM\nB-2,M,S2,\n"), store.ImportOptions{})
	if rep.Imported != 1 || rep.Deleted != 1 {
		t.Errorf("a row deleted on 1/05/24: imported %d, deleted %d", rep.Imported, rep.Deleted)
	}
}
