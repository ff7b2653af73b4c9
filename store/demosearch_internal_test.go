package store

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The demo's search index is built aside and copied in: it must be the
// index the desk would have built, answer every substring as the documents
// do, and keep working as assets change afterwards.
func TestDemoSearchIndexMatchesDocuments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	now := func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }
	if _, err := BuildDemo(ctx, path, DemoOptions{Assets: 1500, Seed: 5, Now: now}); err != nil {
		t.Fatal(err)
	}
	// Nothing is left beside it: the demo is built in a temporary file
	// (".demo.db.building-*"), the index aside in that name plus "-search".
	if matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".*")); err != nil || len(matches) > 0 {
		t.Fatalf("left beside the demo: %v (%v)", matches, err)
	}
	db, err := Open(ctx, path, Options{Operator: "test", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	checkSearchIndex(t, db, true)

	// The copied index takes changes: check an asset in stock out to
	// someone, and find it by that person's name.
	var tag, who, name string
	if err := db.r.QueryRowContext(ctx, `SELECT tag FROM assets WHERE status = 'in_stock' ORDER BY id LIMIT 1`).Scan(&tag); err != nil {
		t.Fatal(err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT badge, name FROM people WHERE active ORDER BY id DESC LIMIT 1`).Scan(&who, &name); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, tag, who, ""); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, db, false, name, who, tag)
}

// checkSearchIndex checks db's search index against the documents its
// rows make (ftsDoc): FTS5's integrity-check passes, and each fragment of
// extra, and 60 drawn from the documents, finds exactly the assets whose
// documents hold it. With sameBlocks the index must also be, block by
// block, the one the desk builds from the rows in one statement.
func checkSearchIndex(t testing.TB, db *DB, sameBlocks bool, extra ...string) {
	t.Helper()
	ctx := context.Background()
	if sameBlocks {
		var def string
		if err := db.w.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			strings.Replace(def, "asset_fts", "check_fts", 1),
			`INSERT INTO check_fts(rowid, doc) SELECT a.id, ` + ftsDoc + ftsFrom + ` ORDER BY a.id`,
			`INSERT INTO check_fts(check_fts) VALUES ('optimize')`,
		} {
			if _, err := db.w.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for _, tbl := range []string{"data", "idx", "docsize"} {
			var differ int
			q := `SELECT count(*) FROM (SELECT * FROM asset_fts_` + tbl + ` EXCEPT SELECT * FROM check_fts_` + tbl + `)`
			q2 := `SELECT count(*) FROM (SELECT * FROM check_fts_` + tbl + ` EXCEPT SELECT * FROM asset_fts_` + tbl + `)`
			for _, x := range []string{q, q2} {
				var n int
				if err := db.w.QueryRowContext(ctx, x).Scan(&n); err != nil {
					t.Fatal(err)
				}
				differ += n
			}
			if differ != 0 {
				t.Fatalf("asset_fts_%s: %d rows differ from the index built from the rows", tbl, differ)
			}
		}
		if _, err := db.w.ExecContext(ctx, `DROP TABLE check_fts`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO asset_fts(asset_fts, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Fatalf("integrity-check: %v", err)
	}
	// Fragments of real documents: tags, serials, names, models, people,
	// places, compared folded (Fold folds as the index does:
	// TestFoldMatchesIndex), so "an D" finds Seán Daly too.
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []string
	rows, err := db.r.QueryContext(ctx, `SELECT `+ftsDoc+ftsFrom+` ORDER BY a.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	rows.Close()
	frags := extra
	for len(frags) < len(extra)+60 {
		d := docs[rng.IntN(len(docs))]
		n := 3 + rng.IntN(5)
		if len(d) <= n {
			continue
		}
		i := rng.IntN(len(d) - n)
		f := d[i : i+n]
		if strings.ContainsAny(f, `"`) || strings.TrimSpace(f) != f || !utf8.ValidString(f) || utf8.RuneCountInString(f) < 3 {
			continue
		}
		frags = append(frags, f)
	}
	for _, frag := range frags {
		want := ids(t, db, `SELECT a.id`+ftsFrom+` WHERE instr(fold(`+ftsDoc+`), ?) > 0 ORDER BY a.id`, Fold(frag))
		got := ids(t, db, `SELECT rowid FROM asset_fts WHERE asset_fts MATCH ? ORDER BY rowid`, `"`+frag+`"`)
		if !slices.Equal(got, want) {
			t.Fatalf("search %q: index gives %d assets, documents %d (%v vs %v)", frag, len(got), len(want), head(got), head(want))
		}
	}
}

func ids(t testing.TB, db *DB, q string, arg any) []int64 {
	t.Helper()
	rows, err := db.r.QueryContext(context.Background(), q, arg)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func head(s []int64) []int64 { return s[:min(len(s), 5)] }
