package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// A desk written before search folded accents (migration 0025): its index
// is made again with remove_diacritics and rebuilt from the rows at the
// next open, which says so first when there are many assets; a sync
// server's state, which keeps no search documents, stays without them
// until a desk opens it.
func TestMigrationRebuildsSearchIndexFolded(t *testing.T) {
	ctx := context.Background()
	for _, server := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "old.db")
		db, err := Open(ctx, path, Options{Operator: "test", NoSearch: server})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddLocation(ctx, "MUC", "München Büro", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddPerson(ctx, PersonInput{Name: "Jürgen Müller", Badge: "B1"}); err != nil {
			t.Fatal(err)
		}
		for _, tag := range []string{"T-1", "T-2", "T-3"} {
			if _, err := db.Receive(ctx, Receipt{Tag: tag, Serial: "SN-" + tag, Model: "Latitude 5440", Location: "MUC"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.CheckOut(ctx, "T-2", "B1", ""); err != nil {
			t.Fatal(err)
		}
		db.Close()
		// As an older tagdesk left it: the index without remove_diacritics,
		// holding every document (a server's: none), and no 0025.
		raw, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		steps := []string{
			`DROP TABLE asset_fts`,
			`CREATE VIRTUAL TABLE asset_fts USING fts5(doc, content = '', contentless_delete = 1, tokenize = 'trigram')`,
			`DELETE FROM schema_migrations WHERE version = 25`,
		}
		if !server {
			steps = append(steps, `INSERT INTO asset_fts(rowid, doc) SELECT a.id, `+ftsDoc+ftsFrom)
		}
		for _, q := range steps {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		raw.Close()

		var notices []string
		opt := Options{Operator: "test", NoSearch: server, Notice: func(s string) { notices = append(notices, s) }, noticeAt: 3}
		if db, err = Open(ctx, path, opt); err != nil {
			t.Fatal(err)
		}
		var def string
		if err := db.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'asset_fts'`).Scan(&def); err != nil || !strings.Contains(def, "remove_diacritics 1") {
			t.Fatalf("server %v: asset_fts %s %v", server, def, err)
		}
		if server {
			if off, err := db.Setting(ctx, settingNoSearch); off == "" || err != nil || len(notices) > 0 {
				t.Fatalf("a server's state: no-search mark %q %v, notices %q", off, err, notices)
			}
			db.Close()
			opt.NoSearch = false
			if db, err = Open(ctx, path, opt); err != nil { // a desk opens it
				t.Fatal(err)
			}
		}
		if len(notices) != 1 || !strings.Contains(notices[0], "rebuilding the search index of 3 assets") {
			t.Errorf("server %v: notices %q", server, notices)
		}
		if off, err := db.Setting(ctx, settingNoSearch); off != "" || err != nil {
			t.Errorf("server %v: no-search mark left: %q %v", server, off, err)
		}
		checkSearchIndex(t, db, true, "München", "Jürgen")
		as, err := db.SearchAssets(ctx, AssetFilter{Query: "muller"})
		if err != nil || len(as) != 1 || as[0].Tag != "T-2" {
			t.Errorf("server %v: muller finds %+v %v", server, as, err)
		}
		if n, err := db.CountAssets(ctx, AssetFilter{Query: "munchen buro"}, 0); n != 3 || err != nil {
			t.Errorf("server %v: munchen buro counts %d %v", server, n, err)
		}
		db.Close()
		// Once: the next open rebuilds nothing.
		notices = nil
		if db, err = Open(ctx, path, Options{Operator: "test", Notice: opt.Notice, noticeAt: 1}); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if len(notices) > 0 {
			t.Errorf("server %v: opened again: %q", server, notices)
		}
	}
}
