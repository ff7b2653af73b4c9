package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Stocktake events.
const (
	EvStocktakeStarted  EventType = "stocktake.started"
	EvStocktakeScanned  EventType = "stocktake.scanned"
	EvStocktakeFinished EventType = "stocktake.finished"
	EvAssetAudited      EventType = "asset.audited"
)

// Audit settings.
const (
	SettingAuditWarnDays = "audit_warning_days" // assets due for audit within this many days are listed
)

// Scan results in a stocktake.
const (
	ScanFound      = "found"      // expected here, first scan
	ScanUnexpected = "unexpected" // known, but recorded elsewhere
	ScanDuplicate  = "duplicate"  // already scanned in this stocktake
	ScanUnknown    = "unknown"    // no asset has this code
)

// StocktakeStartPayload fixes a stocktake's scope and expected set.
type StocktakeStartPayload struct {
	UID         string   `json:"uid"`
	LocationUID string   `json:"location"`
	Expected    []string `json:"expected"` // asset uids
}

// StocktakeScanPayload records one scan.
type StocktakeScanPayload struct {
	UID      string `json:"uid"`
	Code     string `json:"code"`
	AssetUID string `json:"asset,omitempty"`
	// With names the person the scanning desk had the asset checked out
	// to when it was scanned (payload version 8): an expected asset lent
	// since the count began went with them, so its scan is unexpected, not
	// found ("check it in if it is back"). Said by the desk, not read at
	// apply, so that every desk and a replay of old scans classify alike.
	With string `json:"with,omitempty" text:"copied"`
}

// StocktakeFinishPayload closes a stocktake.
type StocktakeFinishPayload struct {
	UID  string `json:"uid"`
	Date string `json:"date"`
	// Away are the expected assets not found that had left the count by its
	// finish (checked out to a person, moved out of the location, retired or
	// disposed while it was open): not missing, and given no audit.
	Away []string `json:"away,omitempty"`
	// WithParent are the expected assets not scanned that are installed in
	// an asset the count scanned (the disks in a server on the shelf):
	// found with it.
	WithParent []string `json:"with_parent,omitempty"`
}

// AuditPayload records an asset's audit result in a stocktake.
type AuditPayload struct {
	UID       string `json:"uid"`
	Tag       string `json:"tag"`
	Stocktake string `json:"stocktake"`
	Result    string `json:"result"` // found, missing, unexpected
	Date      string `json:"date"`
	NextAudit string `json:"next_audit,omitempty"`
}

// Stocktake is an audit session.
type Stocktake struct {
	ID           int64  `json:"-"`
	UID          string `json:"uid"`
	LocationCode string `json:"location"`
	LocationName string `json:"location_name"`
	Status       string `json:"status"`
	StartedAt    string `json:"started_at"`
	StartedBy    string `json:"started_by"`
	FinishedAt   string `json:"finished_at"`
	FinishedBy   string `json:"finished_by"`
	FinishedOn   string `json:"finished_on"` // the count's day: the finishing desk's, in its zone (its finish event and its audits say it), alike on every desk; "" while open
	Expected     int    `json:"expected"`
	Found        int    `json:"found"`
	Unexpected   int    `json:"unexpected"`
	Unknown      int    `json:"unknown"`
	Duplicates   int    `json:"duplicates"`
	Away         int    `json:"away"` // expected, not found, gone from the location by the finish, or its missing mark refused by the sync server (of an open count: in its report and list, not after each scan)
	// Missing is the number of expected assets the count has not found: of
	// an open count, those its finish would mark missing now (not those
	// installed in an asset it scanned, nor those that have left the
	// location since it began); of either, not one scanned as unexpected
	// (checked out since the count began: listed as unexpected instead).
	Missing int `json:"missing"`
	// Seen is the number of expected assets scanned as unexpected (lent
	// when scanned): listed as unexpected, neither found nor missing nor
	// away.
	Seen int `json:"seen"`
}

// StocktakeScan is one scan's classification.
type StocktakeScan struct {
	Code     string `json:"code"`
	Result   string `json:"result"`
	Tag      string `json:"tag,omitempty"`
	Name     string `json:"name,omitempty"`
	Location string `json:"recorded_location,omitempty"` // where an unexpected asset is recorded
	// Why an unexpected asset was not expected, when it is recorded inside
	// the counted location: it is with a person, retired, on order or
	// disposed, or it arrived after the count started. Empty when it is
	// recorded elsewhere (then it can be moved here). For an unknown code,
	// what it is when it is a badge or a location label.
	Why      string `json:"why,omitempty"`
	At       string `json:"at"`
	Operator string `json:"operator"`
}

