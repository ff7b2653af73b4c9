package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A search of short words alone ("zz qq", "a1") is looked up in the index
// where each two-character word starts a word: the tag's start, or after a
// space or punctuation ("B1" in LON-B1-R104), any case; a one-character
// word beside it is a substring of what that gives. Inside a word it is
// not looked for (a longer word is). One-character words alone are refused
// with a line that says how to narrow them.
func TestSearchShortWordsAtWordStarts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "LON-B1-R104", "Room 104", ""); err != nil {
		t.Fatal(err)
	}
	receiveTags(t, db, "DUB", "AB-7", "PG-1", "PG-2", "PG-3", "PG-4", "PG-5")
	if _, err := db.Receive(ctx, store.Receipt{Tag: "QZ-1", Serial: "XQQ9", Model: "L5440", Location: "LON-B1-R104"}); err != nil {
		t.Fatal(err)
	}
	tags := func(q string, after int64, limit int) ([]string, int64) {
		t.Helper()
		got, err := db.SearchAssets(ctx, store.AssetFilter{Query: q, After: after, Limit: limit})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var out []string
		var last int64
		for _, a := range got {
			out = append(out, a.Tag)
			last = a.ID
		}
		return out, last
	}
	for q, want := range map[string]string{
		"ab":    "AB-7", // the tag's start (and SN-AB-7's, after -)
		"Ab":    "AB-7", // any case
		"b1":    "QZ-1", // after - in the place's code
		"qz 1":  "QZ-1", // a tag's start, then a substring
		"ro 10": "QZ-1", // a name's words
		"qq":    "",     // inside XQQ9: not a word's start
		"xqq":   "QZ-1", // a longer word is a substring anywhere
		"zz qq": "",     // nothing
		"pg 9":  "",     // PG-…, none with a 9
		"7 ab":  "AB-7", // the order of the words does not matter
		"pg 3":  "PG-3", // (SN-PG-3)
		"SN 3":  "PG-3", // the serial's start
		"du of": strings.Join([]string{"AB-7", "PG-1", "PG-2", "PG-3", "PG-4", "PG-5"}, " "),
	} {
		if got, _ := tags(q, 0, 50); strings.Join(got, " ") != want {
			t.Errorf("search %q: %v, want %q", q, got, want)
		}
	}
	// Pages follow one another, and the count is the pages' (a screen
	// counts up to its cap).
	var all []string
	var after int64
	for range 4 {
		page, last := tags("pg", after, 2)
		if len(page) == 0 {
			break
		}
		all, after = append(all, page...), last
	}
	if strings.Join(all, " ") != "PG-1 PG-2 PG-3 PG-4 PG-5" {
		t.Errorf("pages of pg: %v", all)
	}
	if n, err := db.CountAssets(ctx, store.AssetFilter{Query: "pg"}, 0); err != nil || n != 5 {
		t.Errorf("count of pg: %d, %v", n, err)
	}
	for _, q := range []string{"x", "a b", "1 2 3"} {
		_, err := db.SearchAssets(ctx, store.AssetFilter{Query: q})
		if store.ErrorCode(err) != store.EINVALID || !strings.Contains(store.ErrorMessage(err), "add a word of two or more characters") {
			t.Errorf("search %q: %v, want it refused", q, err)
		}
	}
}
