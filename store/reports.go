package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// KPIs are the asset-management figures of the dashboard, each computed from
// the register and its events.
type KPIs struct {
	// LogMark is the event log's high-water mark (LogMark) when the
	// figures were read: figures with the mark the log still has are
	// current.
	LogMark             int64          `json:"-"`
	Date                string         `json:"date"`
	Assets              int            `json:"assets"` // not disposed
	ByStatus            map[string]int `json:"by_status"`
	BySite              []Count        `json:"by_site"`        // top-level locations, descendants included
	ByCostCentre        []Count        `json:"by_cost_centre"` // biggest first, at most 20
	Deployed            int            `json:"deployed"`
	DeployedWithOwner   int            `json:"deployed_with_owner"`
	OwnerShare          float64        `json:"owner_share"` // deployed with an active owner / deployed
	OverdueReturns      int            `json:"overdue_returns"`
	WarrantyEnding90    int            `json:"warranty_ending_90d"`
	EOL90               int            `json:"eol_90d"`
	NotAudited          int            `json:"not_audited"`        // next audit passed, or never audited
	AuditsOverdue       int            `json:"audits_overdue"`     // next audit passed (a date set, and gone by)
	InventoryAccuracy   float64        `json:"inventory_accuracy"` // found / expected over the latest finished stocktake per location
	StocktakeLocations  int            `json:"stocktake_locations"`
	AccuracyByLocation  []Accuracy     `json:"accuracy_by_location"`
	PendingSyncEvents   int            `json:"pending_sync_events"`
	AuditIntervalMonths int            `json:"audit_interval_months"`
}

// Expected is how many assets the latest counts of the locations counted
// expected: none, and InventoryAccuracy is no figure (not 0%).
func (k KPIs) Expected() int {
	n := 0
	for _, l := range k.AccuracyByLocation {
		n += l.Expected
	}
	return n
}

// Count is one bar of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Accuracy is one location's latest stocktake result.
type Accuracy struct {
	Location string `json:"location"`
	// Date is the count's day where it was made (Stocktake.FinishedOn).
	Date     string  `json:"date"`
	Found    int     `json:"found"`
	Expected int     `json:"expected"`
	Accuracy float64 `json:"accuracy"`
}

// LogMark is the event log's high-water mark: it moves with every change
// this desk makes or pulls.
func (db *DB) LogMark(ctx context.Context) (int64, error) {
	var n int64
	if err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read the log's end: %w", err)
	}
	return n, nil
}

