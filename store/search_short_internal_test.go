package store

import (
	"context"
	"strings"
	"testing"
)

// From a review: a search made only of short words ("zz qq", "a1") read
// every row of the register (1.3 s at 200,000 assets for no match): short
// words were looked for in each row's document. Such a search is now
// answered through the indexes (the search index, the tags'): its plan
// scans no table.
func TestShortOnlySearchScansNoTable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/desk.db", Options{Operator: "t"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"zz qq", "a1", "Li Na", "zz q", "山田 太郎"} {
		sqlText, args, err := db.assetQuery(ctx, AssetFilter{Query: q, Limit: 50})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		rows, err := db.r.QueryContext(ctx, "EXPLAIN QUERY PLAN "+sqlText, args...)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if f := strings.Fields(step); len(f) >= 2 && f[0] == "SCAN" && (f[1] == "a" || f[1] == "assets") {
				t.Errorf("search %q reads every asset: %s", q, strings.Join(plan, "; "))
			}
		}
	}
}
