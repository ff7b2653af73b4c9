package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// KPIs are the asset-management figures of the dashboard, each computed from
// the register and its events.
type KPIs struct {
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
	InventoryAccuracy   float64        `json:"inventory_accuracy"` // found / expected over the latest finished stocktake per location
	StocktakeLocations  int            `json:"stocktake_locations"`
	AccuracyByLocation  []Accuracy     `json:"accuracy_by_location"`
	PendingSyncEvents   int            `json:"pending_sync_events"`
	AuditIntervalMonths int            `json:"audit_interval_months"`
}

// Count is one bar of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Accuracy is one location's latest stocktake result.
type Accuracy struct {
	Location string  `json:"location"`
	Date     string  `json:"date"`
	Found    int     `json:"found"`
	Expected int     `json:"expected"`
	Accuracy float64 `json:"accuracy"`
}

// KPIs computes the dashboard figures as of today.
func (db *DB) KPIs(ctx context.Context) (KPIs, error) {
	now := db.now()
	today := now.Format(dateLayout)
	in90 := now.AddDate(0, 0, 90).Format(dateLayout)
	k := KPIs{Date: today, ByStatus: map[string]int{}, AuditIntervalMonths: 12}
	if v, err := db.Setting(ctx, SettingAuditMonths); err != nil {
		return k, err
	} else if n, err := strconv.Atoi(v); err == nil && n > 0 {
		k.AuditIntervalMonths = n
	}
	counts, err := db.StatusCounts(ctx)
	if err != nil {
		return k, err
	}
	for s, n := range counts {
		k.ByStatus[string(s)] = n
		if s != StatusDisposed {
			k.Assets += n
		}
	}
	k.Deployed = counts[StatusDeployed]
	one := func(q string, args ...any) (int, error) {
		var n int
		if err := db.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("kpis: %w", err)
		}
		return n, nil
	}
	if k.DeployedWithOwner, err = one(`SELECT count(*) FROM assets a LEFT JOIN people p ON p.id = a.custodian_person_id WHERE a.status = 'deployed'
		AND (p.active = 1 OR a.custodian_location_id IS NOT NULL OR a.custodian_asset_id IS NOT NULL)`); err != nil {
		return k, err
	}
	if k.Deployed > 0 {
		k.OwnerShare = float64(k.DeployedWithOwner) / float64(k.Deployed)
	}
	if k.OverdueReturns, err = one(`SELECT count(*) FROM assets WHERE status = 'deployed' AND due_date <> '' AND due_date < ?`, today); err != nil {
		return k, err
	}
	if k.WarrantyEnding90, err = one(`SELECT count(*) FROM assets WHERE warranty_end <> '' AND warranty_end >= ? AND warranty_end <= ? AND status NOT IN ('retired', 'disposed')`, today, in90); err != nil {
		return k, err
	}
	if k.EOL90, err = one(`SELECT count(*) FROM assets WHERE eol_date <> '' AND eol_date >= ? AND eol_date <= ? AND status NOT IN ('retired', 'disposed')`, today, in90); err != nil {
		return k, err
	}
	if k.NotAudited, err = one(`SELECT count(*) FROM assets WHERE next_audit < ? AND status NOT IN ('on_order', 'retired', 'disposed')`, today); err != nil {
		return k, err
	}
	if k.PendingSyncEvents, err = db.PendingEvents(ctx); err != nil {
		return k, err
	}
	if k.BySite, err = db.counts(ctx, `WITH RECURSIVE up(id, root) AS (SELECT id, id FROM locations WHERE parent_id IS NULL
			UNION ALL SELECT l.id, up.root FROM locations l JOIN up ON l.parent_id = up.id)
		SELECT coalesce(r.code, '(none)'), sum(c.n) FROM (SELECT location_id, count(*) n FROM assets WHERE status <> 'disposed' GROUP BY location_id) c
		LEFT JOIN up ON up.id = c.location_id LEFT JOIN locations r ON r.id = up.root GROUP BY 1 ORDER BY 2 DESC, 1`); err != nil {
		return k, err
	}
	if k.ByCostCentre, err = db.counts(ctx, `SELECT CASE WHEN cost_centre = '' THEN '(none)' ELSE cost_centre END, count(*) FROM assets WHERE status <> 'disposed' GROUP BY cost_centre ORDER BY 2 DESC, 1 LIMIT 20`); err != nil {
		return k, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT l.code, substr(s.finished_at, 1, 10),
			(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND e.found = 1),
			(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id)
		FROM stocktakes s JOIN locations l ON l.id = s.location_id
		WHERE s.id = (SELECT max(s2.id) FROM stocktakes s2 WHERE s2.location_id = s.location_id AND s2.status = 'finished') ORDER BY l.code`)
	if err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	defer rows.Close()
	var found, expected int
	for rows.Next() {
		var a Accuracy
		if err := rows.Scan(&a.Location, &a.Date, &a.Found, &a.Expected); err != nil {
			return k, fmt.Errorf("kpis: %w", err)
		}
		if a.Expected > 0 {
			a.Accuracy = float64(a.Found) / float64(a.Expected)
		}
		found, expected = found+a.Found, expected+a.Expected
		k.AccuracyByLocation = append(k.AccuracyByLocation, a)
	}
	if err := rows.Err(); err != nil {
		return k, fmt.Errorf("kpis: %w", err)
	}
	k.StocktakeLocations = len(k.AccuracyByLocation)
	if expected > 0 {
		k.InventoryAccuracy = float64(found) / float64(expected)
	}
	return k, nil
}

func (db *DB) counts(ctx context.Context, q string, args ...any) ([]Count, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("kpis: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.Count); err != nil {
			return nil, fmt.Errorf("kpis: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Day parses a YYYY-MM-DD date as the start of that day, UTC.
func Day(s string) (time.Time, error) {
	d, err := ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(dateLayout, d)
}
