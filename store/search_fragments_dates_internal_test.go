package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A search made only of short words (under three characters, which the
// trigram index cannot look up) matches inside words, as longer ones do: a
// try at looking them up only where a word starts (7daa638, reverted) lost
// what desk users type.
func shortDesk(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/desk.db", Options{Operator: "t"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddLocation(ctx, "DUB", "Dublin office", ""))
	must(db.AddModel(ctx, "ThinkPad T14 Gen 3", "21AH", "Lenovo", "Laptop"))
	must(db.AddPerson(ctx, PersonInput{Name: "山田太郎", Badge: "B2002"}))
	must(db.Receive(ctx, Receipt{Tag: "TD-000123", Serial: "5CG1234XYZ", Model: "21AH", Location: "DUB"}))
	must(db.Receive(ctx, Receipt{Tag: "TD-000456", Serial: "SN|77*AB", Model: "21AH", Location: "DUB"}))
	must(db.CheckOut(ctx, "TD-000123", "B2002", ""))
	return db
}

func shortTags(t *testing.T, db *DB, q string) string {
	t.Helper()
	got, err := db.SearchAssets(context.Background(), AssetFilter{Query: q, Limit: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var out []string
	for _, a := range got {
		out = append(out, a.Tag)
	}
	return strings.Join(out, " ")
}

// A Japanese name is written without a space: its given name (two
// characters) is inside the word, and is found.
func TestSearchShort_CJKGivenNameInside(t *testing.T) {
	db := shortDesk(t)
	for _, q := range []string{"太郎", "山田"} {
		if got := shortTags(t, db, q); got != "TD-000123" {
			t.Errorf("search %q: %q, want TD-000123 (held by 山田太郎)", q, got)
		}
	}
}

// A short word after any separator (| * = ! ~ \) is found: "77" and "AB"
// in serial SN|77*AB.
func TestSearchShort_AfterAnySeparator(t *testing.T) {
	db := shortDesk(t)
	for _, q := range []string{"77", "AB"} {
		if got := shortTags(t, db, q); got != "TD-000456" {
			t.Errorf("search %q: %q, want TD-000456 (serial SN|77*AB)", q, got)
		}
	}
}

// A tag's or serial's digits typed partially ("12", "TD 12", "23", "CG")
// find TD-000123: what a desk user types from a worn label.
func TestSearchShort_PartialTagDigits(t *testing.T) {
	db := shortDesk(t)
	for _, q := range []string{"12", "TD 12", "23", "CG"} {
		if got := shortTags(t, db, q); got != "TD-000123" {
			t.Errorf("search %q: %q, want TD-000123", q, got)
		}
	}
}

// Spanish-locale spreadsheets (Excel/LibreOffice es-ES, Windows) write the
// clock's a. m. / p. m. with a space (often a no-break space), newer English
// formats a narrow no-break space before AM: the day and the time are read
// (the word-after-time check refused them; before it the time was dropped).
func TestSnipeDate_SpanishAMPM(t *testing.T) {
	for _, c := range []string{"20/03/2024 10:00 a. m.", "20/03/2024 10:00:00 p. m.", "20/03/2024 10:00\u00a0a.\u00a0m."} {
		if d, err := snipeDate(c); err != nil || d != "2024-03-20" {
			t.Errorf("snipeDate(%q) = %q, %v; want 2024-03-20 (as 1c637e3 read it)", c, d, err)
		}
	}
	// And the time is read, AM or PM (1c637e3 dropped it: the day alone).
	for c, want := range map[string]int{"20/03/2024 10:00 a. m.": 10, "20/03/2024 10:00:00 p. m.": 22, "20/03/2024 10:00\u00a0p.\u00a0m.": 22, "20/03/2024 12:30 a. m.": 0, "03/20/2024 10:00\u202fPM": 22} {
		at, _ := dayTime("2024-03-20", c)
		tm, err := time.Parse(time.RFC3339, at)
		if err != nil || tm.In(time.Local).Hour() != want {
			t.Errorf("dayTime(%q) = %q (%v); want %d o'clock", c, at, err, want)
		}
	}
}