func (w *wtx) applyStocktake(e Event) error {
	switch e.Type {
	case EvStocktakeStarted:
		p, err := decode[StocktakeStartPayload](e)
		if err != nil {
			return err
		}
		loc, err := w.idOf("locations", p.LocationUID)
		if err != nil {
			return err
		}
		if loc == nil {
			return invalid("a stocktake needs a location")
		}
		var open int
		if err := w.queryRow(`SELECT count(*) FROM stocktakes WHERE location_id = ? AND status = 'open'`, loc).Scan(&open); err != nil {
			return fmt.Errorf("check open stocktakes: %w", err)
		}
		if open > 0 {
			return conflict("a stocktake of this location is already open: scan into it or finish it")
		}
		res, err := w.exec(`INSERT INTO stocktakes(uid, location_id, status, started_at, started_by) VALUES (?, ?, 'open', ?, ?)`, p.UID, loc, timestamp(e.At), e.Operator)
		if err != nil {
			if isConstraint(err) {
				return conflict("stocktake %s already exists", p.UID)
			}
			return err
		}
		id, _ := res.LastInsertId()
		// Ids already looked up in this transaction (StartStocktake found
		// them) save a uid lookup per expected asset.
		ids := make([]int64, 0, len(p.Expected))
		for _, u := range p.Expected {
			id, ok := w.ids["assets\x00"+u]
			if !ok {
				ids = nil
				break
			}
			ids = append(ids, id)
		}
		var body []byte
		query := `INSERT INTO stocktake_expected(stocktake_id, asset_id) SELECT ?, a.id FROM json_each(?) j JOIN assets a ON a.uid = j.value`
		if ids != nil {
			body, err = json.Marshal(ids)
			query = `INSERT INTO stocktake_expected(stocktake_id, asset_id) SELECT ?, j.value FROM json_each(?) j`
		} else {
			body, err = json.Marshal(p.Expected)
		}
		if err != nil {
			return err
		}
		res, err = w.exec(query, id, string(body))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); int(n) != len(p.Expected) {
			return invalid("stocktake expects %d assets, %d of them unknown", len(p.Expected), len(p.Expected)-int(n))
		}
		return nil
	case EvStocktakeScanned:
		p, err := decode[StocktakeScanPayload](e)
		if err != nil {
			return err
		}
		st, err := w.stocktakeState(p.UID)
		if err != nil {
			return err
		}
		if st.status != "open" {
			return invalid("the stocktake of %s is finished; start a new one", st.locCode)
		}
		if p.Code == "" || len(p.Code) > MaxScanLen {
			return invalid("a stocktake scan needs a code")
		}
		result := ScanUnknown
		var asset any
		if p.AssetUID != "" {
			if asset, err = w.idOf("assets", p.AssetUID); err != nil {
				return err
			}
			var expected, found sql.NullInt64
			err := w.queryRow(`SELECT 1, found FROM stocktake_expected WHERE stocktake_id = ? AND asset_id = ?`, st.id, asset).Scan(&expected, &found)
			switch {
			case err == nil && found.Int64 == 1:
				result = ScanDuplicate
			case err == nil:
				// Expected, unless the desk had it checked out to someone
				// since the count began: it went with them (a scan of it
				// here says it is back, which a check-in records).
				if p.With != "" {
					result = ScanUnexpected
					var n int
					if err := w.queryRow(`SELECT count(*) FROM stocktake_scans WHERE stocktake_id = ? AND asset_id = ?`, st.id, asset).Scan(&n); err != nil {
						return fmt.Errorf("check scans: %w", err)
					}
					if n > 0 {
						result = ScanDuplicate
					}
					break
				}
				result = ScanFound
				if _, err := w.exec(`UPDATE stocktake_expected SET found = 1 WHERE stocktake_id = ? AND asset_id = ?`, st.id, asset); err != nil {
					return err
				}
			case errors.Is(err, sql.ErrNoRows):
				result = ScanUnexpected
				var n int
				if err := w.queryRow(`SELECT count(*) FROM stocktake_scans WHERE stocktake_id = ? AND asset_id = ?`, st.id, asset).Scan(&n); err != nil {
					return fmt.Errorf("check scans: %w", err)
				}
				if n > 0 {
					result = ScanDuplicate
				}
			default:
				return fmt.Errorf("classify scan: %w", err)
			}
		}
		_, err = w.exec(`INSERT INTO stocktake_scans(stocktake_id, code, asset_id, result, at, operator, device_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			st.id, p.Code, asset, result, timestamp(e.At), e.Operator, e.DeviceID)
		return err
	case EvStocktakeFinished:
		p, err := decode[StocktakeFinishPayload](e)
		if err != nil {
			return err
		}
		st, err := w.stocktakeState(p.UID)
		if err != nil {
			return err
		}
		if st.status != "open" {
			return invalid("the stocktake of %s is already finished", st.locCode)
		}
		for _, set := range []struct {
			uids  []string
			found int
		}{{p.Away, 2}, {p.WithParent, 1}} {
			for _, a := range set.uids {
				id, err := w.idOf("assets", a)
				if err != nil {
					return err
				}
				if _, err := w.exec(`UPDATE stocktake_expected SET found = ? WHERE stocktake_id = ? AND asset_id = ? AND found = 0`, set.found, st.id, id); err != nil {
					return err
				}
			}
		}
		// What the report lists, as it stands at the finish (its audits
		// applied before it): the report says it as then, not as now
		// (place, state, and who held it by the name they had then).
		if _, err := w.exec(`INSERT OR REPLACE INTO stocktake_seen(stocktake_id, asset_id, location_id, status, holder_kind, holder, holder_name)
			SELECT ?1, a.id, a.location_id, a.status, `+custodianCols+` FROM assets a`+custodianJoins+` WHERE a.id IN (
				SELECT asset_id FROM stocktake_expected WHERE stocktake_id = ?1
				UNION SELECT asset_id FROM stocktake_scans WHERE stocktake_id = ?1 AND asset_id IS NOT NULL)`, st.id); err != nil {
			return err
		}
		// The count's day, as the finishing desk said it (the day of its
		// audits): the same on every desk, whatever their zones.
		day := p.Date
		if validateDate("", day) != nil {
			day = ""
		}
		_, err = w.exec(`UPDATE stocktakes SET status = 'finished', finished_at = ?, finished_by = ?, finished_on = ? WHERE id = ?`, timestamp(e.At), e.Operator, day, st.id)
		return err
	case EvAssetAudited:
		p, err := decode[AuditPayload](e)
		if err != nil {
			return err
		}
		a, err := w.assetNamed(p.UID, p.Tag)
		if err != nil {
			return err
		}
		if err := validateDate("audit date", p.Date); err != nil {
			return err
		}
		switch p.Result {
		case "found", "unexpected":
			if err := validateDate("next audit", p.NextAudit); err != nil {
				return err
			}
			_, err = w.exec(`UPDATE assets SET last_audit = ?, next_audit = ?, status = CASE WHEN status = 'missing' THEN 'in_stock' ELSE status END, updated_at = ? WHERE id = ?`,
				p.Date, p.NextAudit, timestamp(e.At), a.id)
			return err
		case "missing":
			if _, err = w.exec(`UPDATE assets SET status = CASE WHEN status IN ('in_stock', 'in_repair') THEN 'missing' ELSE status END, updated_at = ? WHERE id = ?`, timestamp(e.At), a.id); err != nil {
				return err
			}
			// The count's mark stands (the sync server may refuse one: an
			// asset that left the count, or that a count found on another
			// desk): what its report and accuracy count missing.
			if p.Stocktake != "" {
				_, err = w.exec(`UPDATE stocktake_expected SET marked = 1 WHERE stocktake_id = (SELECT id FROM stocktakes WHERE uid = ?) AND asset_id = ?`, p.Stocktake, a.id)
			}
			return err
		}
		return invalid("unknown audit result %q", p.Result)
	}
	return invalid("unknown event type %q", e.Type)
}

// missingSinceScan says whether the asset is missing by a mark made after
// the count's last scan of it: its status set missing, or a check-in of it
// not returned (an offboarding's too). "After" is by the changes' times:
// a mark and a scan made on two desks apart are ordered as they happened
// (a desk's own order of events puts whatever it pulled later last; the
// desks' clocks are held near the server's, which refuses a desk far off).
// Times compared as instants (julianday), not as text.
func (w *wtx) missingSinceScan(stocktakeID int64, uid string) (bool, error) {
	var n int
	err := w.queryRow(`SELECT count(*) FROM assets a WHERE a.uid = ?1 AND a.status = 'missing'
		AND (SELECT max(julianday(e.at)) FROM events e WHERE e.subject = ?1
			AND (e.type = 'asset.status_changed' AND json_extract(e.payload, '$.to') = 'missing'
				OR e.type = 'asset.checked_in' AND json_extract(e.payload, '$.status') = 'missing'))
		> (SELECT max(julianday(c.at)) FROM stocktake_scans c WHERE c.stocktake_id = ?2 AND c.asset_id = a.id)`, uid, stocktakeID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("stocktake results: %w", err)
	}
	return n > 0, nil
}

type stocktakeState struct {
	id      int64
	status  string
	locID   int64
	locCode string
}

func (w *wtx) stocktakeState(uid string) (stocktakeState, error) {
	var s stocktakeState
	err := w.queryRow(`SELECT s.id, s.status, s.location_id, l.code FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.uid = ?`, uid).
		Scan(&s.id, &s.status, &s.locID, &s.locCode)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("no stocktake %s (a count whose start was refused by the sync server, or has not arrived yet)", uid)
	}
	if err != nil {
		return s, fmt.Errorf("read stocktake: %w", err)
	}
	return s, nil
}

// scopeSQL selects the ids of a location and every location under it.
const scopeSQL = `WITH RECURSIVE scope(id) AS (SELECT ? UNION ALL SELECT l.id FROM locations l JOIN scope ON l.parent_id = scope.id)`

// chainSQL walks up from each asset of starts(id, parent) installed in
// another (parent not null) through what it is installed in, at any depth
// (a disk in a caddy in a server): chain(start, cur) is start and each asset
// above it. One walk for the whole set; a walk per asset (a correlated
// recursive query) cost 70 µs an asset. (A query that asks for assets
// installed in another, custodian_asset_id IS NOT NULL, is pinned to the
// index it starts from: the planner would otherwise walk assets_parent,
// every asset installed anywhere, 25 ms on a million.)
const chainSQL = `chain(start, cur, depth) AS (SELECT id, parent, 0 FROM starts WHERE parent IS NOT NULL
	UNION ALL SELECT chain.start, p.custodian_asset_id, chain.depth + 1 FROM chain JOIN assets p ON p.id = chain.cur
	WHERE p.custodian_asset_id IS NOT NULL AND chain.depth < 64)`

// lentSQL selects the starts of chainSQL installed in an asset that is
// with a person, at any depth: they went with it (a dock in a lent laptop).
const lentSQL = `SELECT chain.start FROM chain CROSS JOIN assets p ON p.id = chain.cur WHERE p.custodian_person_id IS NOT NULL`

// stocktakeClassSQL classifies each asset a stocktake expected as its
// finish does: found (scanned); inside (installed, at any depth, in an
// asset the count scanned: found with it); seen (scanned, but as
// unexpected: checked out to someone since the count began, so listed as
// unexpected, not missing); away (left the count while it was open: with
// a person, or in an asset that is, moved out of the location, retired or
// disposed) or missing. Its parameters are the stocktake's location (?1)
// and its id (?2); it selects uid, tag, class and whether the asset is
// disposed.
const stocktakeClassSQL = `WITH RECURSIVE scope(id) AS (SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN scope ON l.parent_id = scope.id),
	starts(id, parent) AS (SELECT a.id, a.custodian_asset_id FROM stocktake_expected e CROSS JOIN assets a ON a.id = e.asset_id
		WHERE e.stocktake_id = ?2 AND e.found = 0 AND a.custodian_asset_id IS NOT NULL),
	` + chainSQL + `
	SELECT a.uid, a.tag, CASE WHEN e.found = 1 THEN 'found'
		WHEN a.status <> 'disposed' AND a.id IN (SELECT chain.start FROM chain CROSS JOIN stocktake_scans c ON c.stocktake_id = ?2 AND c.asset_id = chain.cur AND c.result <> 'unknown') THEN 'inside'
		WHEN EXISTS (SELECT 1 FROM stocktake_scans c WHERE c.stocktake_id = e.stocktake_id AND c.asset_id = a.id AND c.result = 'unexpected') THEN 'seen'
		WHEN a.custodian_person_id IS NOT NULL OR a.status IN ('retired', 'disposed') OR a.location_id IS NULL OR a.location_id NOT IN (SELECT id FROM scope)
			OR a.id IN (` + lentSQL + `) THEN 'away'
		ELSE 'missing' END AS class, a.status = 'disposed' AS disposed
	FROM stocktake_expected e JOIN assets a ON a.id = e.asset_id WHERE e.stocktake_id = ?2`

// openMissingSQL selects the assets an open stocktake's finish would mark
// missing now, as stocktakeClassSQL classes them 'missing', read the other
// way round: from the assets recorded under its location (the index
// assets_location alone) to its expected set, so that the figure a desk
// shows after each scan reads no table page per expected asset (a class
// per asset: 17 ms on 5,000, against 5). An expected asset not under the
// location, with a person, retired or disposed is away, not missing, and
// not among them. Parameters: the location (?1), the stocktake (?2).
const openMissingSQL = `WITH RECURSIVE scope(id) AS (SELECT ?1 UNION ALL SELECT l.id FROM locations l JOIN scope ON l.parent_id = scope.id),
	cand(id, uid, parent) AS (SELECT a.id, a.uid, a.custodian_asset_id FROM assets a INDEXED BY assets_location WHERE a.location_id IN (SELECT id FROM scope)
		AND a.status IN ('in_stock', 'in_repair', 'deployed', 'missing') AND a.custodian_person_id IS NULL
		AND EXISTS (SELECT 1 FROM stocktake_expected e WHERE e.stocktake_id = ?2 AND e.asset_id = a.id AND e.found = 0)),
	starts(id, parent) AS (SELECT id, parent FROM cand WHERE parent IS NOT NULL),
	` + chainSQL + `
	SELECT uid FROM cand WHERE (parent IS NULL OR (id NOT IN (` + lentSQL + `)
			AND id NOT IN (SELECT chain.start FROM chain CROSS JOIN stocktake_scans c ON c.stocktake_id = ?2 AND c.asset_id = chain.cur AND c.result <> 'unknown')))
		AND NOT EXISTS (SELECT 1 FROM stocktake_scans c WHERE c.stocktake_id = ?2 AND c.asset_id = cand.id AND c.result = 'unexpected')`

// openAwaySQL selects (as a condition on assets a) the expected assets of
// an open stocktake neither found, nor missing by its finish now, nor
// scanned as unexpected (listed there): those lent, moved or retired since
// it began, or installed in an asset it found. Parameters: the location
// (?1), the stocktake (?2).
const openAwaySQL = `a.id IN (SELECT e.asset_id FROM stocktake_expected e WHERE e.stocktake_id = ?2 AND e.found = 0
		AND NOT EXISTS (SELECT 1 FROM stocktake_scans c WHERE c.stocktake_id = ?2 AND c.asset_id = e.asset_id AND c.result = 'unexpected'))
	AND a.uid NOT IN (SELECT uid FROM (` + openMissingSQL + `))`

// StartStocktake opens a stocktake of a location (and everything under it),
// fixing the expected set: the assets recorded there that are not with a
// person and not on order, retired or disposed.
func (db *DB) StartStocktake(ctx context.Context, location string) (Stocktake, error) {
	var uid string
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		locUID, err := w.locationUID(location)
		if err != nil {
			return err
		}
		var locID int64
		var code string
		if err := w.queryRow(`SELECT id, code FROM locations WHERE uid = ?`, locUID).Scan(&locID, &code); err != nil {
			return fmt.Errorf("read location: %w", err)
		}
		if err := w.overlapsOpen(locID, code); err != nil {
			return err
		}
		// Assets installed in one with a person went with it: not expected.
		s, err := w.prepared(scopeSQL + `,
			starts(id, parent) AS (SELECT a.id, a.custodian_asset_id FROM assets a INDEXED BY assets_location WHERE a.location_id IN (SELECT id FROM scope)
				AND a.status IN ('in_stock', 'in_repair', 'deployed', 'missing') AND a.custodian_person_id IS NULL AND a.custodian_asset_id IS NOT NULL),
			` + chainSQL + `
			SELECT a.id, a.uid FROM assets a WHERE a.location_id IN (SELECT id FROM scope)
			AND a.status IN ('in_stock', 'in_repair', 'deployed', 'missing') AND a.custodian_person_id IS NULL
			AND (a.custodian_asset_id IS NULL OR a.id NOT IN (` + lentSQL + `)) ORDER BY a.id`)
		if err != nil {
			return err
		}
		rows, err := s.QueryContext(ctx, locID)
		if err != nil {
			return fmt.Errorf("expected set: %w", err)
		}
		p := StocktakeStartPayload{UID: db.newUID(), LocationUID: locUID, Expected: []string{}}
		if w.ids == nil {
			w.ids = map[string]int64{}
		}
		for rows.Next() {
			var id int64
			var a string
			if err := rows.Scan(&id, &a); err != nil {
				rows.Close()
				return fmt.Errorf("expected set: %w", err)
			}
			p.Expected = append(p.Expected, a)
			w.ids["assets\x00"+a] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("expected set: %w", err)
		}
		uid = p.UID
		return w.emit(EvStocktakeStarted, p.UID, p)
	})
	if err != nil {
		return Stocktake{}, err
	}
	return db.Stocktake(ctx, uid)
}

// overlapsOpen refuses a stocktake of a location (locID, code) that an
// open one covers or lies within: two counts of one shelf at once would
// each mark missing what the other found.
func (w *wtx) overlapsOpen(locID int64, code string) error {
	rows, err := w.tx.QueryContext(w.ctx, `SELECT s.location_id, l.code FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.status = 'open' ORDER BY s.id`)
	if err != nil {
		return fmt.Errorf("check open stocktakes: %w", err)
	}
	type place struct {
		id   int64
		code string
	}
	var open []place
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.id, &p.code); err != nil {
			rows.Close()
			return fmt.Errorf("check open stocktakes: %w", err)
		}
		open = append(open, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check open stocktakes: %w", err)
	}
	for _, p := range open {
		switch within, err := w.locationWithin(locID, p.id); {
		case err != nil:
			return err
		case p.id == locID:
			return conflict("a stocktake of %s is already open: scan into it or finish it", code)
		case within:
			return conflict("a stocktake of %s is open, and %s lies within it: scan %s into it, or finish it first", p.code, code, code)
		}
		if inside, err := w.locationWithin(p.id, locID); err != nil {
			return err
		} else if inside {
			return conflict("a stocktake of %s is open, and it lies within %s: finish it first (or scan into it)", p.code, code)
		}
	}
	return nil
}

const stocktakeSelect = `SELECT s.id, s.uid, l.code, l.name, s.status, s.started_at, s.started_by, s.finished_at, s.finished_by, s.finished_on,
	(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id),
	(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND e.found = 1),
	(SELECT count(*) FROM stocktake_scans c WHERE c.stocktake_id = s.id AND c.result = 'unexpected'
		AND NOT EXISTS (SELECT 1 FROM stocktake_expected x WHERE x.stocktake_id = s.id AND x.asset_id = c.asset_id AND x.found = 1)),
	(SELECT count(DISTINCT c.code) FROM stocktake_scans c WHERE c.stocktake_id = s.id AND c.result = 'unknown'),
	(SELECT count(*) FROM stocktake_scans c WHERE c.stocktake_id = s.id AND c.result = 'duplicate'),
	(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND (e.found = 2 OR s.status = 'finished' AND e.found = 0 AND e.marked = 0` + notSeenSQL + `)),
	(SELECT count(*) FROM stocktake_expected e WHERE e.stocktake_id = s.id AND e.found = 0 AND (e.marked = 1 OR s.status = 'open')` + notSeenSQL + `),
	(SELECT count(DISTINCT c.asset_id) FROM stocktake_scans c JOIN stocktake_expected x ON x.stocktake_id = s.id AND x.asset_id = c.asset_id AND x.found = 0
		WHERE c.stocktake_id = s.id AND c.result = 'unexpected'),
	s.location_id
	FROM stocktakes s JOIN locations l ON l.id = s.location_id`

// notSeenSQL leaves out an expected asset e of stocktake s scanned as
// unexpected (checked out to someone since the count began).
const notSeenSQL = ` AND NOT EXISTS (SELECT 1 FROM stocktake_scans c WHERE c.stocktake_id = e.stocktake_id AND c.asset_id = e.asset_id AND c.result = 'unexpected')`

// countedSQL is true for the expected assets e of a finished stocktake
// that its accuracy counts: found, or marked missing by its finish (the
// mark standing: not one away, nor one scanned as unexpected, lent since
// the count began, nor one whose mark the sync server refused).
const countedSQL = `(e.found = 1 OR e.found = 0 AND e.marked = 1)`

// finishedAwaySQL selects (as a condition on stocktake_expected e) the
// expected assets of a finished count listed as away: those that left it
// while it was open, and those its finish did not mark missing that were
// neither found nor seen (the sync server refused the mark).
const finishedAwaySQL = `(e.found = 2 OR e.found = 0 AND e.marked = 0` + notSeenSQL + `)`

// A stocktake as read, with its location's id: an open one's missing
// count is read by its class (stocktakeClassSQL).
type stocktakeRow struct {
	Stocktake
	locID int64
}

func scanStocktake(sc scanner) (stocktakeRow, error) {
	var r stocktakeRow
	s := &r.Stocktake
	err := sc.Scan(&s.ID, &s.UID, &s.LocationCode, &s.LocationName, &s.Status, &s.StartedAt, &s.StartedBy, &s.FinishedAt, &s.FinishedBy, &s.FinishedOn,
		&s.Expected, &s.Found, &s.Unexpected, &s.Unknown, &s.Duplicates, &s.Away, &s.Missing, &s.Seen, &r.locID)
	return r, err
}

// openMissing counts what an open stocktake's finish would mark missing now.
func (db *DB) openMissing(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, r *stocktakeRow) error {
	if r.Status != "open" {
		return nil
	}
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (`+openMissingSQL+`)`, r.locID, r.ID).Scan(&r.Missing)
	if err != nil {
		return fmt.Errorf("read stocktake: %w", err)
	}
	return nil
}

