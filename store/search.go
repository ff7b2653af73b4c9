package store

import (
	"context"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"strings"
	"time"
	"unicode/utf8"
)

// AssetFilter narrows a search or a listing.
type AssetFilter struct {
	Query    string // substring(s) of tag, serial, name, model, manufacturer, custodian, location
	Status   Status // empty: any
	Location string // code or name: assets at it or anywhere under it
	Person   string // uid: assets held by this person
	Overdue  bool   // only assets checked out past their due date (the desk's local day)
	// WarrantyBy (YYYY-MM-DD): only assets in use or in stock whose
	// warranty ends from today (the desk's local day) to that day.
	WarrantyBy string
	After      int64 // keyset pagination: only assets with id > After
	Limit      int   // 0: no limit
}

// ftsQuery turns what a person typed into an FTS5 trigram query: every word
// of three or more characters must appear; shorter words are returned apart.
func ftsQuery(q string) (match string, short []string) {
	var terms []string
	words := strings.Fields(norm.NFC.String(q)) // (as names are kept: nameSpaces)
	for _, w := range words {
		if utf8.RuneCountInString(w) < 3 {
			short = append(short, w)
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	return strings.Join(terms, " "), short
}

// ShortOnly says whether a search is too short to run as the screen is
// typed: under three characters in all ("Li Na" and "山田 太郎" run, each
// word looked for apart, reading the rows the index cannot narrow).
func ShortOnly(q string) bool {
	words := strings.Fields(norm.NFC.String(q))
	return len(words) > 0 && utf8.RuneCountInString(strings.Join(words, " ")) < 3
}

// NeedsScan says whether a search reads rows the index does not narrow
// (a short word beside long ones): counting its matches could read the
// whole register.
func NeedsScan(q string) bool {
	_, short := ftsQuery(q)
	return len(short) > 0
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// assetQuery builds the SQL for a filter. It returns the FROM/WHERE part and
// the ordering column.
func (db *DB) assetQuery(ctx context.Context, f AssetFilter) (string, []any, error) {
	q := assetSelect
	var where []string
	var args []any
	order := "a.id"
	match, short := ftsQuery(f.Query)
	if match != "" {
		q = strings.Replace(q, "FROM assets a", "FROM asset_fts f JOIN assets a ON a.id = f.rowid", 1)
		where = append(where, "asset_fts MATCH ?")
		args = append(args, match)
		order = "f.rowid"
	}
	for _, s := range short {
		// Words too short for trigrams ("Li Na", "Floor 2"): a substring
		// of what the search document holds, read from the row (ftsDoc's
		// aliases are assetSelect's joins), both folded as the index
		// folds (Fold: "Lu" finds Lü).
		where = append(where, `instr(fold(`+ftsDoc+`), ?) > 0`)
		args = append(args, Fold(s))
	}
	if f.Status != "" {
		if !validStatus(f.Status) {
			return "", nil, invalid("unknown status %q", f.Status)
		}
		where = append(where, "a.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Location != "" {
		l, err := db.Location(ctx, f.Location)
		if err != nil {
			return "", nil, err
		}
		where = append(where, `a.location_id IN (WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id) SELECT id FROM sub)`)
		args = append(args, l.ID)
	}
	if f.Overdue {
		where = append(where, "a.status = 'deployed' AND a.due_date <> '' AND a.due_date < ?")
		args = append(args, db.now().Local().Format(dateLayout))
	}
	if f.WarrantyBy != "" {
		if _, err := time.Parse(dateLayout, f.WarrantyBy); err != nil {
			return "", nil, invalid("warranty end %q is not a date (want YYYY-MM-DD)", clip(f.WarrantyBy))
		}
		where = append(where, "a.warranty_end <> '' AND a.warranty_end >= ? AND a.warranty_end <= ? AND a.status NOT IN ('retired', 'disposed')")
		args = append(args, db.now().Local().Format(dateLayout), f.WarrantyBy)
	}
	if f.Person != "" {
		where = append(where, "a.custodian_person_id = (SELECT id FROM people WHERE uid = ?)")
		args = append(args, f.Person)
	}
	if f.After > 0 {
		where = append(where, order+" > ?")
		args = append(args, f.After)
	}
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY " + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return q, args, nil
}

// SearchAssets returns one page of assets matching f, in id order. Pass the
// last asset's ID as After to get the next page.
func (db *DB) SearchAssets(ctx context.Context, f AssetFilter) ([]Asset, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	var out []Asset
	err := db.EachAsset(ctx, f, func(a Asset) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// EachAsset streams every asset matching f to fn, in id order, holding only
// one row in memory at a time.
func (db *DB) EachAsset(ctx context.Context, f AssetFilter, fn func(Asset) error) error {
	if len(f.Query) > MaxScanLen {
		return invalid("search of %d bytes is too long", len(f.Query))
	}
	q, args, err := db.assetQuery(ctx, f)
	if err != nil {
		return err
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("search assets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return fmt.Errorf("search assets: %w", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search assets: %w", err)
	}
	return nil
}

// CountAssets counts assets matching f, stopping at limit (0: no limit), so
// that a screen can say "1,000+" without counting a million rows.
func (db *DB) CountAssets(ctx context.Context, f AssetFilter, limit int) (int, error) {
	f.Limit = limit
	q, args, err := db.assetQuery(ctx, f)
	if err != nil {
		return 0, err
	}
	// assetSelect breaks its line before FROM: find it whatever precedes it.
	i := strings.Index(q, "FROM asset_fts f")
	if i < 0 {
		i = strings.Index(q, "FROM assets a")
	}
	if i < 0 {
		return 0, fmt.Errorf("count assets: unexpected query shape")
	}
	from := q[i:]
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 `+from+`)`, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count assets: %w", err)
	}
	return n, nil
}

// StatusCounts returns the number of assets in each status.
func (db *DB) StatusCounts(ctx context.Context) (map[Status]int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT status, count(*) FROM assets GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count by status: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count by status: %w", err)
		}
		out[Status(s)] = n
	}
	return out, rows.Err()
}
