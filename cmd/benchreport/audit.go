package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

func auditSection() section {
	return section{name: "audit", title: "stocktake and KPIs (issue 6)", run: runAudit}
}

// runAudit times a stocktake of the location whose subtree holds closest to
// 10,000 countable assets, its scans, and the KPI report, on a copy of the
// demo database (a stocktake changes the register).
func runAudit(e *env) ([]row, error) {
	d, err := e.demoDB()
	if err != nil {
		return []row{unavailable("stocktake", "", err.Error())}, nil
	}
	work := filepath.Join(e.dir, "audit-work.db")
	clean := func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(work + suffix)
		}
	}
	clean()
	defer clean()
	if err := copyFile(d.Path, work); err != nil {
		return nil, err
	}
	loc, n, err := stocktakeScope(work, 10_000)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(e.ctx, work, store.Options{Operator: "bench"})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var rows []row

	start := time.Now()
	st, err := db.StartStocktake(e.ctx, loc)
	if err != nil {
		return nil, fmt.Errorf("start stocktake of %s: %w", loc, err)
	}
	r := atMost(fmt.Sprintf("start a stocktake of a location holding %d assets", st.Expected), ms(time.Since(start)), 200, "ms")
	r.Note = fmt.Sprintf("%s (%d assets under it)", loc, n)
	rows = append(rows, r)

	// Scans: mostly expected assets, some from elsewhere, some unknown codes,
	// some repeated, as a shelf count goes.
	codes, err := stocktakeCodes(work, loc, 1000)
	if err != nil {
		return nil, err
	}
	var took []time.Duration
	counts := map[string]int{}
	for _, c := range codes {
		t0 := time.Now()
		s, err := db.ScanIntoStocktake(e.ctx, st.UID, c)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", c, err)
		}
		took = append(took, time.Since(t0))
		counts[s.Result]++
	}
	r = atMost(fmt.Sprintf("stocktake scan classified and recorded, p99 (%d scans)", len(took)), ms(percentile(took, 99)), 20, "ms")
	r.Note = fmt.Sprintf("p50 %s ms; %d found, %d unexpected, %d duplicate, %d unknown", num(ms(percentile(took, 50))),
		counts[store.ScanFound], counts[store.ScanUnexpected], counts[store.ScanDuplicate], counts[store.ScanUnknown])
	rows = append(rows, r)

	// The counts the desk shows after a scan: an open count's missing
	// figure is what its finish would mark missing, read by class.
	var ct []time.Duration
	for i := 0; i < 20; i++ {
		t0 := time.Now()
		if _, err := db.Stocktake(e.ctx, st.UID); err != nil {
			return nil, err
		}
		ct = append(ct, time.Since(t0))
	}
	r = atMost("  its figures read again (what is missing now), p95 of 20", ms(percentile(ct, 95)), 20, "ms")
	r.Note = fmt.Sprintf("p50 %s ms", num(ms(percentile(ct, 50))))
	rows = append(rows, r)

	start = time.Now()
	if _, err := db.FinishStocktake(e.ctx, st.UID); err != nil {
		return nil, err
	}
	rows = append(rows, row{Figure: "  finish it (audit events for every expected asset)", Measured: num(time.Since(start).Seconds()) + " s", Target: "(no target)", Verdict: "n/a"})

	var kt []time.Duration
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		if _, err := db.KPIs(e.ctx); err != nil {
			return nil, err
		}
		kt = append(kt, time.Since(t0))
	}
	r = atMost("report kpis (store.KPIs), worst of 3", percentile(kt, 100).Seconds(), 1, "s")
	rows = append(rows, r)
	return rows, nil
}

// stocktakeScope finds the location whose subtree holds closest to want
// assets that a stocktake would expect.
func stocktakeScope(path string, want int) (string, int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return "", 0, err
	}
	defer db.Close()
	var code string
	var n int
	// (What is installed in an asset with a person went with it: not
	// expected, as store.StartStocktake leaves it out.)
	err = db.QueryRow(`WITH RECURSIVE up(id, anc) AS (SELECT id, id FROM locations UNION ALL SELECT up.id, l.parent_id FROM up JOIN locations l ON l.id = up.anc WHERE l.parent_id IS NOT NULL),
		chain(start, cur, depth) AS (SELECT id, custodian_asset_id, 0 FROM assets WHERE custodian_asset_id IS NOT NULL
			UNION ALL SELECT chain.start, p.custodian_asset_id, chain.depth + 1 FROM chain JOIN assets p ON p.id = chain.cur WHERE p.custodian_asset_id IS NOT NULL AND chain.depth < 64),
		lent(id) AS (SELECT chain.start FROM chain CROSS JOIN assets p ON p.id = chain.cur WHERE p.custodian_person_id IS NOT NULL),
		per AS (SELECT location_id, count(*) n FROM assets WHERE status IN ('in_stock', 'in_repair', 'deployed', 'missing') AND custodian_person_id IS NULL
			AND id NOT IN (SELECT id FROM lent) GROUP BY location_id)
		SELECT l.code, sum(per.n) FROM up JOIN per ON per.location_id = up.id JOIN locations l ON l.id = up.anc GROUP BY up.anc ORDER BY abs(sum(per.n) - ?) LIMIT 1`, want).Scan(&code, &n)
	return code, n, err
}

// stocktakeCodes returns n scans for the open stocktake of loc: 85% expected tags
// (a few twice), 10% tags recorded elsewhere, 5% unknown codes.
func stocktakeCodes(path, loc string, n int) ([]string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	pick := func(q string, k int) ([]string, error) {
		rows, err := db.Query(q, loc, k)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var t string
			if err := rows.Scan(&t); err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, rows.Err()
	}
	const scope = `WITH RECURSIVE sub(id) AS (SELECT id FROM locations WHERE code = ? UNION ALL SELECT l.id FROM locations l JOIN sub ON l.parent_id = sub.id) `
	here, err := pick(`SELECT a.tag FROM stocktake_expected e JOIN assets a ON a.id = e.asset_id JOIN stocktakes s ON s.id = e.stocktake_id JOIN locations l ON l.id = s.location_id
		WHERE l.code = ? AND s.status = 'open' ORDER BY random() LIMIT ?`, n*85/100)
	if err != nil {
		return nil, err
	}
	elsewhere, err := pick(scope+`SELECT tag FROM assets WHERE location_id NOT IN (SELECT id FROM sub) AND status = 'in_stock' ORDER BY random() LIMIT ?`, n/10)
	if err != nil {
		return nil, err
	}
	var codes []string
	for i := 0; len(codes) < n; i++ {
		switch {
		case i%20 == 19:
			codes = append(codes, fmt.Sprintf("UNKNOWN-%05d", i))
		case i%10 == 9 && len(elsewhere) > 0:
			codes, elsewhere = append(codes, elsewhere[0]), elsewhere[1:]
		case i%50 == 7 && len(codes) > 0:
			codes = append(codes, codes[len(codes)/2])
		case len(here) > 0:
			codes, here = append(codes, here[0]), here[1:]
		default:
			codes = append(codes, fmt.Sprintf("UNKNOWN-%05d", i))
		}
	}
	return codes, nil
}
