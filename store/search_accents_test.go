package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Search is accent-sensitive: at a Madrid or Munich desk, a name typed
// without its accents (the desk's keyboard, or a hurried technician) finds
// nothing: "buro" misses "Büro-Notebook", "muller" misses Jürgen Müller,
// "nunez" misses José Núñez. (A review's test, rev20.)
func TestReviewRev20SearchIgnoresAccents(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	csv := "Asset Tag,Asset Name,Model Name,Checkout Type,Checked Out to: First Name,Checked Out to: Last Name,Checked Out to: Username\n" +
		"A-1,Büro-Notebook,Latitude 5440,User,Jürgen,Müller,jm\n" +
		"A-2,Spare,Latitude 5440,User,José,Núñez,jn\n"
	importSnipe(t, db, []byte(csv), store.ImportOptions{})
	for q, want := range map[string]string{"buro": "A-1", "muller": "A-1", "nunez": "A-2"} {
		as, err := db.SearchAssets(ctx, store.AssetFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Tag != want {
			t.Errorf("asset search %q found %d asset(s), want %s", q, len(as), want)
		}
	}
	ps, err := db.People(ctx, store.PeopleFilter{Query: "muller"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Errorf("people search \"muller\" found %d, want Jürgen Müller", len(ps))
	}
}

// Accents are folded both ways, in every part of a search: words the index
// answers, words too short for it, the people filter; and what worked
// before still does (case, substrings inside words, CJK, a kana's voicing
// mark, keyset pages, the status and location filters).
func TestSearchFoldsAccentsBothWays(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	if _, err := db.AddLocation(ctx, "MUC", "München Büro", ""); err != nil {
		t.Fatal(err)
	}
	people := []store.PersonInput{
		{Name: "Jürgen Müller", Badge: "B1"},
		{Name: "Jurgen Muller", Badge: "B2"},
		{Name: "Seán Daly", Badge: "B3", Email: "sean.daly@example.com"},
		{Name: "Lü Na", Badge: "B4"},
		{Name: "山田 太郎", Badge: "B5"},
		{Name: "がっこう", Badge: "B6"},
		{Name: "かっこう", Badge: "B7"},
	}
	tags := []string{"T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"}
	receiveTags(t, db, "MUC", tags...)
	for i, p := range people {
		if _, err := db.AddPerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckOut(ctx, tags[i], p.Badge, ""); err != nil {
			t.Fatal(err)
		}
	}
	receiveTags(t, db, "DUB", "D-1") // in Dublin, in stock, nobody's
	search := func(f store.AssetFilter) []string {
		t.Helper()
		var out []string
		if err := db.EachAsset(ctx, f, func(a store.Asset) error {
			out = append(out, a.Tag)
			return nil
		}); err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		return out
	}
	for q, want := range map[string][]string{
		"muller":        {"T-1", "T-2"},
		"Müller":        {"T-1", "T-2"},
		"MÜLLER":        {"T-1", "T-2"},
		"jürgen müller": {"T-1", "T-2"},
		"ülle":          {"T-1", "T-2"}, // inside a word
		"sean daly":     {"T-3"},
		"SEÁN":          {"T-3"},
		"ean":           {"T-3"},
		"Jü":            {"T-1", "T-2"}, // too short for the index, alone
		"lu na":         {"T-4"},        // short words
		"Lü Na":         {"T-4"},
		"lü":            {"T-4"},
		"mü jurgen":     {"T-1", "T-2"}, // short beside long
		"山田":            {"T-5"},
		"山田 太郎":         {"T-5"},
		"がっこ":           {"T-6"}, // a voicing mark is no accent
		"かっこう":          {"T-7"},
		"munchen buro":  {"T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"},
		"muc":           {"T-1", "T-2", "T-3", "T-4", "T-5", "T-6", "T-7"},
		"dublin":        {"D-1"},
		"zz":            nil,
	} {
		if got := search(store.AssetFilter{Query: q}); !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
	}
	// Filters and keyset pages over a folded search.
	if got := search(store.AssetFilter{Query: "buro", Status: store.StatusInStock}); got != nil {
		t.Errorf("buro in stock: %v", got)
	}
	if got := search(store.AssetFilter{Query: "büro", Location: "MUC", Status: store.StatusDeployed}); len(got) != 7 {
		t.Errorf("büro at MUC deployed: %v", got)
	}
	for _, q := range []string{"munchen", "mu"} {
		var paged []string
		for after := int64(0); ; {
			page, err := db.SearchAssets(ctx, store.AssetFilter{Query: q, After: after, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, a := range page {
				paged = append(paged, a.Tag)
			}
			after = page[len(page)-1].ID
		}
		if all := search(store.AssetFilter{Query: q}); !slices.Equal(paged, all) || len(all) < 7 {
			t.Errorf("%q in pages of 3: %v, at once %v", q, paged, all)
		}
		if n, err := db.CountAssets(ctx, store.AssetFilter{Query: q}, 0); err != nil || n != len(paged) {
			t.Errorf("count %q: %d %v, want %d", q, n, err, len(paged))
		}
	}
	// The people filter, the name alone (picking someone) and all fields.
	names := func(f store.PeopleFilter) []string {
		t.Helper()
		ps, err := db.People(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	for q, want := range map[string][]string{
		"muller":         {"Jurgen Muller", "Jürgen Müller"},
		"MÜLLER":         {"Jurgen Muller", "Jürgen Müller"},
		"sean  daly":     {"Seán Daly"},
		"seán":           {"Seán Daly"},
		"lü":             {"Lü Na"},
		"山田":             {"山田 太郎"},
		"がっ":             {"がっこう"},
		"100%":           nil,
		"sean.daly@exam": {"Seán Daly"},
	} {
		if got := names(store.PeopleFilter{Query: q}); !slices.Equal(got, want) {
			t.Errorf("people %q: %v, want %v", q, got, want)
		}
		if q == "sean.daly@exam" {
			continue
		}
		if got := names(store.PeopleFilter{Query: q, NameOnly: true}); !slices.Equal(got, want) {
			t.Errorf("people by name %q: %v, want %v", q, got, want)
		}
	}
}

// Fold folds as search does.
func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Müller":       "muller",
		"SEÁN":         "sean",
		"Núñez":        "nunez",
		"Ångström":     "angstrom",
		"Mu\u0308ller": "muller", // decomposed
		"Straße":       "straße",
		"Łódź":         "łodz",
		"ΟΔΟΣ":         "οδοσ",
		"がっこう":         "がっこう",
		"Tag-00421":    "tag-00421",
		"":             "",
	} {
		if got := store.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