// Stocktake returns a stocktake by uid.
func (db *DB) Stocktake(ctx context.Context, uid string) (Stocktake, error) {
	r, err := db.stocktake(ctx, uid)
	return r.Stocktake, err
}

// stocktake reads a stocktake's row and its missing figure in one read
// transaction: figures read after a scan are all of before it or all of
// after it.
func (db *DB) stocktake(ctx context.Context, uid string) (stocktakeRow, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return stocktakeRow{}, fmt.Errorf("read stocktake: %w", err)
	}
	defer tx.Rollback()
	r, err := scanStocktake(tx.QueryRowContext(ctx, stocktakeSelect+` WHERE s.uid = ?`, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("no stocktake %s", uid)
	}
	if err != nil {
		return r, fmt.Errorf("read stocktake: %w", err)
	}
	return r, db.openMissing(ctx, tx, &r)
}

// Stocktakes lists stocktakes, newest first; open only if openOnly.
func (db *DB) Stocktakes(ctx context.Context, openOnly bool, limit int) ([]Stocktake, error) {
	q := stocktakeSelect
	if openOnly {
		q += ` WHERE s.status = 'open'`
	}
	q += ` ORDER BY s.started_at DESC, s.uid DESC` // newest first, the same on every desk
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := collect(ctx, db, "list stocktakes", scanStocktake, q)
	if err != nil {
		return nil, err
	}
	out := make([]Stocktake, len(rows))
	for i := range rows {
		if err := db.openMissing(ctx, db.r, &rows[i]); err != nil {
			return nil, err
		}
		if rows[i].Status == "open" {
			// (As the report lists them: not read after every scan.)
			if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM assets a WHERE `+openAwaySQL, rows[i].locID, rows[i].ID).Scan(&rows[i].Away); err != nil {
				return nil, fmt.Errorf("list stocktakes: %w", err)
			}
		}
		out[i] = rows[i].Stocktake
	}
	return out, nil
}

// CurrentStocktake finds the open stocktake to scan into: the one of the
// given location (code or name), or the only open one when location is "".
func (db *DB) CurrentStocktake(ctx context.Context, location string) (Stocktake, error) {
	open, err := db.Stocktakes(ctx, true, 0)
	if err != nil {
		return Stocktake{}, err
	}
	if location != "" {
		l, err := db.Location(ctx, location)
		if err != nil {
			return Stocktake{}, err
		}
		for _, s := range open {
			if s.LocationCode == l.Code {
				return s, nil
			}
		}
		return Stocktake{}, notFound("no open stocktake of %s: start one with 'tagdesk stocktake start %s'", l.Code, l.Code)
	}
	switch len(open) {
	case 0:
		return Stocktake{}, notFound("no open stocktake: start one with 'tagdesk stocktake start LOCATION'")
	case 1:
		return open[0], nil
	}
	return Stocktake{}, invalid("%d stocktakes are open: say which with --location", len(open))
}

// ScanIntoStocktake records one scan and returns how it was classified.
func (db *DB) ScanIntoStocktake(ctx context.Context, uid, scan string) (StocktakeScan, error) {
	code, err := CleanScan(scan)
	if err != nil {
		return StocktakeScan{}, err
	}
	// Resolve as every other scan is: tag, serial, then a URL ending in a tag.
	var found *Asset
	var not string   // what the code is, when not an asset
	var place string // the code of the place whose label it is
	if a, _, err := db.resolveAsset(ctx, code); err == nil {
		found = &a
	} else if ErrorCode(err) != ENOTFOUND {
		return StocktakeScan{}, err
	} else if res, err := db.Resolve(ctx, code); err == nil && res.Kind == ResolvedLocation {
		place = res.Location.Code
	} else if err == nil {
		not = whyNotAnAsset(res)
	}
	var out StocktakeScan
	_, err = db.write(ctx, func(w *wtx) error {
		st, err := w.stocktakeState(uid)
		if err != nil {
			return err
		}
		if st.status != "open" {
			return invalid("the stocktake of %s is finished; start a new one", st.locCode)
		}
		if place != "" {
			return w.placeLabel(st, code, place)
		}
		p := StocktakeScanPayload{UID: uid, Code: code}
		if found != nil {
			p.AssetUID = found.UID
			if found.Status == StatusDeployed && found.CustodianKind == CustodianPerson {
				p.With = found.CustodianName
			}
		}
		if err := w.emit(EvStocktakeScanned, uid, p); err != nil {
			return err
		}
		out = StocktakeScan{Code: code, At: timestamp(w.at), Operator: w.operator}
		if found != nil {
			out.Tag, out.Name, out.Location = found.Tag, found.Name, found.LocationCode
		}
		if err := w.queryRow(`SELECT result FROM stocktake_scans WHERE stocktake_id = ? ORDER BY id DESC LIMIT 1`, st.id).Scan(&out.Result); err != nil {
			return err
		}
		switch out.Result {
		case ScanUnexpected:
			out.Why, err = w.unexpectedWhy(st, found)
		case ScanUnknown:
			out.Why = not
		}
		return err
	})
	return out, err
}

// redoScan redoes a refused stocktake scan (its count's start refused,
// another desk's count of the place being open; or its count finished on
// another desk before the scan arrived) as a scan of the same code into
// the count of the same place that is open now and was already open when
// the scan was made: the shelf was counted then, and its scans are not
// lost. A count begun after the scan, or none open, is not given it: count
// again. The asset is classed as it is now (lent since: unexpected).
func (w *wtx) redoScan(e Event) error {
	p, err := decode[StocktakeScanPayload](e)
	if err != nil {
		return err
	}
	// The count's place: from the register, else from its start (refused,
	// in the log).
	var loc string
	err = w.queryRow(`SELECT l.uid FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.uid = ?1
		UNION ALL SELECT json_extract(payload, '$.location') FROM events WHERE subject = ?1 AND type = ?2 LIMIT 1`, p.UID, string(EvStocktakeStarted)).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("the count of this scan is not in the log: count again")
	}
	if err != nil {
		return fmt.Errorf("read stocktake: %w", err)
	}
	locID, err := w.idOf("locations", loc)
	if err != nil {
		return err
	}
	var uid, code string
	err = w.queryRow(`SELECT s.uid, l.code FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.location_id = ? AND s.status = 'open'
		AND julianday(s.started_at) <= julianday(?) ORDER BY s.started_at, s.uid LIMIT 1`, locID, timestamp(e.At)).Scan(&uid, &code)
	if errors.Is(err, sql.ErrNoRows) {
		// (Say which: a count of the place open now that began after the
		// scan, two desks having started apart, or none.)
		var later string
		if err := w.queryRow(`SELECT l.code FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.location_id = ? AND s.status = 'open' LIMIT 1`, locID).Scan(&later); err == nil {
			return invalid("the count of %s open now began after this scan was made (on another desk): scan %s again into that count", later, clip(p.Code))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read stocktake: %w", err)
		}
		return invalid("no count of its place is open now (finished on another desk): count again")
	}
	if err != nil {
		return fmt.Errorf("read stocktake: %w", err)
	}
	if p.AssetUID == "" {
		// A place's label an older desk kept as an unknown code: refused
		// as a scan of it here is (placeLabel), the redo being this
		// desk's change.
		var placeCode string
		err := w.queryRow(`SELECT code FROM locations WHERE code = ?`, NormalizeTag(p.Code)).Scan(&placeCode)
		if err == nil {
			st, err := w.stocktakeState(uid)
			if err != nil {
				return err
			}
			return w.placeLabel(st, p.Code, placeCode)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read location: %w", err)
		}
	}
	np := StocktakeScanPayload{UID: uid, Code: p.Code, AssetUID: p.AssetUID}
	if p.AssetUID != "" {
		var lent sql.NullString
		err := w.queryRow(`SELECT CASE WHEN a.status = 'deployed' THEN p.name END FROM assets a LEFT JOIN people p ON p.id = a.custodian_person_id WHERE a.uid = ?`, p.AssetUID).Scan(&lent)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("the asset it scanned (%s) is not in the register: its receipt was refused too", p.Code)
		}
		if err != nil {
			return fmt.Errorf("read asset: %w", err)
		}
		np.With = lent.String
	}
	return w.emit(EvStocktakeScanned, uid, np)
}

// notAnAsset says what a code no asset has is, if a person's badge or a
// location's label ("" if neither): scanned by mistake in a count.
func (db *DB) notAnAsset(ctx context.Context, code string) string {
	res, err := db.Resolve(ctx, code)
	if err != nil {
		return ""
	}
	return whyNotAnAsset(res)
}

// whyNotAnAsset is notAnAsset of a code resolved as res.
func whyNotAnAsset(res Resolution) string {
	switch res.Kind {
	case ResolvedPerson:
		return "is the badge of " + res.Person.Name + ", not an asset"
	case ResolvedLocation:
		return "is the label of location " + res.Location.Code + ", not an asset"
	}
	return ""
}

// placeLabel refuses a scan of the label of the place code into a count
// (scanned to say which shelf this is, or the next shelf's by mistake): it
// is no asset, and was kept in the report as an unknown code. The count's
// own place, a place within it, and any other are each said (after the
// code scanned, which the desk and the CLI put before the message).
func (w *wtx) placeLabel(st stocktakeState, scanned, placeCode string) error {
	var id int64
	if err := w.queryRow(`SELECT id FROM locations WHERE code = ?`, placeCode).Scan(&id); err != nil {
		return fmt.Errorf("read location: %w", err)
	}
	within, err := w.locationWithin(id, st.locID)
	switch {
	case err != nil:
		return err
	case id == st.locID:
		return invalid("the label of the place being counted: nothing recorded")
	}
	named := "" // (the place's code, when the scan gave its name)
	if NormalizeTag(scanned) != placeCode {
		named = " (" + placeCode + ")"
	}
	if within {
		return invalid("a place within %s%s: its assets count here, nothing recorded", st.locCode, named)
	}
	return invalid("another place's label%s: finish this count to count it", named)
}

// unexpectedWhy says why an asset recorded inside the stocktake's location
// was not in its expected set; "" when it is recorded elsewhere.
func (w *wtx) unexpectedWhy(st stocktakeState, a *Asset) (string, error) {
	var here int
	err := w.queryRow(scopeSQL+` SELECT count(*) FROM assets a WHERE a.uid = ? AND a.location_id IN (SELECT id FROM scope)`, st.locID, a.UID).Scan(&here)
	if err != nil {
		return "", fmt.Errorf("check location: %w", err)
	}
	within := false // this stocktake's place is within the place it is checked out to
	if a.Status == StatusDeployed && a.CustodianKind == CustodianLocation {
		var holder int64
		if err := w.queryRow(`SELECT custodian_location_id FROM assets WHERE uid = ?`, a.UID).Scan(&holder); err != nil {
			return "", fmt.Errorf("check location: %w", err)
		}
		if within, err = w.locationWithin(st.locID, holder); err != nil {
			return "", err
		}
	}
	switch {
	case a.Status == StatusDisposed: // wherever it is recorded: it cannot be moved
		return "is disposed, so it was not expected here", nil
	case a.Status == StatusDeployed && a.CustodianKind == CustodianPerson:
		// Wherever it is recorded: moving it would leave it checked out.
		return "is checked out to " + a.CustodianName + ": check it in if it is back", nil
	case a.Status == StatusDeployed && a.CustodianKind == CustodianAsset:
		// It moves with what it is installed in, not alone (moveWith).
		return "is installed in " + a.Custodian + ": check it in if it is here on its own", nil
	case a.Status == StatusOnOrder:
		// Wherever it is recorded: it has come, and moving it would leave
		// it on order (and the count would audit an asset never received).
		return "is on order, not received: receive it if it has come", nil
	case a.Status == StatusDeployed && a.CustodianKind == CustodianLocation && !within:
		// It moves within the place it is checked out to, not out of it.
		return "is checked out to " + a.CustodianName + " (" + a.Custodian + "): check it in if it is back", nil
	case here == 0:
		return "", nil
	case a.Status == StatusRetired, a.Status == StatusDisposed:
		return "is " + a.Status.Label() + ", so it was not expected here", nil
	default:
		return "was recorded here after the count started, so it was not expected", nil
	}
}

// MaxAuditMonths is the longest audit interval a desk takes (ten years).
const MaxAuditMonths = 120

// auditMonths is the desk's audit interval (audit_interval_months, 12 if
// not set, at most MaxAuditMonths): an audit's next is due that many
// months after it.
func (w *wtx) auditMonths() (int, error) {
	v, err := w.setting(SettingAuditMonths)
	if err != nil {
		return 0, err
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return min(n, MaxAuditMonths), nil
	}
	return DefaultAuditMonths, nil
}

// FinishStocktake closes a stocktake: every expected asset not found is
// marked missing, every asset found gets its audit date and next audit date,
// each as an asset.audited event in the asset's history.
func (db *DB) FinishStocktake(ctx context.Context, uid string) (Stocktake, error) {
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		st, err := w.stocktakeState(uid)
		if err != nil {
			return err
		}
		if st.status != "open" {
			return invalid("the stocktake of %s is already finished", st.locCode)
		}
		months, err := w.auditMonths()
		if err != nil {
			return err
		}
		// The desk's day: a count finished at 20:30 in New York is on the
		// day the people counting would write down.
		local := w.at.Local()
		date := local.Format(dateLayout)
		next := local.AddDate(0, months, 0).Format(dateLayout)
		type res struct{ uid, tag, result string }
		var results []res
		// An expected asset not found is missing only if it is still
		// recorded on these shelves: one checked out to a person, moved
		// elsewhere, retired or disposed while the count was open left it.
		// A disposed asset gets no audit (a disposal is final): scanned on
		// a shelf, or disposed while the count was open, it stays in the
		// report, and the stocktake still finishes.
		// An expected asset scanned as unexpected (seen) gets the audit of
		// an unexpected scan, from the second part. One on order gets none:
		// scanned, it has come, to be received, not audited.
		s, err := w.prepared(stocktakeClassSQL + `
			UNION ALL SELECT DISTINCT a.uid, a.tag, 'unexpected', 0 FROM stocktake_scans c JOIN assets a ON a.id = c.asset_id WHERE c.stocktake_id = ? AND c.result = 'unexpected' AND a.status NOT IN ('disposed', 'on_order')
				AND NOT EXISTS (SELECT 1 FROM stocktake_expected x WHERE x.stocktake_id = c.stocktake_id AND x.asset_id = c.asset_id AND x.found = 1)`)
		if err != nil {
			return err
		}
		rows, err := s.QueryContext(ctx, st.locID, st.id, st.id)
		if err != nil {
			return fmt.Errorf("stocktake results: %w", err)
		}
		finish := StocktakeFinishPayload{UID: uid, Date: date}
		for rows.Next() {
			var r res
			var disposed bool
			if err := rows.Scan(&r.uid, &r.tag, &r.result, &disposed); err != nil {
				rows.Close()
				return fmt.Errorf("stocktake results: %w", err)
			}
			switch {
			case r.result == "seen":
			case r.result == "away":
				finish.Away = append(finish.Away, r.uid)
			case r.result == "inside":
				finish.WithParent = append(finish.WithParent, r.uid)
				r.result = "found"
				results = append(results, r)
			case !disposed:
				results = append(results, r)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stocktake results: %w", err)
		}
		for _, r := range results {
			if r.result != "missing" {
				// Marked missing after this count last scanned it (taken
				// from the shelf since): the audit would put it back in
				// stock, undoing that. It stays missing, unaudited; the
				// report lists it found, missing as at the finish.
				later, err := w.missingSinceScan(st.id, r.uid)
				if err != nil {
					return err
				}
				if later {
					continue
				}
			}
			p := AuditPayload{UID: r.uid, Tag: r.tag, Stocktake: uid, Result: r.result, Date: date}
			if r.result != "missing" {
				p.NextAudit = next
			}
			if err := w.emit(EvAssetAudited, r.uid, p); err != nil {
				return err
			}
		}
		return w.emit(EvStocktakeFinished, uid, finish)
	})
	if err != nil {
		return Stocktake{}, err
	}
	return db.Stocktake(ctx, uid)
}

// StocktakeReport is a stocktake's full result.
type StocktakeReport struct {
	Stocktake  Stocktake         `json:"stocktake"`
	Found      []Asset           `json:"found"`
	Missing    []Asset           `json:"missing"`
	Unexpected []Asset           `json:"unexpected"`
	Away       []Asset           `json:"away"` // expected, not found, gone from the location by the finish (or its missing mark refused by the sync server)
	Unknown    []string          `json:"unknown"`
	UnknownWhy map[string]string `json:"unknown_why,omitempty"` // what an unknown code is (a badge, a place's label), if anything
	Scans      []StocktakeScan   `json:"scans"`
}

// asAtFinish sets the recorded place, status and holder of the assets a
// finished count's report lists to what they were at its finish
// (stocktake_seen): an asset moved, disposed or lent since, or whose
// holder was renamed since, is reported as the count left it. Counts
// finished before the table have no rows, and before its holder columns
// no holder: left as they are now.
func (db *DB) asAtFinish(ctx context.Context, stocktakeID int64, r *StocktakeReport) error {
	rows, err := db.r.QueryContext(ctx, `SELECT a.uid, coalesce(l.code, ''), coalesce(l.name, ''), v.status, v.holder_kind, v.holder, v.holder_name FROM stocktake_seen v
		JOIN assets a ON a.id = v.asset_id LEFT JOIN locations l ON l.id = v.location_id WHERE v.stocktake_id = ?`, stocktakeID)
	if err != nil {
		return fmt.Errorf("stocktake report: %w", err)
	}
	defer rows.Close()
	type seen struct {
		code, name string
		status     Status
		// holder, if recorded (counts finished since migration 0018)
		holderKind, holder, holderName sql.NullString
	}
	then := map[string]seen{}
	for rows.Next() {
		var uid, status string
		var v seen
		if err := rows.Scan(&uid, &v.code, &v.name, &status, &v.holderKind, &v.holder, &v.holderName); err != nil {
			return fmt.Errorf("stocktake report: %w", err)
		}
		v.status = Status(status)
		then[uid] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("stocktake report: %w", err)
	}
	for _, list := range [][]Asset{r.Found, r.Missing, r.Unexpected, r.Away} {
		for i := range list {
			if v, ok := then[list[i].UID]; ok {
				a := &list[i]
				a.LocationCode, a.LocationName, a.Status = v.code, v.name, v.status
				if v.holderKind.Valid {
					a.CustodianKind, a.Custodian, a.CustodianName = CustodianKind(v.holderKind.String), v.holder.String, v.holderName.String
				}
			}
		}
	}
	return nil
}

// StocktakeReport returns what was found, missing, unexpected, unknown and
// away (left the location while the count was open); of a finished count,
// where each was recorded and its state at the finish (asAtFinish).
func (db *DB) StocktakeReport(ctx context.Context, uid string) (StocktakeReport, error) {
	var r StocktakeReport
	row, err := db.stocktake(ctx, uid)
	if err != nil {
		return r, err
	}
	st := row.Stocktake
	r.Stocktake = st
	collect := func(cond string, into *[]Asset, args ...any) error {
		if args == nil {
			args = []any{st.ID}
		}
		rows, err := db.r.QueryContext(ctx, assetSelect+` WHERE `+cond+` ORDER BY a.tag`, args...)
		if err != nil {
			return fmt.Errorf("stocktake report: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAsset(rows)
			if err != nil {
				return fmt.Errorf("stocktake report: %w", err)
			}
			*into = append(*into, a)
		}
		return rows.Err()
	}
	if err := collect(`a.id IN (SELECT asset_id FROM stocktake_expected WHERE stocktake_id = ? AND found = 1)`, &r.Found); err != nil {
		return r, err
	}
	if st.Status == "open" {
		// What the finish would mark missing now, and the rest of what
		// was expected and not found (lent or moved since the count
		// began, or inside an asset found): listed, so that the figures
		// add up.
		if err := collect(`a.uid IN (SELECT uid FROM (`+openMissingSQL+`))`, &r.Missing, row.locID, st.ID); err != nil {
			return r, err
		}
		if err := collect(openAwaySQL, &r.Away, row.locID, st.ID); err != nil {
			return r, err
		}
		r.Stocktake.Away = len(r.Away)
	} else if err := collect(`a.id IN (SELECT asset_id FROM stocktake_expected e WHERE stocktake_id = ? AND found = 0 AND marked = 1)`, &r.Missing); err != nil {
		return r, err
	} else if err := collect(`a.id IN (SELECT asset_id FROM stocktake_expected e WHERE stocktake_id = ? AND `+finishedAwaySQL+`)`, &r.Away); err != nil {
		return r, err
	}
	// (One scanned while lent, then checked in and scanned again, was found.)
	if err := collect(`a.id IN (SELECT asset_id FROM stocktake_scans c WHERE stocktake_id = ?1 AND result = 'unexpected'
		AND NOT EXISTS (SELECT 1 FROM stocktake_expected x WHERE x.stocktake_id = ?1 AND x.asset_id = c.asset_id AND x.found = 1))`, &r.Unexpected); err != nil {
		return r, err
	}
	if st.Status != "open" {
		if err := db.asAtFinish(ctx, st.ID, &r); err != nil {
			return r, err
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT c.code, c.result, coalesce(a.tag, ''), coalesce(a.name, ''), coalesce(l.code, ''), c.at, c.operator
		FROM stocktake_scans c LEFT JOIN assets a ON a.id = c.asset_id
		LEFT JOIN stocktake_seen v ON v.stocktake_id = c.stocktake_id AND v.asset_id = c.asset_id
		LEFT JOIN locations l ON l.id = CASE WHEN v.asset_id IS NOT NULL THEN v.location_id ELSE a.location_id END WHERE c.stocktake_id = ? ORDER BY c.id`, st.ID)
	if err != nil {
		return r, fmt.Errorf("stocktake report: %w", err)
	}
	defer rows.Close()
	seenUnknown := map[string]bool{}
	for rows.Next() {
		var s StocktakeScan
		if err := rows.Scan(&s.Code, &s.Result, &s.Tag, &s.Name, &s.Location, &s.At, &s.Operator); err != nil {
			return r, fmt.Errorf("stocktake report: %w", err)
		}
		r.Scans = append(r.Scans, s)
		if s.Result == ScanUnknown && !seenUnknown[s.Code] {
			seenUnknown[s.Code] = true
			r.Unknown = append(r.Unknown, s.Code)
		}
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("stocktake report: %w", err)
	}
	rows.Close()
	// A badge or a place's label scanned by mistake, said as such: not an
	// unlabelled item for an auditor to look for.
	for _, code := range r.Unknown {
		if why := db.notAnAsset(ctx, code); why != "" {
			if r.UnknownWhy == nil {
				r.UnknownWhy = map[string]string{}
			}
			r.UnknownWhy[code] = why
		}
	}
	// Empty lists are [] in JSON, not null: scripts read every report alike.
	for _, l := range []*[]Asset{&r.Found, &r.Missing, &r.Unexpected, &r.Away} {
		if *l == nil {
			*l = []Asset{}
		}
	}
	if r.Unknown == nil {
		r.Unknown = []string{}
	}
	if r.Scans == nil {
		r.Scans = []StocktakeScan{}
	}
	return r, nil
}

// AuditDue lists assets whose next audit is before the given day (overdue
// when before today), soonest first, at most limit.
func (db *DB) AuditDue(ctx context.Context, before time.Time, limit int) ([]Asset, error) {
	as, err := db.assetList(ctx, assetSelect+` WHERE a.next_audit <> '' AND a.next_audit < ? AND a.status NOT IN ('retired', 'disposed') ORDER BY a.next_audit, a.id LIMIT ?`,
		before.Format(dateLayout), limit)
	if err != nil {
		return nil, fmt.Errorf("audits due: %w", err)
	}
	return as, nil
}
