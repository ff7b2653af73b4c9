package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// SerialShare is a serial more than one asset has (compared upper-cased,
// as a scan is): one device received twice (on two desks while apart, or
// imported beside its receipt), or a placeholder written for many ("N/A").
// Receiving refuses a serial the desk already has; these come from
// imports, which warn of them, and from other desks, whose receipts a
// sync applies as they were made.
type SerialShare struct {
	Serial string        `json:"serial"`
	Assets []SharedAsset `json:"assets"`
}

// SharedAsset is one asset of a SerialShare, with its receipt: when, on
// which desk and site, by whom.
type SharedAsset struct {
	Tag        string `json:"tag"`
	Serial     string `json:"serial"` // as the asset has it
	Model      string `json:"model"`
	Status     Status `json:"status"`
	Location   string `json:"location"` // code
	ReceivedAt string `json:"received_at"`
	ReceivedBy string `json:"received_by"`
	Device     string `json:"device"`
	Site       string `json:"site"`
}

// SharedSerials lists the serials more than one asset has, by serial, each
// asset's receipt oldest first. One pass over the assets (their serials grouped in a
// sort), then each shared asset's receipt by the events' subject index.
func (db *DB) SharedSerials(ctx context.Context) ([]SerialShare, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT u, a.serial, a.tag, coalesce(m.name, ''), a.status, coalesce(l.code, ''), a.uid
		FROM (SELECT id, upper(serial) AS u, count(*) OVER (PARTITION BY upper(serial)) AS n FROM assets WHERE serial IS NOT NULL AND serial <> '') s
		JOIN assets a ON a.id = s.id LEFT JOIN models m ON m.id = a.model_id LEFT JOIN locations l ON l.id = a.location_id
		WHERE s.n > 1 ORDER BY u, a.id`)
	if err != nil {
		return nil, fmt.Errorf("shared serials: %w", err)
	}
	out := []SerialShare{} // (none is [] in JSON)
	var uids [][]string
	for rows.Next() {
		var u, uid string
		var a SharedAsset
		if err := rows.Scan(&u, &a.Serial, &a.Tag, &a.Model, &a.Status, &a.Location, &uid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("shared serials: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Serial != u {
			out, uids = append(out, SerialShare{Serial: u}), append(uids, nil)
		}
		out[len(out)-1].Assets = append(out[len(out)-1].Assets, a)
		uids[len(uids)-1] = append(uids[len(uids)-1], uid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("shared serials: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	sites, err := db.siteBook(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range out[i].Assets {
			a := &out[i].Assets[j]
			var seq int64
			err := db.r.QueryRowContext(ctx, `SELECT device_id, seq, operator, at FROM events WHERE subject = ? AND type = ? ORDER BY id LIMIT 1`, uids[i][j], EvAssetReceived).
				Scan(&a.Device, &seq, &a.ReceivedBy, &a.ReceivedAt)
			if err != nil {
				return nil, fmt.Errorf("shared serials: receipt of %s: %w", a.Tag, err)
			}
			a.Site = sites.site(a.Device, seq)
		}
		// Oldest receipt first, on every desk alike (ids are each desk's own).
		slices.SortStableFunc(out[i].Assets, func(x, y SharedAsset) int {
			return cmp.Or(strings.Compare(x.ReceivedAt, y.ReceivedAt), strings.Compare(x.Tag, y.Tag))
		})
	}
	return out, nil
}
