package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Holdings lists what a person (by uid) holds, oldest check-out first.
func (db *DB) Holdings(ctx context.Context, personUID string) ([]Asset, error) {
	rows, err := db.r.QueryContext(ctx, assetSelect+` WHERE a.custodian_person_id = (SELECT id FROM people WHERE uid = ?) ORDER BY a.checked_out_at, a.id`, personUID)
	if err != nil {
		return nil, fmt.Errorf("holdings: %w", err)
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("holdings: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// InstalledIn returns what is installed in the assets with the given tags,
// at any depth (a dock in a laptop, a disk in the dock), parents first: it
// goes with them, and a receipt for them lists it.
func (db *DB) InstalledIn(ctx context.Context, tags []string) ([]Asset, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `WITH RECURSIVE inside(id, depth) AS (
			SELECT c.id, 1 FROM assets c JOIN assets p ON p.id = c.custodian_asset_id JOIN json_each(?) t ON t.value = p.tag
			UNION SELECT c.id, inside.depth + 1 FROM assets c JOIN inside ON c.custodian_asset_id = inside.id WHERE inside.depth < 100)
		`+assetSelect+` JOIN inside i ON i.id = a.id ORDER BY i.depth, a.tag`, string(body))
	if err != nil {
		return nil, fmt.Errorf("installed assets: %w", err)
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("installed assets: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// offboard checks in everything the person with uid holds and offboards
// them; it returns the tags it checked in.
func (w *wtx) offboard(uid, name string, opt CheckInOptions) ([]string, error) {
	var active bool
	err := w.queryRow(`SELECT active FROM people WHERE uid = ?`, uid).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("no person %s", name)
	}
	if err != nil {
		return nil, fmt.Errorf("read person: %w", err)
	}
	if !active {
		return nil, invalid("%s is already offboarded", name)
	}
	tags, err := w.texts("holdings", `SELECT tag FROM assets WHERE custodian_person_id = (SELECT id FROM people WHERE uid = ?) ORDER BY checked_out_at, id`, uid)
	if err != nil {
		return nil, err
	}
	if opt.Expect != nil && !sameTags(tags, opt.Expect) {
		return nil, conflict("what %s holds changed since you were asked (now %d item(s): checked out or in meanwhile): nothing was done; ask again", name, len(tags))
	}
	opt.reason = "offboarding " + name
	for _, t := range tags {
		if err := w.checkIn(t, opt); err != nil {
			return nil, Errorf(ErrorCode(err), "check in %s: %s", t, ErrorMessage(err))
		}
	}
	return tags, w.emit(EvPersonOffboarded, uid, SubjectPayload{UID: uid, Name: name})
}

// sameTags reports whether a and b hold the same tags, in any order.
func sameTags(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[string]int, len(a))
	for _, t := range a {
		seen[t]++
	}
	for _, t := range b {
		if seen[t] == 0 {
			return false
		}
		seen[t]--
	}
	return true
}

// Reactivate undoes an offboarding (the wrong person, or someone back at
// work): they can hold assets again. What the offboarding checked in stays
// checked in; history keeps both.
func (db *DB) Reactivate(ctx context.Context, who string) (Person, error) {
	p, err := db.Person(ctx, who)
	if err != nil {
		return Person{}, err
	}
	_, err = db.write(ctx, func(w *wtx) error {
		var active bool
		if err := w.queryRow(`SELECT active FROM people WHERE uid = ?`, p.UID).Scan(&active); err != nil {
			return fmt.Errorf("read person: %w", err)
		}
		if active {
			return invalid("%s is not offboarded: nothing to undo", p.Name)
		}
		return w.emit(EvPersonReactivated, p.UID, SubjectPayload{UID: p.UID, Name: p.Name})
	})
	if err != nil {
		return Person{}, err
	}
	return db.personWhere(ctx, `p.uid = ?`, p.UID)
}

// OffboardResult is what offboarding did.
type OffboardResult struct {
	Person   Person  `json:"person"`
	Returned []Asset `json:"returned"`
}

// Offboard takes back everything a person holds (each asset checked in with
// the given condition, to location or its home) and marks them offboarded,
// all in one transaction.
func (db *DB) Offboard(ctx context.Context, who string, opt CheckInOptions) (OffboardResult, error) {
	var res OffboardResult
	p, err := db.Person(ctx, who)
	if err != nil {
		return res, err
	}
	if !p.Active {
		return res, invalid("%s is already offboarded", p.Name)
	}
	if _, err := ConditionStatus(opt.Condition); err != nil {
		return res, err
	}
	_, err = db.write(ctx, func(w *wtx) error {
		tags, err := w.offboard(p.UID, p.Name, opt)
		if err != nil {
			return err
		}
		res.Returned, err = w.assetsIn(tags)
		return err
	})
	if err != nil {
		return res, err
	}
	res.Person, err = db.personWhere(ctx, `p.uid = ?`, p.UID)
	return res, err
}
