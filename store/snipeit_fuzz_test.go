package store_test

import (
	"bytes"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// FuzzImportSnipeIT: any input either imports (and then the log still
// verifies at the end) or is refused with a coded, non-internal error and
// changes nothing. Never a panic.
func FuzzImportSnipeIT(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "snipeit", "*.csv"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"\n\n",
		"Asset Tag\n",
		"Model Name\nM\n",
		"tag,model\n,\n",
		"tag;model;status\nA-1;M;Pending\n",
		"Asset Tag,Model Name,Checkout Type,Checked Out to: Asset Tag\nA-1,M,,\nA-2,M,Asset,A-1\nA-3,M,Asset,A-2\n",
		"Asset Tag,Model Name,Checkout Type,Checked Out to: Asset Tag\nA-1,M,Asset,A-2\nA-2,M,Asset,A-1\n",
		"Asset Tag,Model Name,Status,Disposal Method\nA-1,M,Archived,shred\n",
		"Asset Tag,Model No.,Checked Out to: Email,Checked Out to: Badge\nA-1,M,x@y,b 1\n",
		"Asset Tag,Model Name,Location Code,Location\nA-1,M,dub,Dublin\nA-2,M,,dub\n",
		"\"Asset Tag\",\"Model Name\nA\"\n\"1\",\"2\n",
		"Asset Tag,Model Name,Purchase Date,Warranty\nA-1,M,31/01/2024,1\n",
	} {
		f.Add([]byte(s))
	}
	clock := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	// One folder for the database and verify's rebuilds: the seed subtests'
	// own temporary folders are named "seed#N", and store.Open's file: URI
	// would cut a path at the '#'.
	dir := f.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "fuzz.db"), store.Options{
		Operator: "fuzz",
		Now: func() time.Time {
			clock = clock.Add(time.Millisecond)
			return clock
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	events := func(t *testing.T) int {
		n := 0
		if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(store.Event) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	imports := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		before := events(t)
		rep, err := db.ImportSnipeIT(ctx, bytes.NewReader(data), store.ImportOptions{Update: len(data)%2 == 1})
		after := events(t)
		if err != nil {
			if code := store.ErrorCode(err); code == store.EINTERNAL {
				t.Fatalf("internal error on bad input: %v", err)
			}
			if after != before {
				t.Fatalf("refused import wrote %d events: %v", after-before, err)
			}
			return
		}
		if rep.Imported+rep.Updated+rep.Unchanged == 0 || after-before < rep.Imported+rep.Updated+rep.CheckedOut+rep.Disposed {
			t.Fatalf("import reports %+v but wrote %d events", rep, after-before)
		}
		imports++
		if imports%50 == 1 {
			v, err := db.Verify(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			if !v.OK {
				t.Fatalf("verify after import: %v", v.Problems)
			}
		}
	})
}

// TestImportSnipeITMutations is a deterministic stand-in for the fuzzer
// (which is slow over the instrumented pure-Go SQLite): 1500 random byte
// mutations of the sample files, each imported or refused cleanly.
func TestImportSnipeITMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("1500 imports")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "snipeit", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample files: %v", err)
	}
	var seeds [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	ctx := context.Background()
	db := mustOpen(t)
	events := func() int {
		n := 0
		if err := db.EachEvent(ctx, time.Time{}, time.Time{}, func(store.Event) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	r := rand.New(rand.NewSource(1))
	imported, updated := 0, 0
	for i := 0; i < 1500; i++ {
		in := mutate(r, append([]byte(nil), seeds[r.Intn(len(seeds))]...), nil)
		before := events()
		rep, err := db.ImportSnipeIT(ctx, bytes.NewReader(in), store.ImportOptions{SkipInvalid: i%2 == 1, Update: i%3 == 2})
		after := events()
		switch {
		case err != nil && store.ErrorCode(err) == store.EINTERNAL:
			t.Fatalf("input %d: internal error %v on %q", i, err, in)
		case err != nil && after != before:
			t.Fatalf("input %d: refused, yet %d events written: %v", i, after-before, err)
		case err == nil && after-before < rep.Imported+rep.Updated+rep.CheckedOut+rep.Disposed:
			t.Fatalf("input %d: report %+v, %d events", i, rep, after-before)
		case err == nil:
			imported += rep.Imported
			updated += rep.Updated
		}
	}
	if imported == 0 || updated == 0 {
		t.Errorf("of the mutated inputs, %d assets imported and %d updated", imported, updated)
	}
	mustVerify(t, db)
}

// mutate changes one to four bytes of in at random: one replaced, one
// deleted, or one inserted (from insert, or any byte when it is nil).
func mutate(r *rand.Rand, in []byte, insert []byte) []byte {
	for k := r.Intn(4) + 1; k > 0 && len(in) > 0; k-- {
		j := r.Intn(len(in))
		switch r.Intn(3) {
		case 0:
			in[j] = byte(r.Intn(256))
		case 1:
			in = append(in[:j], in[j+1:]...)
		default:
			var b byte
			if insert != nil {
				b = insert[r.Intn(len(insert))]
			} else {
				b = byte(r.Intn(256))
			}
			in = append(in[:j], append([]byte{b}, in[j:]...)...)
		}
	}
	return in
}
