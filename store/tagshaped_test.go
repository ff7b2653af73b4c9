package store_test

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A scan of the register's own series of tags is shaped like one: of the
// padded width, past it (ACME-100001 after ACME-99999), or of a series
// not padded at all (IT-131 beside IT-1); a code of no such series is not.
func TestTagShaped(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	for i, tag := range []string{"ACME-00001", "ACME-00002", "ACME-100000", "IT-1", "IT-15", "IT-130"} {
		if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Serial: "SER-" + tag, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(i, err)
		}
	}
	for code, want := range map[string]bool{
		"ACME-09600": true, "acme-09601": true, "ACME-100001": true, "IT-131": true, "IT-3": true,
		"ACME-1": false, "ACME-00001X": false, "ACME09600": false, "XY-12345": false, "12345": false, "SN-77": false,
	} {
		got, err := db.TagShaped(ctx, code)
		if err != nil || got != want {
			t.Errorf("TagShaped(%q) = %v, %v; want %v", code, got, err, want)
		}
	}
}
