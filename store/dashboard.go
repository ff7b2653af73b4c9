package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Attention is what the home screen flags: overdue returns and warranties
// ending soon, each as a count plus the first few assets.
type Attention struct {
	Overdue        int     `json:"overdue"`
	OverdueFirst   []Asset `json:"overdue_first"`
	Warranty       int     `json:"warranty_ending"`
	WarrantyFirst  []Asset `json:"warranty_first"`
	WarrantyWithin int     `json:"warranty_within_days"`
}

// Attention counts deployed assets whose due date is before today and assets
// whose warranty ends between today and today+withinDays, and returns up to
// first of each, soonest first. Both queries use partial indexes, so the cost
// grows with the number flagged, not with the register.
func (db *DB) Attention(ctx context.Context, today time.Time, withinDays, first int) (Attention, error) {
	day := today.Format(dateLayout)
	until := today.AddDate(0, 0, withinDays).Format(dateLayout)
	out := Attention{WarrantyWithin: withinDays}
	const overdue = `a.status = 'deployed' AND a.due_date <> '' AND a.due_date < ?`
	const warranty = `a.warranty_end <> '' AND a.warranty_end >= ? AND a.warranty_end <= ? AND a.status NOT IN ('retired', 'disposed')`
	// The partial index assets_due holds exactly the deployed assets with a
	// due date; without the hint the planner walks every deployed asset.
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM assets a INDEXED BY assets_due WHERE `+overdue, day).Scan(&out.Overdue); err != nil {
		return out, fmt.Errorf("count overdue: %w", err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM assets a WHERE `+warranty, day, until).Scan(&out.Warranty); err != nil {
		return out, fmt.Errorf("count warranties: %w", err)
	}
	if first <= 0 {
		return out, nil
	}
	var err error
	if out.Overdue > 0 {
		if out.OverdueFirst, err = db.assetList(ctx, strings.Replace(assetSelect, "FROM assets a", "FROM assets a INDEXED BY assets_due", 1)+` WHERE `+overdue+` ORDER BY a.due_date, a.id LIMIT ?`, day, first); err != nil {
			return out, fmt.Errorf("list overdue: %w", err)
		}
	}
	if out.Warranty > 0 {
		if out.WarrantyFirst, err = db.assetList(ctx, assetSelect+` WHERE `+warranty+` ORDER BY a.warranty_end, a.id LIMIT ?`, day, until, first); err != nil {
			return out, fmt.Errorf("list warranties: %w", err)
		}
	}
	return out, nil
}

func (db *DB) assetList(ctx context.Context, q string, args ...any) ([]Asset, error) {
	return collect(ctx, db, "list assets", scanAsset, q, args...)
}

// LocationPicks lists every location by code without counting its assets
// (Locations counts them, which reads the whole register): what a picker
// needs, cheap at any register size. Assets is left zero.
func (db *DB) LocationPicks(ctx context.Context) ([]Location, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT l.id, l.uid, l.code, l.name, coalesce(p.code, '')
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id ORDER BY l.code`)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	defer rows.Close()
	var out []Location
	for rows.Next() {
		var l Location
		if err := rows.Scan(&l.ID, &l.UID, &l.Code, &l.Name, &l.ParentCode); err != nil {
			return nil, fmt.Errorf("list locations: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