// KPIs computes the dashboard figures as of today.
func (db *DB) KPIs(ctx context.Context) (KPIs, error) {
	now := db.now()
	today := now.Format(dateLayout)
	in90 := now.AddDate(0, 0, 90).Format(dateLayout)
	k := KPIs{Date: today, ByStatus: map[string]int{}, AuditIntervalMonths: DefaultAuditMonths, AccuracyByLocation: []Accuracy{}}
	for _, s := range Statuses {
		k.ByStatus[string(s)] = 0 // (every status in JSON, none left out for being 0)
	}
	var err error
	if k.LogMark, err = db.LogMark(ctx); err != nil {
		return k, err
	}
	if v, err := db.Setting(ctx, SettingAuditMonths); err != nil {
		return k, err
	} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
		k.AuditIntervalMonths = min(n, MaxAuditMonths)
	}
	// One scan of the covering index assets_kpi gives the counts by status,
	// site and cost centre and the audits due.
	type cell struct {
		status, cc      string
		loc             int64
		n, due, overdue int
	}
	var cells []cell
	rows, err := db.r.QueryContext(ctx, `SELECT status, coalesce(location_id, 0), cost_centre, count(*),
			sum(next_audit < ?1 AND status NOT IN ('on_order', 'retired', 'disposed')),
			sum(next_audit <> '' AND next_audit < ?1 AND status NOT IN ('on_order', 'retired', 'disposed'))
		FROM assets INDEXED BY assets_kpi GROUP BY status, location_id, cost_centre`, today)
	if err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	for rows.Next() {
		var c cell
		if err := rows.Scan(&c.status, &c.loc, &c.cc, &c.n, &c.due, &c.overdue); err != nil {
			rows.Close()
			return k, fmt.Errorf("kpis: %w", err)
		}
		cells = append(cells, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	roots, err := db.siteOf(ctx)
	if err != nil {
		return k, err
	}
	bySite, byCC := map[string]int{}, map[string]int{}
	for _, c := range cells {
		k.ByStatus[c.status] += c.n
		k.NotAudited += c.due
		k.AuditsOverdue += c.overdue
		if Status(c.status) == StatusDisposed {
			continue
		}
		k.Assets += c.n
		site := roots[c.loc]
		if site == "" {
			site = "(none)"
		}
		bySite[site] += c.n
		cc := c.cc
		if cc == "" {
			cc = "(none)"
		}
		byCC[cc] += c.n
	}
	k.BySite, k.ByCostCentre = sortCounts(bySite, 0), sortCounts(byCC, 20)
	k.Deployed = k.ByStatus[string(StatusDeployed)]
	one := func(q string, args ...any) (int, error) {
		var n int
		if err := db.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("kpis: %w", err)
		}
		return n, nil
	}
	// A deployed asset always has a custodian (apply enforces it); it lacks
	// an owner when that custodian is someone who has left.
	gone, err := one(`SELECT count(*) FROM people p CROSS JOIN assets a ON a.custodian_person_id = p.id WHERE p.active = 0 AND a.status = 'deployed'`)
	if err != nil {
		return k, err
	}
	k.DeployedWithOwner = k.Deployed - gone
	if k.Deployed > 0 {
		k.OwnerShare = float64(k.DeployedWithOwner) / float64(k.Deployed)
	}
	if k.OverdueReturns, err = one(`SELECT count(*) FROM assets INDEXED BY assets_due WHERE status = 'deployed' AND due_date <> '' AND due_date < ?`, today); err != nil {
		return k, err
	}
	if k.WarrantyEnding90, err = one(`SELECT count(*) FROM assets WHERE warranty_end <> '' AND warranty_end >= ? AND warranty_end <= ? AND status NOT IN ('retired', 'disposed')`, today, in90); err != nil {
		return k, err
	}
	if k.EOL90, err = one(`SELECT count(*) FROM assets WHERE eol_date <> '' AND eol_date >= ? AND eol_date <= ? AND status NOT IN ('retired', 'disposed')`, today, in90); err != nil {
		return k, err
	}
	if k.PendingSyncEvents, err = db.PendingEvents(ctx); err != nil {
		return k, err
	}
	// (An expected asset scanned as unexpected, lent since the count
	// began, and not found after, is neither found nor a miss: left out,
	// as one away is, and so is one whose missing mark the sync server
	// refused.)
	rows, err = db.r.QueryContext(ctx, `SELECT s.id, l.code, s.finished_at, s.finished_on,
			(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND e.found = 1),
			(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND `+countedSQL+`)
		FROM stocktakes s JOIN locations l ON l.id = s.location_id
		WHERE s.id = (SELECT max(s2.id) FROM stocktakes s2 WHERE s2.location_id = s.location_id AND s2.status = 'finished') ORDER BY l.code`)
	if err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	defer rows.Close()
	var latest []int64 // the counts' ids
	for rows.Next() {
		var a Accuracy
		var id int64
		var at string
		if err := rows.Scan(&id, &a.Location, &at, &a.Date, &a.Found, &a.Expected); err != nil {
			return k, fmt.Errorf("kpis: %w", err)
		}
		if a.Date == "" {
			// (A finish that gave no day: this desk's day of it.)
			a.Date = LocalDay(at)
		}
		if a.Expected > 0 {
			a.Accuracy = float64(a.Found) / float64(a.Expected)
		}
		k.AccuracyByLocation = append(k.AccuracyByLocation, a)
		latest = append(latest, id)
	}
	if err := rows.Err(); err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	k.StocktakeLocations = len(k.AccuracyByLocation)
	// The whole figure counts each asset once, by the latest of the counts
	// that expected it: a site counted, then a room of it, would count the
	// room's assets twice, and so would an asset counted at one site and
	// moved to another counted since. (Asset by asset over the latest
	// counts: 3 s when they hold a million expected assets.)
	var found, expected int64
	if len(latest) > 0 {
		body, err := json.Marshal(latest)
		if err != nil {
			return k, err
		}
		var f, e sql.NullInt64
		// (Ranked first, then counted: the latest count that expected an
		// asset and left it out, away or lent, leaves it out; an older
		// count's verdict does not come back.)
		if err := db.r.QueryRowContext(ctx, `WITH each AS (SELECT e.found, `+countedSQL+` AS counted,
					row_number() OVER (PARTITION BY e.asset_id ORDER BY s.finished_at DESC, s.id DESC) AS nth
				FROM json_each(?) x CROSS JOIN stocktakes s ON s.id = x.value CROSS JOIN stocktake_expected e ON e.stocktake_id = s.id)
			SELECT sum(found = 1), sum(counted) FROM each WHERE nth = 1`, string(body)).Scan(&f, &e); err != nil {
			return k, fmt.Errorf("kpis: %w", err)
		}
		found, expected = f.Int64, e.Int64
	}
	if expected > 0 {
		k.InventoryAccuracy = float64(found) / float64(expected)
	}
	return k, nil
}

// siteOf maps every location id to the code of its top-level location.
func (db *DB) siteOf(ctx context.Context) (map[int64]string, error) {
	rows, err := db.r.QueryContext(ctx, `WITH RECURSIVE up(id, root) AS (SELECT id, id FROM locations WHERE parent_id IS NULL
		UNION ALL SELECT l.id, up.root FROM locations l JOIN up ON l.parent_id = up.id)
		SELECT up.id, r.code FROM up JOIN locations r ON r.id = up.root`)
	if err != nil {
		return nil, fmt.Errorf("kpis: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, fmt.Errorf("kpis: %w", err)
		}
		out[id] = code
	}
	return out, rows.Err()
}

// sortCounts orders a breakdown biggest first (then by key), keeping at most
// limit bars (0: all).
func sortCounts(m map[string]int, limit int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Day parses a YYYY-MM-DD date as the start of that day, UTC.
func Day(s string) (time.Time, error) {
	if strings.Contains(strings.TrimSpace(s), ":") {
		// A time with a zone (…T00:30:00+08:00) would be read as its
		// written day, not the UTC day its instant falls on.
		return time.Time{}, invalid("%q is a time: give a day, YYYY-MM-DD (a report's days are UTC days)", clip(s))
	}
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(dateLayout, d)
}
