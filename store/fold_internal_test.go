package store

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fold folds every character as the search index does: the words the index
// cannot look up (under three characters) and the people filter then find
// what the index would. SQLite's trigram tokenizer tells its folding through
// fts5vocab: a document "xCx" holds the one trigram x, C folded, x.
func TestFoldMatchesIndex(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	conn, err := db.r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var def string
	if err := conn.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(def, "remove_diacritics 1") {
		t.Fatalf("asset_fts does not fold accents: %s", def)
	}
	// (A temporary table of the same tokenizer, with full detail for the
	// vocabulary, on a reader: query_only allows temp tables.)
	tok := def[strings.Index(def, "tokenize"):]
	tok = tok[:strings.LastIndex(tok, ")")]
	for _, q := range []string{
		`PRAGMA query_only = 0`,
		`CREATE VIRTUAL TABLE temp.folds USING fts5(doc, ` + tok + `)`,
		`CREATE VIRTUAL TABLE temp.foldv USING fts5vocab(temp, folds, instance)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer conn.ExecContext(ctx, `PRAGMA query_only = 1`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO temp.folds(rowid, doc) VALUES (?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := rune(0x20); r < 0x30000; r++ {
		if !utf8.ValidRune(r) || !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			continue
		}
		if _, err := st.ExecContext(ctx, r, "x"+string(r)+"x"); err != nil {
			t.Fatal(err)
		}
		n++
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.QueryContext(ctx, `SELECT doc, term FROM temp.foldv`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen, bad := map[rune]bool{}, 0
	for rows.Next() {
		var r int64
		var term string
		if err := rows.Scan(&r, &term); err != nil {
			t.Fatal(err)
		}
		seen[rune(r)] = true
		want := []rune(term)
		if len(want) != 3 {
			t.Errorf("U+%04X: trigram %q", r, term)
			continue
		}
		got := Fold(string(rune(r)))
		// SQLite's tables are of an older Unicode: a capital added since
		// (Cherokee's, Georgian's Mtavruli, Latin Extended-D's) it keeps as
		// it is, and ǡ (a, dot, macron) keeps its marks. Apart from those,
		// and only those, the folds are the same.
		newer := want[1] == rune(r) && (unicode.IsUpper(rune(r)) || unicode.IsLower(rune(r)))
		if got != string(want[1]) && !newer && r != 0x1E0 {
			if bad++; bad <= 40 {
				t.Errorf("Fold(%q U+%04X) = %q, the index folds it to %q U+%04X", rune(r), r, got, want[1], want[1])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	// What left no trigram the index dropped (a combining mark alone):
	// Fold drops it too.
	dropped := 0
	for r := rune(0x20); r < 0x30000; r++ {
		if utf8.ValidRune(r) && unicode.IsGraphic(r) && !unicode.IsSpace(r) && !seen[r] {
			dropped++
			if got := Fold(string(r)); got != "" {
				t.Errorf("the index drops U+%04X, Fold keeps it: %q", r, got)
			}
		}
	}
	if dropped == 0 || bad > 0 {
		t.Errorf("%d characters, %d dropped by the index, %d folded otherwise", n, dropped, bad)
	}
}
