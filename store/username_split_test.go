package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// The users export splits a name so that Snipe-IT's First Name and Last
// Name read right where they can, and a re-import into a new register
// joins them back to the very name: "Smith, John" (surname first) goes
// whole into First Name (split at its space it read as first name
// "Smith,", last name "John"); one word, three words, CJK with or
// without a space come back as they were.
func TestUsersExportNameSplitRoundTrips(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	names := []string{"Smith, John", "Madonna", "Ana Maria Silva", "山田 太郎", "王小明", "José Núñez", "O'Brien, Mary Kate", "Jean-Luc Picard"}
	for i, n := range names {
		if _, err := a.AddPerson(ctx, store.PersonInput{Name: n, Badge: "B" + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := a.ExportSnipeITUsers(ctx, &out); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	split := map[string][2]string{}
	for _, r := range recs[1:] {
		split[r[7]] = [2]string{r[0], r[1]}
	}
	for badge, want := range map[string][2]string{"BA": {"Smith, John", ""}, "BB": {"Madonna", ""}, "BC": {"Ana", "Maria Silva"}, "BD": {"山田", "太郎"}, "BF": {"José", "Núñez"}} {
		if split[badge] != want {
			t.Errorf("%s: First Name, Last Name %q, want %q", badge, split[badge], want)
		}
	}
	b := mustOpen(t)
	if _, err := b.ImportSnipeITUsers(ctx, bytes.NewReader(out.Bytes()), store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	ps, err := b.People(ctx, store.PeopleFilter{IncludeGone: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Name)
	}
	slices.Sort(got)
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("after the round trip: %q, want %q", got, names)
	}
}
