package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// The missing figure an open count shows (openMissingSQL, read from the
// location's index) is what its finish marks missing (stocktakeClassSQL,
// read from the expected set), whatever happened while it was open: scans,
// loans, installs into other assets (at any depth), check-ins, moves in
// and out of the counted place, retirements. And the finish keeps it.
func TestStocktakeOpenMissingMatchesFinish(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "stprop")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		db, err := Open(ctx, filepath.Join(dir, "p.db"), Options{Operator: "tester"})
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()
		places := []string{"SITE", "ROOM", "SHELF", "AWAY"}
		for i, parent := range []string{"", "SITE", "ROOM", ""} {
			if _, err := db.AddLocation(ctx, places[i], "Place "+places[i], parent); err != nil {
				rt.Fatal(err)
			}
		}
		if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
			rt.Fatal(err)
		}
		if _, err := db.AddPerson(ctx, PersonInput{Name: "Ana Silva", Badge: "B1"}); err != nil {
			rt.Fatal(err)
		}
		n := rapid.IntRange(2, 9).Draw(rt, "assets")
		tags := make([]string, n)
		for i := range tags {
			tags[i] = fmt.Sprintf("T-%d", i)
			loc := rapid.SampledFrom(places).Draw(rt, "at")
			if _, err := db.Receive(ctx, Receipt{Tag: tags[i], Serial: "S" + tags[i], Model: "L5440", Location: loc}); err != nil {
				rt.Fatal(err)
			}
		}
		// Before and during the count, the same kinds of change (refused
		// ones, such as an install making a circle, change nothing).
		change := func(label string) {
			tag := rapid.SampledFrom(tags).Draw(rt, label+" tag")
			switch rapid.IntRange(0, 5).Draw(rt, label) {
			case 0:
				db.CheckOut(ctx, tag, "B1", "")
			case 1:
				db.CheckOut(ctx, tag, rapid.SampledFrom(tags).Draw(rt, label+" into"), "")
			case 2:
				db.CheckIn(ctx, tag, CheckInOptions{Location: rapid.SampledFrom(places).Draw(rt, label+" to")})
			case 3:
				db.Move(ctx, tag, rapid.SampledFrom(places).Draw(rt, label+" to"))
			case 4:
				db.Retire(ctx, tag, "old")
			case 5:
				db.CheckOut(ctx, tag, rapid.SampledFrom(places).Draw(rt, label+" place"), "")
			}
		}
		for i, k := 0, rapid.IntRange(0, 8).Draw(rt, "before"); i < k; i++ {
			change("before")
		}
		st, err := db.StartStocktake(ctx, rapid.SampledFrom(places[:3]).Draw(rt, "count"))
		if err != nil {
			rt.Fatal(err)
		}
		for i, k := 0, rapid.IntRange(0, 12).Draw(rt, "during"); i < k; i++ {
			if rapid.Bool().Draw(rt, "scan") {
				code := rapid.SampledFrom(append(slices.Clone(tags), "NOPE")).Draw(rt, "code")
				if _, err := db.ScanIntoStocktake(ctx, st.UID, code); err != nil {
					rt.Fatal(err)
				}
				continue
			}
			change("during")
		}
		row, err := db.stocktake(ctx, st.UID)
		if err != nil {
			rt.Fatal(err)
		}
		live, err := db.ReadOnlyQueryForTest(ctx, openMissingSQL, row.locID, row.ID)
		if err != nil {
			rt.Fatal(err)
		}
		classed, err := db.ReadOnlyQueryForTest(ctx, `SELECT uid FROM (`+stocktakeClassSQL+`) WHERE class = 'missing'`, row.locID, row.ID)
		if err != nil {
			rt.Fatal(err)
		}
		slices.Sort(live)
		slices.Sort(classed)
		if !slices.Equal(live, classed) {
			rt.Fatalf("open count's missing %v, the finish's classes %v", live, classed)
		}
		done, err := db.FinishStocktake(ctx, st.UID)
		if err != nil {
			rt.Fatal(err)
		}
		if done.Missing != row.Missing {
			rt.Fatalf("missing %d while open, %d once finished", row.Missing, done.Missing)
		}
	})
}
