package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Event payloads. Each carries everything needed to apply it to the state
// tables, so that state can be rebuilt from the log alone.

// NamedPayload creates a manufacturer, category or supplier.
type NamedPayload struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

// ModelPayload creates a model.
type ModelPayload struct {
	UID             string `json:"uid"`
	Name            string `json:"name"`
	ModelNumber     string `json:"model_number,omitempty"`
	ManufacturerUID string `json:"manufacturer,omitempty"`
	CategoryUID     string `json:"category,omitempty"`
}

// LocationPayload creates a location.
type LocationPayload struct {
	UID       string `json:"uid"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	ParentUID string `json:"parent,omitempty"`
}

// PersonPayload creates a person.
type PersonPayload struct {
	UID         string `json:"uid"`
	Name        string `json:"name"`
	Badge       string `json:"badge,omitempty"`
	EmployeeNo  string `json:"employee_number,omitempty"`
	Username    string `json:"username,omitempty"`
	Email       string `json:"email,omitempty"`
	Department  string `json:"department,omitempty"`
	CostCentre  string `json:"cost_centre,omitempty"`
	LocationUID string `json:"location,omitempty"`
}

// Change is one field's old and new value.
type Change struct {
	Old string `json:"old" text:"copied"` // what is there: not judged by the text rules
	New string `json:"new"`
	// OldLabel and NewLabel name the entries a reference field (model,
	// supplier, home location, a person's location) points to, as people
	// read them then (as stored), for history: its values are uids. Empty
	// for other fields, and in events before them.
	OldLabel string `json:"old_label,omitempty" text:"copied"`
	NewLabel string `json:"new_label,omitempty" text:"copied"`
}

// labelled is c with its entries' labels, for a field whose values are
// other entries' uids (model, supplier, home_location, a person's
// location: refLabel's columns).
func (w *wtx) labelled(field string, c Change) (Change, error) {
	label, ok := refLabel(field)
	if !ok {
		return c, nil
	}
	for _, v := range []struct{ uid, dst *string }{{&c.Old, &c.OldLabel}, {&c.New, &c.NewLabel}} {
		if *v.uid == "" {
			continue
		}
		if err := w.queryRow(label, *v.uid).Scan(v.dst); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return c, fmt.Errorf("read %s: %w", strings.ReplaceAll(field, "_", " "), err)
		}
	}
	return c, nil
}

// UpdatePayload changes descriptive fields of a person or an asset. Both the
// old and the new value are kept, so history shows what was overwritten.
type UpdatePayload struct {
	UID     string            `json:"uid"`
	Tag     string            `json:"tag,omitempty"` // an asset's tag; a location's code
	Changes map[string]Change `json:"changes"`
}

// SubjectPayload names the subject of an event that needs nothing else.
type SubjectPayload struct {
	UID string `json:"uid"`
	// Name is the subject as people read it (as stored), for history: the
	// person an offboarding is about. Empty in events before it.
	Name string `json:"name,omitempty" text:"copied"`
}

// POPayload creates a purchase order.
type POPayload struct {
	UID         string          `json:"uid"`
	Number      string          `json:"number"`
	SupplierUID string          `json:"supplier,omitempty"`
	Lines       []POLinePayload `json:"lines"`
}

// POLinePayload is one line of a purchase order.
type POLinePayload struct {
	ModelUID string `json:"model"`
	Quantity int    `json:"quantity"`
}

// FieldPayload defines a custom field.
type FieldPayload struct {
	Name string `json:"name"`
}

// AssetRecord is an asset's full descriptive state, as asset.received carries it.
type AssetRecord struct {
	UID             string            `json:"uid"`
	Tag             string            `json:"tag"`
	Serial          string            `json:"serial,omitempty"`
	Name            string            `json:"name,omitempty"`
	Kind            Kind              `json:"kind,omitempty"`
	Status          Status            `json:"status"`
	ModelUID        string            `json:"model,omitempty"`
	LocationUID     string            `json:"location,omitempty"`
	HomeLocationUID string            `json:"home_location,omitempty"`
	CostCentre      string            `json:"cost_centre,omitempty"`
	SupplierUID     string            `json:"supplier,omitempty"`
	POUID           string            `json:"purchase_order,omitempty"`
	OrderNumber     string            `json:"order_number,omitempty"`
	PurchaseDate    string            `json:"purchase_date,omitempty"`
	PurchaseCost    string            `json:"purchase_cost,omitempty"`
	Currency        string            `json:"currency,omitempty"`
	WarrantyEnd     string            `json:"warranty_end,omitempty"`
	EOLDate         string            `json:"eol_date,omitempty"`
	Notes           string            `json:"notes,omitempty"`
	Custom          map[string]string `json:"custom,omitempty"`
	LastAudit       string            `json:"last_audit,omitempty"`
	NextAudit       string            `json:"next_audit,omitempty"`
	// LocationLabel is where it was received, as people read it (as
	// stored), for history. Empty in events before it, and in bulk ones.
	LocationLabel string `json:"location_label,omitempty" text:"copied"`
	// Imported is the file and line an import read it from ("FILE line
	// N"): history tells a migration from a delivery.
	Imported string `json:"imported,omitempty" text:"copied"`
}

// CheckOutPayload hands an asset to a person, a location or a parent asset.
type CheckOutPayload struct {
	UID         string        `json:"uid"`
	Tag         string        `json:"tag"`
	ToKind      CustodianKind `json:"to_kind"`
	To          string        `json:"to"`                     // uid of the custodian
	ToLabel     string        `json:"to_label" text:"copied"` // who or what, as people read it (as stored)
	Due         string        `json:"due,omitempty"`
	LocationUID string        `json:"location,omitempty"` // where the asset now is
	// Since is the day (YYYY-MM-DD), or the moment (RFC 3339, UTC: payload
	// version 5), the asset was handed over when that is earlier than the
	// event, as when an import carries another system's check-outs; the
	// event's own time says when it was recorded.
	Since string `json:"since,omitempty"`
}

// CheckInPayload takes an asset back.
type CheckInPayload struct {
	UID  string `json:"uid"`
	Tag  string `json:"tag"`
	From string `json:"from,omitempty" text:"copied"` // who held it, as people read it (as stored)
	// FromUID is who held it (a person's, location's or asset's uid): a
	// check-in applies only while they still do, so that one made on a
	// desk whose check-out the server refused cannot take the asset back
	// from the holder the register has. Empty in events before it.
	FromUID     string `json:"from_uid,omitempty"`
	LocationUID string `json:"location,omitempty"`
	// ToLabel is the location given, as people read it (as stored):
	// history says where the asset came back to. Empty in events before it.
	ToLabel   string `json:"to_label,omitempty" text:"copied"`
	Condition string `json:"condition"`
	Status    Status `json:"status"`
	// Reason says why, for history: "offboarding Ana Silva". Empty for a
	// check-in of its own.
	Reason string `json:"reason,omitempty" text:"copied"`
}

// MovePayload moves an asset to another location.
type MovePayload struct {
	UID         string `json:"uid"`
	Tag         string `json:"tag"`
	LocationUID string `json:"location"`
	FromUID     string `json:"from,omitempty"`
	// The two places as people read them (as stored): history shows the
	// move without looking them up. Empty in events before them.
	ToLabel   string `json:"to_label,omitempty" text:"copied"`
	FromLabel string `json:"from_label,omitempty" text:"copied"`
	// With is the tag of the asset it is installed in, when it moved
	// because that asset did (history says so). Empty otherwise.
	With string `json:"with,omitempty" text:"copied"`
}

// StatusPayload changes an asset's status (repair, missing, found, arrived, retired).
type StatusPayload struct {
	UID    string `json:"uid"`
	Tag    string `json:"tag"`
	From   Status `json:"from"`
	To     Status `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// DisposePayload records an asset's disposal.
type DisposePayload struct {
	UID         string `json:"uid"`
	Tag         string `json:"tag"`
	Method      string `json:"method"`
	Certificate string `json:"certificate,omitempty"`
	Vendor      string `json:"vendor,omitempty"`
	// On is the day (YYYY-MM-DD) of the disposal when that is earlier
	// than the event (an import of another system's records).
	On string `json:"on,omitempty"`
}

// effectiveAt is when something happened: day (YYYY-MM-DD), when given,
// at midnight UTC; else the event's time.
func effectiveAt(day string, at time.Time) string {
	if t, err := time.Parse(dateLayout, day); err == nil {
		return timestamp(t)
	}
	if t, err := time.Parse(time.RFC3339Nano, day); err == nil {
		if strings.HasSuffix(day, midnightMoment) {
			return day // a moment at midnight UTC, kept apart from a day alone (dayTime)
		}
		return timestamp(t)
	}
	return timestamp(at)
}

// midnightMoment ends a moment at midnight UTC exactly, as an import
// records one ("2024-03-20T00:00:00.000Z"): without its fraction it would
// read as a day alone, which is stored as midnight UTC (LocalDay).
const midnightMoment = "T00:00:00.000Z"

func decode[T any](e Event) (T, error) {
	if v, ok := e.decoded.(T); ok {
		return v, nil
	}
	var v T
	dec := json.NewDecoder(strings.NewReader(string(e.Payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		if strings.Contains(err.Error(), "unknown field") {
			return v, invalid("event %s (%s): bad payload: %v (written by a newer tagdesk? upgrade this one)", e.UID(), e.Type, err)
		}
		return v, invalid("event %s (%s): bad payload: %v", e.UID(), e.Type, err)
	}
	return v, nil
}

// payloadTypes decodes a payload of each event type to the type its
// applier decodes it to (PredecodePulled).
var payloadTypes = map[EventType]func(Event) (any, error){
	EvManufacturerCreated: decodeAny[NamedPayload], EvCategoryCreated: decodeAny[NamedPayload], EvSupplierCreated: decodeAny[NamedPayload],
	EvModelCreated: decodeAny[ModelPayload], EvLocationCreated: decodeAny[LocationPayload], EvLocationUpdated: decodeAny[UpdatePayload], EvPersonCreated: decodeAny[PersonPayload],
	EvPersonUpdated: decodeAny[UpdatePayload], EvPersonOffboarded: decodeAny[SubjectPayload], EvPersonReactivated: decodeAny[SubjectPayload], EvPOCreated: decodeAny[POPayload],
	EvFieldDefined: decodeAny[FieldPayload], EvAssetReceived: decodeAny[AssetRecord], EvAssetCheckedOut: decodeAny[CheckOutPayload],
	EvAssetCheckedIn: decodeAny[CheckInPayload], EvAssetMoved: decodeAny[MovePayload], EvAssetUpdated: decodeAny[UpdatePayload],
	EvAssetStatus: decodeAny[StatusPayload], EvAssetRetired: decodeAny[StatusPayload], EvAssetDisposed: decodeAny[DisposePayload],
	EvLabelPrinted: decodeAny[LabelPayload], EvStocktakeStarted: decodeAny[StocktakeStartPayload],
	EvStocktakeScanned: decodeAny[StocktakeScanPayload], EvStocktakeFinished: decodeAny[StocktakeFinishPayload], EvAssetAudited: decodeAny[AuditPayload],
	EvDeviceSite: decodeAny[SitePayload],
}

func decodeAny[T any](e Event) (any, error) { return decode[T](e) }

// PredecodePulled decodes the payloads of pulled changes ahead of
// ApplyPulled, on the caller's goroutine (a sync client does it while the
// previous page is being applied). A payload that does not decode is left
// for apply to refuse with its reason.
func PredecodePulled(changes []PulledChange) {
	for i := range changes {
		e := &changes[i].Event
		if dec := payloadTypes[e.Type]; dec != nil {
			if v, err := dec(*e); err == nil {
				e.decoded = v
			}
		}
	}
}

// apply validates e against current state and applies it to the state tables.
func (w *wtx) apply(e Event) error {
	switch e.Type {
	case EvAssetReceived, EvManufacturerCreated, EvCategoryCreated, EvSupplierCreated, EvModelCreated,
		EvLocationCreated, EvPersonCreated, EvPOCreated, EvFieldDefined:
	default:
		// Anything else may read or change assets: the rows collected
		// so far go in first.
		if err := w.flushReceipts(); err != nil {
			return err
		}
	}
	switch e.Type {
	case EvManufacturerCreated, EvCategoryCreated, EvSupplierCreated:
		p, err := decode[NamedPayload](e)
		if err != nil {
			return err
		}
		return w.applyNamed(e.Type, p)
	case EvModelCreated:
		p, err := decode[ModelPayload](e)
		if err != nil {
			return err
		}
		return w.applyModel(p)
	case EvLocationCreated:
		p, err := decode[LocationPayload](e)
		if err != nil {
			return err
		}
		return w.applyLocation(p)
	case EvPersonCreated:
		p, err := decode[PersonPayload](e)
		if err != nil {
			return err
		}
		return w.applyPerson(p)
	case EvPersonUpdated:
		p, err := decode[UpdatePayload](e)
		if err != nil {
			return err
		}
		return w.applyPersonUpdate(p)
	case EvLocationUpdated:
		p, err := decode[UpdatePayload](e)
		if err != nil {
			return err
		}
		return w.applyLocationUpdate(p)
	case EvPersonOffboarded:
		p, err := decode[SubjectPayload](e)
		if err != nil {
			return err
		}
		return w.applyOffboard(p)
	case EvPersonReactivated:
		p, err := decode[SubjectPayload](e)
		if err != nil {
			return err
		}
		id, err := w.idOf("people", p.UID)
		if err != nil {
			return err
		}
		// Only an offboarding is undone: one refused (someone checked
		// something out to them meanwhile) leaves nothing to undo.
		res, err := w.exec(`UPDATE people SET active = 1 WHERE id = ? AND active = 0`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return invalid("%s is not offboarded: nothing to undo", p.Name)
		}
		return nil
	case EvPOCreated:
		p, err := decode[POPayload](e)
		if err != nil {
			return err
		}
		return w.applyPO(p)
	case EvFieldDefined:
		p, err := decode[FieldPayload](e)
		if err != nil {
			return err
		}
		return w.defineField(p.Name)
	case EvAssetReceived:
		p, err := decode[AssetRecord](e)
		if err != nil {
			return err
		}
		return w.applyReceived(p, e)
	case EvAssetCheckedOut:
		p, err := decode[CheckOutPayload](e)
		if err != nil {
			return err
		}
		return w.applyCheckOut(p, e)
	case EvAssetCheckedIn:
		p, err := decode[CheckInPayload](e)
		if err != nil {
			return err
		}
		return w.applyCheckIn(p, e)
	case EvAssetMoved:
		p, err := decode[MovePayload](e)
		if err != nil {
			return err
		}
		return w.applyMove(p, e)
	case EvAssetUpdated:
		p, err := decode[UpdatePayload](e)
		if err != nil {
			return err
		}
		return w.applyAssetUpdate(p, e)
	case EvAssetStatus, EvAssetRetired:
		p, err := decode[StatusPayload](e)
		if err != nil {
			return err
		}
		return w.applyStatus(p, e)
	case EvAssetDisposed:
		p, err := decode[DisposePayload](e)
		if err != nil {
			return err
		}
		return w.applyDispose(p, e)
	case EvStocktakeStarted, EvStocktakeScanned, EvStocktakeFinished, EvAssetAudited:
		return w.applyStocktake(e)
	case EvLabelPrinted:
		// History only: a label coming out of a printer changes no state.
		p, err := decode[LabelPayload](e)
		if err != nil {
			return err
		}
		_, err = w.idOf("assets", p.UID)
		return err
	case EvDeviceSite:
		return w.applySite(e)
	}
	return invalid("unknown event type %q", e.Type)
}

var uidTables = map[string]string{
	"manufacturers": "manufacturer", "categories": "category", "suppliers": "supplier",
	"models": "model", "locations": "location", "people": "person", "assets": "asset",
	"purchase_orders": "purchase order",
}

// idOf returns the local id of the entity with uid in table; 0 for an empty uid.
func (w *wtx) idOf(table, uid string) (any, error) {
	if uid == "" {
		return nil, nil
	}
	if id, ok := w.ids[table+"\x00"+uid]; ok {
		return id, nil
	}
	var id int64
	err := w.queryRow(`SELECT id FROM `+table+` WHERE uid = ?`, uid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && aliasable[table] {
		// A uid merged into another entry's (merge).
		err = w.queryRow(`SELECT t.id FROM aliases a JOIN `+table+` t ON t.uid = a.target WHERE a.tbl = ? AND a.alias = ?`, table, uid).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		if name := w.createdAs(uid); name != "" {
			// Its creation is in the log, refused: said by its name, not
			// by an id no one at a desk knows.
			return nil, notFound("no %s %s in the register: its creation was refused (another desk had made one of that name or number first?)", uidTables[table], clip(name))
		}
		return nil, notFound("no %s with id %s", uidTables[table], uid)
	}
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", uidTables[table], err)
	}
	if w.ids != nil {
		w.ids[table+"\x00"+uid] = id
	}
	return id, nil
}

// createdAs is the name (a purchase order's number, a place's code) that
// the creation of the entry uid gives it, if this database holds that
// creation (refused, when the entry is not in the register); "" if not.
func (w *wtx) createdAs(uid string) string {
	var payload string
	if err := w.queryRow(`SELECT payload FROM events WHERE subject = ? AND type LIKE '%.created' ORDER BY id LIMIT 1`, uid).Scan(&payload); err != nil {
		return ""
	}
	var p struct{ Number, Code, Name string }
	if json.Unmarshal([]byte(payload), &p) != nil {
		return ""
	}
	switch {
	case p.Number != "":
		return p.Number
	case p.Code != "":
		return p.Code
	}
	return p.Name
}

func (w *wtx) insert(what, query string, args ...any) error {
	if _, err := w.exec(query, args...); err != nil {
		if isConstraint(err) {
			return conflict("%s already exists", what)
		}
		return err
	}
	return nil
}

// aliasable are the tables whose entries merge (aliases; merge).
var aliasable = map[string]bool{"manufacturers": true, "categories": true, "suppliers": true, "models": true, "locations": true, "people": true}

// merge applies the creation of an entry, uid, that the register already
// has under another uid (existing; the same name, model, or location code):
// made on two desks while apart, or imported on both. Refusing it would
// refuse everything the desk did with it. The entry keeps the smaller of
// the two uids and its creation's attributes (set, given the entry's uid),
// so the result does not depend on which creation arrives first; the other
// uid becomes an alias that idOf follows. reindex says the change of
// attributes touches search documents.
func (w *wtx) merge(table, uid, existing string, set func(uid string) (reindex string, err error)) error {
	what := uidTables[table]
	var n int
	if err := w.queryRow(`SELECT count(*) FROM aliases WHERE tbl = ? AND alias = ?`, table, uid).Scan(&n); err != nil {
		return fmt.Errorf("read aliases: %w", err)
	}
	if n > 0 || uid == existing {
		return conflict("%s %s already exists", what, uid)
	}
	if uid > existing {
		_, err := w.exec(`INSERT INTO aliases(tbl, alias, target) VALUES (?, ?, ?)`, table, uid, existing)
		return err
	}
	if _, err := w.exec(`UPDATE `+table+` SET uid = ? WHERE uid = ?`, uid, existing); err != nil {
		return err
	}
	if _, err := w.exec(`UPDATE aliases SET target = ? WHERE tbl = ? AND target = ?`, uid, table, existing); err != nil {
		return err
	}
	if _, err := w.exec(`INSERT INTO aliases(tbl, alias, target) VALUES (?, ?, ?)`, table, existing, uid); err != nil {
		return err
	}
	clear(w.ids) // cached by uid
	where, err := set(uid)
	if err != nil || where == "" {
		return err
	}
	// The entry's name or code changed: the documents of the assets that
	// show it.
	rows, err := w.tx.QueryContext(w.ctx, `SELECT id FROM assets WHERE `+where, uid)
	if err != nil {
		return fmt.Errorf("reindex after merging a %s: %w", what, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("reindex after merging a %s: %w", what, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reindex after merging a %s: %w", what, err)
	}
	for _, id := range ids {
		w.markDirty(id, false)
	}
	return nil
}

// existing returns the uid that query (an entry by its natural key, or
// uidBy's column) finds, "" if none.
func (w *wtx) existing(query string, args ...any) (string, error) {
	var uid string
	err := w.queryRow(query, args...).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return uid, err
}

func (w *wtx) applyNamed(t EventType, p NamedPayload) error {
	table := map[EventType]string{EvManufacturerCreated: "manufacturers", EvCategoryCreated: "categories", EvSupplierCreated: "suppliers"}[t]
	if strings.TrimSpace(p.Name) == "" || p.UID == "" {
		return invalid("a %s needs a name", uidTables[table])
	}
	other, err := w.existing(`SELECT uid FROM `+table+` WHERE name = ?`, p.Name)
	if err != nil {
		return fmt.Errorf("look up %s: %w", uidTables[table], err)
	}
	if other != "" {
		return w.merge(table, p.UID, other, func(uid string) (string, error) {
			var old string
			if err := w.queryRow(`SELECT name FROM `+table+` WHERE uid = ?`, uid).Scan(&old); err != nil {
				return "", fmt.Errorf("read %s: %w", uidTables[table], err)
			}
			if old == p.Name {
				return "", nil
			}
			if _, err := w.exec(`UPDATE `+table+` SET name = ? WHERE uid = ?`, p.Name, uid); err != nil {
				return "", err
			}
			if table == "manufacturers" {
				return `model_id IN (SELECT m.id FROM models m JOIN manufacturers f ON f.id = m.manufacturer_id WHERE f.uid = ?)`, nil
			}
			return "", nil
		})
	}
	return w.insert(fmt.Sprintf("%s %q", uidTables[table], p.Name), `INSERT INTO `+table+`(uid, name) VALUES (?, ?)`, p.UID, p.Name)
}

func (w *wtx) applyModel(p ModelPayload) error {
	if strings.TrimSpace(p.Name) == "" || p.UID == "" {
		return invalid("a model needs a name")
	}
	mf, err := w.idOf("manufacturers", p.ManufacturerUID)
	if err != nil {
		return err
	}
	cat, err := w.idOf("categories", p.CategoryUID)
	if err != nil {
		return err
	}
	other, err := w.existing(`SELECT uid FROM models WHERE name = ? AND model_number = ?`, p.Name, p.ModelNumber)
	if err != nil {
		return fmt.Errorf("look up model: %w", err)
	}
	if other != "" {
		return w.merge("models", p.UID, other, func(uid string) (string, error) {
			var name, number string
			var oldMf, oldCat sql.NullInt64
			if err := w.queryRow(`SELECT name, model_number, manufacturer_id, category_id FROM models WHERE uid = ?`, uid).Scan(&name, &number, &oldMf, &oldCat); err != nil {
				return "", fmt.Errorf("read model: %w", err)
			}
			// Every column from the winning creation (the number too: it
			// matches without regard to case), so the row does not depend
			// on which creation came first.
			if _, err := w.exec(`UPDATE models SET name = ?, model_number = ?, manufacturer_id = ?, category_id = ? WHERE uid = ?`, p.Name, p.ModelNumber, mf, cat, uid); err != nil {
				return "", err
			}
			if name == p.Name && number == p.ModelNumber && nullID(oldMf) == mf {
				return "", nil
			}
			return `model_id = (SELECT id FROM models WHERE uid = ?)`, nil
		})
	}
	return w.insert(fmt.Sprintf("model %q", p.Name), `INSERT INTO models(uid, name, model_number, manufacturer_id, category_id) VALUES (?, ?, ?, ?, ?)`,
		p.UID, p.Name, p.ModelNumber, mf, cat)
}

// nullID is an id read from a nullable column as idOf returns it.
func nullID(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

func (w *wtx) applyLocation(p LocationPayload) error {
	if err := ValidateCode(p.Code); err != nil {
		return err
	}
	if strings.TrimSpace(p.Name) == "" || p.UID == "" {
		return invalid("location %s needs a name", p.Code)
	}
	parent, err := w.idOf("locations", p.ParentUID)
	if err != nil {
		return err
	}
	other, err := w.existing(`SELECT uid FROM locations WHERE code = ?`, p.Code)
	if err != nil {
		return fmt.Errorf("look up location: %w", err)
	}
	if other != "" {
		return w.merge("locations", p.UID, other, func(uid string) (string, error) {
			var id int64
			var name string
			var edited int
			var parentNow sql.NullInt64
			if err := w.queryRow(`SELECT id, name, edited, parent_id FROM locations WHERE uid = ?`, uid).Scan(&id, &name, &edited, &parentNow); err != nil {
				return "", fmt.Errorf("read location: %w", err)
			}
			// Renamed or moved since (location.updated): that change
			// stands, whichever creation arrives when.
			newName := p.Name
			if edited&1 != 0 {
				newName = name
			}
			if edited&2 != 0 {
				parent = nil
				if parentNow.Valid {
					parent = parentNow.Int64
				}
			}
			if parent != nil {
				if err := w.checkLocationParent(id, parent.(int64)); err != nil {
					// The two desks' trees disagree so that taking this
					// parent would put the location inside itself: it
					// keeps none rather than refusing the creation (and
					// everything received there).
					if ErrorCode(err) != EINVALID {
						return "", err
					}
					parent = nil
				}
			}
			if _, err := w.exec(`UPDATE locations SET name = ?, parent_id = ? WHERE uid = ?`, newName, parent, uid); err != nil {
				return "", err
			}
			if name == newName {
				return "", nil
			}
			return `(location_id = (SELECT id FROM locations WHERE uid = ?1) OR custodian_location_id = (SELECT id FROM locations WHERE uid = ?1))`, nil
		})
	}
	return w.insert(fmt.Sprintf("location %s", p.Code), `INSERT INTO locations(uid, code, name, parent_id) VALUES (?, ?, ?, ?)`, p.UID, p.Code, p.Name, parent)
}

// applyLocationUpdate renames a location or moves it in the tree (its
// parent's uid, "" for the top). A move that would put it inside itself
// (two desks moving two places under each other while apart) is refused.
func (w *wtx) applyLocationUpdate(p UpdatePayload) error {
	id, err := w.idOf("locations", p.UID)
	if err != nil {
		return err
	}
	if len(p.Changes) == 0 {
		return invalid("a location update with nothing to change")
	}
	bits := 0
	if _, ok := p.Changes["name"]; ok {
		bits |= 1
	}
	if _, ok := p.Changes["parent"]; ok {
		bits |= 2
	}
	if _, err := w.exec(`UPDATE locations SET edited = edited | ? WHERE id = ?`, bits, id); err != nil {
		return err
	}
	for _, field := range sortedKeys(p.Changes) {
		c := p.Changes[field]
		switch field {
		case "name":
			if strings.TrimSpace(c.New) == "" {
				return invalid("a location needs a name")
			}
			if _, err := w.exec(`UPDATE locations SET name = ? WHERE id = ?`, c.New, id); err != nil {
				return err
			}
			// (Its assets' search documents hold its name.)
			if err := w.reindexWhere(`location_id = ?1 OR a.custodian_location_id = ?1`, id); err != nil {
				return err
			}
		case "parent":
			var parent any
			if c.New != "" {
				pid, err := w.idOf("locations", c.New)
				if err != nil {
					return err
				}
				if err := w.checkLocationParent(id.(int64), pid.(int64)); err != nil {
					if ErrorCode(err) == EINTERNAL {
						return err
					}
					to := c.NewLabel
					if to == "" {
						to = "that place"
					}
					return invalid("location %s cannot go under %s: it lies inside %s now", p.Tag, to, p.Tag)
				}
				parent = pid
			}
			if _, err := w.exec(`UPDATE locations SET parent_id = ? WHERE id = ?`, parent, id); err != nil {
				return err
			}
		default:
			return invalid("a location has no field %q", clip(field))
		}
	}
	return nil
}

// checkLocationParent refuses making parent (or something under id) the
// parent of location id: locations form a tree.
func (w *wtx) checkLocationParent(id, parent int64) error {
	var n int
	err := w.queryRow(`WITH RECURSIVE up(id) AS (SELECT ? UNION SELECT l.parent_id FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)
		SELECT count(*) FROM up WHERE id = ?`, parent, id).Scan(&n)
	if err != nil {
		return fmt.Errorf("check location parent: %w", err)
	}
	if n > 0 {
		return invalid("a location cannot be inside itself")
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (w *wtx) applyPerson(p PersonPayload) error {
	if strings.TrimSpace(p.Name) == "" || p.UID == "" {
		return invalid("a person needs a name")
	}
	if p.Badge != "" {
		if err := ValidateCode(p.Badge); err != nil {
			return err
		}
	}
	loc, err := w.idOf("locations", p.LocationUID)
	if err != nil {
		return err
	}
	// The same person created on two desks while apart (imported on both,
	// say): merged, as a model or a location is, not refused with all
	// that the desk did with them.
	existing, n, err := w.samePerson(p)
	switch {
	case err != nil:
		return err
	case existing != "":
		return w.mergePerson(p, existing, loc)
	case n > 0: // someone has one of the identifiers: say whose
		if err := w.identifiersFree(p); err != nil {
			return err
		}
	}
	return w.insert(fmt.Sprintf("person %q", p.Name), `INSERT INTO people(uid, name, badge, employee_no, username, email, department, cost_centre, location_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.UID, p.Name, nullable(p.Badge), nullable(p.EmployeeNo), nullable(p.Username), nullable(p.Email), p.Department, p.CostCentre, loc)
}

// identifiersFree refuses a new person whose badge, employee number,
// username or email someone has.
func (w *wtx) identifiersFree(p PersonPayload) error {
	for _, c := range []struct{ col, v string }{{"badge", p.Badge}, {"employee_no", p.EmployeeNo}, {"username", p.Username}, {"email", p.Email}} {
		if c.v == "" {
			continue
		}
		var who string
		err := w.queryRow(`SELECT name FROM people WHERE `+c.col+` = ?`, c.v).Scan(&who)
		if err == nil {
			return conflict("%s %q already belongs to %s", strings.ReplaceAll(c.col, "_no", " number"), c.v, who)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check person: %w", err)
		}
	}
	return nil
}

// samePerson finds the one person p's creation names again (uid): someone
// whose badge, employee number, username or email p has, with p's name, and
// none of p's identifiers another's. n counts the people (up to 2) who have
// any of p's identifiers: none, and p's are free.
func (w *wtx) samePerson(p PersonPayload) (uid string, n int, err error) {
	ids := [4]string{p.Badge, p.EmployeeNo, p.Username, p.Email}
	if ids == [4]string{} {
		return "", 0, nil
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT uid, name, coalesce(badge, ''), coalesce(employee_no, ''), coalesce(username, ''), coalesce(email, '')
		FROM people WHERE badge = ?1 OR employee_no = ?2 OR username = ?3 OR email = ?4 LIMIT 2`, nullable(ids[0]), nullable(ids[1]), nullable(ids[2]), nullable(ids[3]))
	if err != nil {
		return "", 0, fmt.Errorf("check person: %w", err)
	}
	defer rows.Close()
	var name string
	var has [4]string
	for rows.Next() {
		n++
		if err := rows.Scan(&uid, &name, &has[0], &has[1], &has[2], &has[3]); err != nil {
			return "", n, fmt.Errorf("check person: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return "", n, fmt.Errorf("check person: %w", err)
	}
	if n != 1 || !strings.EqualFold(strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(p.Name), " ")) {
		return "", n, nil
	}
	for i := range ids {
		if ids[i] != "" && has[i] != "" && ids[i] != has[i] {
			return "", n, nil
		}
	}
	return uid, n, nil
}

// mergePerson merges p's creation into the person existing (merge): the
// person keeps the smaller uid, that creation's name, and every identifier
// and detail either creation gave (the smaller uid's where both did), so
// the result of two creations does not depend on which arrives first. (Of
// three that name each other differently it can; every desk and verify
// apply them in the server's order, so all agree. A desk that pulls the
// creation of a person its own later changes touch rebases, so that they
// come after the merge there too: applyPulled.)
func (w *wtx) mergePerson(p PersonPayload, existing string, loc any) error {
	const fill = `UPDATE people SET badge = coalesce(badge, ?), employee_no = coalesce(employee_no, ?), username = coalesce(username, ?), email = coalesce(email, ?),
		department = CASE WHEN department = '' THEN ? ELSE department END, cost_centre = CASE WHEN cost_centre = '' THEN ? ELSE cost_centre END,
		location_id = coalesce(location_id, ?) WHERE uid = ?`
	if p.UID > existing { // the existing entry stays: it takes what it lacks
		if _, err := w.exec(fill, nullable(p.Badge), nullable(p.EmployeeNo), nullable(p.Username), nullable(p.Email), p.Department, p.CostCentre, loc, existing); err != nil {
			return err
		}
	}
	return w.merge("people", p.UID, existing, func(uid string) (string, error) {
		_, err := w.exec(`UPDATE people SET name = ?, badge = coalesce(?, badge), employee_no = coalesce(?, employee_no), username = coalesce(?, username), email = coalesce(?, email),
			department = CASE WHEN ? <> '' THEN ? ELSE department END, cost_centre = CASE WHEN ? <> '' THEN ? ELSE cost_centre END,
			location_id = coalesce(?, location_id) WHERE uid = ?`,
			p.Name, nullable(p.Badge), nullable(p.EmployeeNo), nullable(p.Username), nullable(p.Email), p.Department, p.Department, p.CostCentre, p.CostCentre, loc, uid)
		return "custodian_person_id = (SELECT id FROM people WHERE uid = ?)", err
	})
}

var personColumns = map[string]string{
	"name": "name", "badge": "badge", "employee_number": "employee_no", "username": "username",
	"email": "email", "department": "department", "cost_centre": "cost_centre",
}

func (w *wtx) applyPersonUpdate(p UpdatePayload) error {
	id, err := w.idOf("people", p.UID)
	if err != nil {
		return err
	}
	for _, field := range sortedKeys(p.Changes) {
		c := p.Changes[field]
		var val any = c.New
		switch field {
		case "location":
			if val, err = w.idOf("locations", c.New); err != nil {
				return err
			}
			if _, err := w.exec(`UPDATE people SET location_id = ? WHERE id = ?`, val, id); err != nil {
				return err
			}
			continue
		case "name":
			if strings.TrimSpace(c.New) == "" {
				return invalid("a person needs a name")
			}
		case "badge", "employee_number", "username", "email":
			val = nullable(c.New)
		}
		col, ok := personColumns[field]
		if !ok {
			return invalid("a person has no field %q", field)
		}
		if _, err := w.exec(`UPDATE people SET `+col+` = ? WHERE id = ?`, val, id); err != nil {
			if isConstraint(err) {
				return conflict("%s %q already belongs to someone else", field, c.New)
			}
			return err
		}
	}
	return w.reindexWhere(`custodian_person_id = ?`, id)
}

func (w *wtx) applyOffboard(p SubjectPayload) error {
	id, err := w.idOf("people", p.UID)
	if err != nil {
		return err
	}
	var n int
	if err := w.queryRow(`SELECT count(*) FROM assets WHERE custodian_person_id = ?`, id).Scan(&n); err != nil {
		return fmt.Errorf("count holdings: %w", err)
	}
	if n > 0 {
		return conflict("still holds %d asset(s): check them in first", n)
	}
	_, err = w.exec(`UPDATE people SET active = 0 WHERE id = ?`, id)
	return err
}

func (w *wtx) applyPO(p POPayload) error {
	if strings.TrimSpace(p.Number) == "" || p.UID == "" {
		return invalid("a purchase order needs a number")
	}
	sup, err := w.idOf("suppliers", p.SupplierUID)
	if err != nil {
		return err
	}
	res, err := w.exec(`INSERT INTO purchase_orders(uid, number, supplier_id) VALUES (?, ?, ?)`, p.UID, p.Number, sup)
	if err != nil {
		if isConstraint(err) {
			return conflict("purchase order %s already exists", p.Number)
		}
		return err
	}
	po, _ := res.LastInsertId()
	for _, l := range p.Lines {
		if l.Quantity <= 0 {
			return invalid("purchase order %s: quantity must be positive", p.Number)
		}
		m, err := w.idOf("models", l.ModelUID)
		if err != nil {
			return err
		}
		if err := w.insert("a line for that model", `INSERT INTO po_lines(po_id, model_id, quantity) VALUES (?, ?, ?)`, po, m, l.Quantity); err != nil {
			return err
		}
	}
	return nil
}

// fieldName is the name the desk knows a custom field by, whatever its
// case ("os" is the field OS): custom_fields compares names without case,
// and an asset's values must sit under the one name. name itself if the
// desk has no such field yet.
func (w *wtx) fieldName(name string) (string, error) {
	var known string
	err := w.queryRow(`SELECT name FROM custom_fields WHERE name = ?`, name).Scan(&known)
	if errors.Is(err, sql.ErrNoRows) {
		// One an older tagdesk named with spaces around (" RAM "), which
		// names are trimmed of now: that field, if it is the only one,
		// whatever its case (trim drops the column's NOCASE: said again).
		err = w.queryRow(`SELECT min(name) FROM custom_fields WHERE trim(name) = ?1 COLLATE NOCASE AND name <> ?1 HAVING count(*) = 1`, name).Scan(&known)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return name, nil
	}
	if err != nil {
		return "", fmt.Errorf("read custom fields: %w", err)
	}
	return known, nil
}

func (w *wtx) defineField(name string) error {
	if strings.TrimSpace(name) == "" {
		return invalid("a custom field needs a name")
	}
	if _, ok := w.ids["custom_fields\x00"+name]; ok {
		return nil
	}
	_, err := w.exec(`INSERT OR IGNORE INTO custom_fields(name) VALUES (?)`, name)
	if err == nil && w.ids != nil {
		w.ids["custom_fields\x00"+name] = 0
	}
	return err
}

// assetState is what validation needs to know about an asset.
type assetState struct {
	id     int64
	tag    string
	status Status
	holder string
	held   string // the holder's uid, "" when none
	locID  sql.NullInt64
	homeID sql.NullInt64
	custP  sql.NullInt64
	custL  sql.NullInt64
	custA  sql.NullInt64
}

// assetNamed is asset for an event that names the asset's tag too: an
// asset missing from the register is named as people know it (a refusal
// lists it), not by its uid.
func (w *wtx) assetNamed(uid, tag string) (assetState, error) {
	a, err := w.asset(uid)
	if ErrorCode(err) == ENOTFOUND && tag != "" {
		return a, notFound("%s is not in the register: its receipt was refused, or has not reached it", clip(tag))
	}
	return a, err
}

func (w *wtx) asset(uid string) (assetState, error) {
	if p := w.peeked; p != nil && w.peekedUID == uid {
		w.peeked = nil
		return *p, nil // read by assetByTag, nothing written since
	}
	var a assetState
	var status string
	err := w.queryRow(`SELECT a.id, a.tag, a.status, a.location_id, a.home_location_id, a.custodian_person_id, a.custodian_location_id, a.custodian_asset_id,
		coalesce(p.name || coalesce(' (' || p.badge || ')', ''), l.name || ' (' || l.code || ')', ca.tag, ''), coalesce(p.uid, l.uid, ca.uid, '')
		FROM assets a LEFT JOIN people p ON p.id = a.custodian_person_id LEFT JOIN locations l ON l.id = a.custodian_location_id
		LEFT JOIN assets ca ON ca.id = a.custodian_asset_id WHERE a.uid = ?`, uid).
		Scan(&a.id, &a.tag, &status, &a.locID, &a.homeID, &a.custP, &a.custL, &a.custA, &a.holder, &a.held)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("no asset with id %s", uid)
	}
	if err != nil {
		return a, fmt.Errorf("read asset: %w", err)
	}
	a.status = Status(status)
	if a.status == StatusDisposed {
		return a, invalid("%s is disposed; a disposal is final", a.tag)
	}
	return a, nil
}

func validStatus(s Status) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// checkReceipt validates a receipt as applyReceived takes it (defaulting
// its kind) and finds what it refers to: the ids of its model, location,
// home, supplier and purchase order, and its custom fields (defined) as the
// row stores them.
func (w *wtx) checkReceipt(p *AssetRecord) (ids [5]any, custom string, err error) {
	if err := ValidateTag(p.Tag); err != nil {
		return ids, "", err
	}
	if p.UID == "" {
		return ids, "", invalid("asset %s has no id", p.Tag)
	}
	if p.Kind == "" {
		p.Kind = KindHardware
	}
	if !validStatus(p.Status) || p.Status == StatusDeployed || p.Status == StatusDisposed {
		return ids, "", invalid("asset %s cannot start as %q (received assets start on order, in stock, in repair, missing or retired)", p.Tag, p.Status)
	}
	for _, d := range []struct{ name, v string }{{"purchase date", p.PurchaseDate}, {"warranty end", p.WarrantyEnd}, {"end of life", p.EOLDate}, {"last audit", p.LastAudit}, {"next audit", p.NextAudit}} {
		if err := validateDate(d.name, d.v); err != nil {
			return ids, "", err
		}
	}
	if err := validateCost(p.PurchaseCost); err != nil {
		return ids, "", err
	}
	for i, r := range []struct{ table, uid string }{{"models", p.ModelUID}, {"locations", p.LocationUID}, {"locations", p.HomeLocationUID}, {"suppliers", p.SupplierUID}, {"purchase_orders", p.POUID}} {
		if ids[i], err = w.idOf(r.table, r.uid); err != nil {
			return ids, "", err
		}
	}
	custom = "{}"
	if len(p.Custom) > 0 {
		for _, k := range sortedKeys(p.Custom) {
			if err := w.defineField(k); err != nil {
				return ids, "", err
			}
		}
		b, err := json.Marshal(p.Custom)
		if err != nil {
			return ids, "", fmt.Errorf("encode custom fields: %w", err)
		}
		custom = string(b)
	}
	return ids, custom, nil
}

func (w *wtx) applyReceived(p AssetRecord, e Event) error {
	ids, custom, err := w.checkReceipt(&p)
	if err != nil {
		return err
	}
	at := timestamp(e.At)
	var res sql.Result
	if ids[3] == nil && ids[4] == nil && custom == "{}" && p.CostCentre == "" && p.OrderNumber == "" && p.PurchaseDate == "" && p.PurchaseCost == "" &&
		p.Currency == "" && p.WarrantyEnd == "" && p.EOLDate == "" && p.Notes == "" && p.LastAudit == "" && p.NextAudit == "" {
		// The common receipt (a model, a place, a serial): the columns left
		// out take their defaults. Binding fewer values is a fifth of the
		// insert's cost in pure-Go SQLite.
		if w.collects(receiptCols) {
			return w.addReceipt(p, ids, at)
		}
		if err := w.flushReceipts(); err != nil {
			return err
		}
		res, err = w.exec(`INSERT INTO assets(uid, tag, serial, name, model_id, kind, status, location_id, home_location_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.UID, p.Tag, nullable(p.Serial), p.Name, ids[0], string(p.Kind), string(p.Status), ids[1], ids[2], at, at)
	} else {
		if err := w.flushReceipts(); err != nil {
			return err
		}
		res, err = w.exec(`INSERT INTO assets(uid, tag, serial, name, model_id, kind, status, location_id, home_location_id, cost_centre, supplier_id, po_id,
		order_number, purchase_date, purchase_cost, currency, warranty_end, eol_date, notes, custom, last_audit, next_audit, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.UID, p.Tag, nullable(p.Serial), p.Name, ids[0], string(p.Kind), string(p.Status), ids[1], ids[2], p.CostCentre, ids[3], ids[4],
			p.OrderNumber, p.PurchaseDate, p.PurchaseCost, p.Currency, p.WarrantyEnd, p.EOLDate, p.Notes, custom, p.LastAudit, p.NextAudit, at, at)
	}
	if err != nil {
		if isConstraint(err) {
			return conflict("tag %s is already in use", p.Tag)
		}
		return err
	}
	id, _ := res.LastInsertId()
	w.markDirty(id, true)
	return nil
}

// checkOutTo validates a check-out's due date and finds the ids of its
// custodian (a person, who must be active; a location; or a parent asset,
// one of the three not nil) and of the place it puts the asset (nil: the
// asset stays where it is).
func (w *wtx) checkOutTo(p *CheckOutPayload) (person, loc, parent, place any, err error) {
	if err := validateDate("due date", p.Due); err != nil {
		return nil, nil, nil, nil, err
	}
	if _, err := time.Parse(time.RFC3339Nano, p.Since); err != nil {
		if err := validateDate("checkout date", p.Since); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	switch p.ToKind {
	case CustodianPerson:
		// The person and whether they are active, in one statement.
		var id int64
		var active bool
		err := w.queryRow(`SELECT id, active FROM people WHERE uid = ?`, p.To).Scan(&id, &active)
		if errors.Is(err, sql.ErrNoRows) { // a person merged into another (mergePerson)
			err = w.queryRow(`SELECT p.id, p.active FROM aliases a JOIN people p ON p.uid = a.target WHERE a.tbl = 'people' AND a.alias = ?`, p.To).Scan(&id, &active)
		}
		if errors.Is(err, sql.ErrNoRows) {
			if p.ToLabel != "" { // named as people know them, not by uid
				return nil, nil, nil, nil, notFound("%s is not in the register: their creation was refused, or has not reached it", clip(p.ToLabel))
			}
			return nil, nil, nil, nil, notFound("no %s with id %s", uidTables["people"], p.To)
		}
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("read person: %w", err)
		}
		person = id
		if !active {
			return nil, nil, nil, nil, invalid("%s has been offboarded and cannot receive assets", p.ToLabel)
		}
	case CustodianLocation:
		if loc, err = w.idOf("locations", p.To); err != nil {
			return nil, nil, nil, nil, err
		}
	case CustodianAsset:
		if parent, err = w.idOf("assets", p.To); err != nil {
			return nil, nil, nil, nil, err
		}
	default:
		return nil, nil, nil, nil, invalid("cannot check out to a %q", p.ToKind)
	}
	if place, err = w.idOf("locations", p.LocationUID); err != nil {
		return nil, nil, nil, nil, err
	}
	return person, loc, parent, place, nil
}

// notInStock refuses the check-out of an asset in status st (not in
// stock, not deployed), saying what would make it one to check out.
func notInStock(tag string, st Status) error {
	switch st {
	case StatusMissing:
		return invalid("%s is marked missing: found, it goes back in stock with tagdesk status %s in_stock (or a stocktake's scan), and can then be checked out", tag, tag)
	case StatusInRepair:
		return invalid("%s is in repair: back from repair, it goes in stock with tagdesk status %s in_stock, and can then be checked out", tag, tag)
	case StatusOnOrder:
		return invalid("%s is on order, not received: receive it first (its serial scanned at the desk's Receive, or given to tagdesk receive, receives it)", tag)
	}
	return invalid("%s is %s; only assets in stock can be checked out", tag, st.Label())
}

// CannotHold refuses, as the first asset scanned at a check-out (the
// holder of what follows, or the parent it goes into), the asset tag of
// status st that can neither be checked out nor take parts: retired or
// disposed (parentTakes), missing or on order (parentAbsent, notInStock).
// nil for any other.
func CannotHold(tag string, st Status) error {
	switch st {
	case StatusRetired, StatusDisposed:
		return invalid("%s is %s: it is not checked out, nor are parts installed in it", tag, st.Label())
	case StatusMissing, StatusOnOrder:
		return notInStock(tag, st)
	}
	return nil
}

func (w *wtx) applyCheckOut(p CheckOutPayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	switch a.status {
	case StatusInStock:
	case StatusDeployed:
		return conflict("%s is already checked out to %s", a.tag, a.holder)
	default:
		return notInStock(a.tag, a.status)
	}
	person, loc, parent, newLoc, err := w.checkOutTo(&p)
	if err != nil {
		return err
	}
	if parent != nil {
		if err := w.checkNoCycle(a.id, parent.(int64)); err != nil {
			return err
		}
	}
	if newLoc == nil && a.locID.Valid {
		newLoc = a.locID.Int64
	}
	at := timestamp(e.At)
	q := `UPDATE assets SET status = 'deployed', custodian_person_id = ?, custodian_location_id = ?,
		due_date = ?, checked_out_at = ?, location_id = ?, updated_at = ?`
	args := []any{person, loc, p.Due, effectiveAt(p.Since, e.At), newLoc, at}
	// custodian_asset_id is assigned only when it changes: assigning a
	// column of a foreign key into the same table makes SQLite rewrite
	// every index of the table (eight unchanged pages per check-out).
	if parent != nil || a.custA.Valid {
		q, args = q+`, custodian_asset_id = ?`, append(args, parent)
	}
	if _, err := w.exec(q+` WHERE id = ?`, append(args, a.id)...); err != nil {
		return err
	}
	return w.reindex(a.id)
}

// foldCheckOut checks row, an asset received in this transaction and not
// yet stored, out as p says: the row applyCheckOut would make of it after
// its receipt. A check-out into another asset is not folded.
func (w *wtx) foldCheckOut(row *assetRow, p *CheckOutPayload) error {
	if row.status != StatusInStock {
		return notInStock(p.Tag, row.status)
	}
	person, loc, parent, place, err := w.checkOutTo(p)
	if err != nil {
		return err
	}
	if parent != nil {
		return Errorf(EINTERNAL, "a check-out into another asset is not folded into its receipt")
	}
	if place != nil {
		row.ids[1] = place
	}
	at := timestamp(w.at)
	row.status, row.person, row.place, row.due, row.checkedOut, row.updated = StatusDeployed, person, loc, p.Due, effectiveAt(p.Since, w.at), at
	return nil
}

// checkNoCycle refuses installing an asset into itself or into something installed in it.
func (w *wtx) checkNoCycle(child, parent int64) error {
	for cur, depth := parent, 0; depth < 64; depth++ {
		if cur == child {
			return invalid("an asset cannot be installed in itself or in something installed in it")
		}
		var next sql.NullInt64
		var status string
		if err := w.queryRow(`SELECT custodian_asset_id, status FROM assets WHERE id = ?`, cur).Scan(&next, &status); err != nil {
			return fmt.Errorf("read parent asset: %w", err)
		}
		if depth == 0 && Status(status) == StatusDisposed {
			return invalid("cannot install into a disposed asset")
		}
		if !next.Valid {
			return nil
		}
		cur = next.Int64
	}
	return invalid("assets are nested too deeply")
}

// Check-in conditions.
const (
	ConditionOK     = "ok"
	ConditionRepair = "repair"
	ConditionRetire = "retire"
	// ConditionMissing is a check-in of what did not come back (a
	// leaver kept it, the holder lost it): the holder is cleared, the
	// asset is missing where it was last recorded (payload version 5).
	ConditionMissing = "missing"
)

// ConditionStatus returns the status an asset checked in with condition gets.
func ConditionStatus(condition string) (Status, error) {
	switch strings.ToLower(strings.TrimSpace(condition)) {
	case "", ConditionOK, "good":
		return StatusInStock, nil
	case ConditionRepair, "needs repair", "broken":
		return StatusInRepair, nil
	case ConditionRetire, "retired":
		return StatusRetired, nil
	case ConditionMissing, "not returned", "lost":
		return StatusMissing, nil
	}
	return "", invalid("unknown condition %q (want ok, repair, retire or missing)", condition)
}

func (w *wtx) applyCheckIn(p CheckInPayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	if a.status != StatusDeployed {
		return invalid("%s is not checked out (it is %s)", a.tag, a.status.Label())
	}
	if p.FromUID != "" && p.FromUID != a.held {
		// The same holder under a uid merged into the one it has now (a
		// location two desks created) is the same holder.
		var target string
		err := w.queryRow(`SELECT target FROM aliases WHERE alias = ? AND target = ?`, p.FromUID, a.held).Scan(&target)
		if errors.Is(err, sql.ErrNoRows) {
			return conflict("%s is checked out to %s, not to %s (the holder this check-in names)", a.tag, a.holder, orNone(p.From))
		}
		if err != nil {
			return fmt.Errorf("read aliases: %w", err)
		}
	}
	want, err := ConditionStatus(p.Condition)
	if err != nil {
		return err
	}
	if p.Status != want {
		return invalid("check-in of %s: condition %q gives %s, not %s", a.tag, p.Condition, want, p.Status)
	}
	loc, err := w.idOf("locations", p.LocationUID)
	if err != nil {
		return err
	}
	if loc == nil {
		switch {
		case p.Status == StatusMissing && a.locID.Valid: // where it was last recorded
			loc = a.locID.Int64
		case a.homeID.Valid:
			loc = a.homeID.Int64
		case a.locID.Valid:
			loc = a.locID.Int64
		}
	}
	at := timestamp(e.At)
	q := `UPDATE assets SET status = ?, custodian_person_id = NULL, custodian_location_id = NULL,
		due_date = '', checked_out_at = '', location_id = ?, updated_at = ?`
	if a.custA.Valid { // only then: see applyCheckOut
		q += `, custodian_asset_id = NULL`
	}
	if _, err := w.exec(q+` WHERE id = ?`, string(p.Status), loc, at, a.id); err != nil {
		return err
	}
	return w.reindex(a.id)
}

func (w *wtx) applyMove(p MovePayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	loc, err := w.idOf("locations", p.LocationUID)
	if err != nil {
		return err
	}
	if loc == nil {
		return invalid("move %s: no location given", a.tag)
	}
	if _, err := w.exec(`UPDATE assets SET location_id = ?, updated_at = ? WHERE id = ?`, loc, timestamp(e.At), a.id); err != nil {
		return err
	}
	return w.reindex(a.id)
}

// assetTextFields are the descriptive fields an update may change, by name.
var assetTextFields = map[string]string{
	"name": "name", "serial": "serial", "notes": "notes", "cost_centre": "cost_centre",
	"order_number": "order_number", "purchase_date": "purchase_date", "purchase_cost": "purchase_cost",
	"currency": "currency", "warranty_end": "warranty_end", "eol_date": "eol_date",
	"last_audit": "last_audit", "next_audit": "next_audit",
}

var assetRefFields = map[string][2]string{
	"model": {"model_id", "models"}, "supplier": {"supplier_id", "suppliers"},
	"home_location": {"home_location_id", "locations"}, "purchase_order": {"po_id", "purchase_orders"},
}

func (w *wtx) applyAssetUpdate(p UpdatePayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	if len(p.Changes) == 0 {
		return invalid("update of %s changes nothing", a.tag)
	}
	for _, field := range sortedKeys(p.Changes) {
		c := p.Changes[field]
		if name, ok := strings.CutPrefix(field, "custom:"); ok {
			// (The name as the event gives it: a name taken from the
			// desk's own fields would depend on which desk defined one
			// first, and a replay in the server's order would give
			// another, which verify names. Reads fold the case: the
			// export's customValue.)
			if err := w.defineField(name); err != nil {
				return err
			}
			if _, err := w.exec(`UPDATE assets SET custom = CASE WHEN ? = '' THEN json_remove(custom, '$.' || json_quote(?)) ELSE json_set(custom, '$.' || json_quote(?), ?) END WHERE id = ?`,
				c.New, name, name, c.New, a.id); err != nil {
				return err
			}
			continue
		}
		if ref, ok := assetRefFields[field]; ok {
			id, err := w.idOf(ref[1], c.New)
			if err != nil {
				return err
			}
			if _, err := w.exec(`UPDATE assets SET `+ref[0]+` = ? WHERE id = ?`, id, a.id); err != nil {
				return err
			}
			continue
		}
		col, ok := assetTextFields[field]
		if !ok {
			return invalid("an asset has no field %q that can be edited", field)
		}
		switch field {
		case "purchase_date", "warranty_end", "eol_date", "last_audit", "next_audit":
			if err := validateDate(strings.ReplaceAll(field, "_", " "), c.New); err != nil {
				return err
			}
		case "purchase_cost":
			if err := validateCost(c.New); err != nil {
				return err
			}
		}
		var v any = c.New
		if field == "serial" {
			v = nullable(c.New)
		}
		if _, err := w.exec(`UPDATE assets SET `+col+` = ? WHERE id = ?`, v, a.id); err != nil {
			return err
		}
	}
	if _, err := w.exec(`UPDATE assets SET updated_at = ? WHERE id = ?`, timestamp(e.At), a.id); err != nil {
		return err
	}
	return w.reindex(a.id)
}

// CanTransition reports whether a status change (other than check-out and
// check-in, which have their own events) is allowed, and why not.
func CanTransition(from, to Status) error {
	if from == StatusDisposed {
		return invalid("a disposed asset is final")
	}
	if from == to {
		return invalid("already %s", to.Label())
	}
	switch to {
	case StatusInStock:
		if from == StatusOnOrder || from == StatusInRepair || from == StatusMissing || from == StatusRetired {
			return nil
		}
	case StatusInRepair:
		if from == StatusInStock || from == StatusMissing {
			return nil
		}
	case StatusMissing:
		if from == StatusInStock || from == StatusInRepair || from == StatusOnOrder {
			return nil
		}
	case StatusRetired:
		if from == StatusDeployed {
			return invalid("it is deployed: check it in first")
		}
		if from == StatusInStock || from == StatusInRepair || from == StatusMissing || from == StatusOnOrder {
			return nil
		}
	case StatusDisposed:
		if from == StatusDeployed {
			return invalid("it is deployed: check it in first")
		}
		if from == StatusRetired || from == StatusInStock || from == StatusInRepair || from == StatusMissing {
			return nil
		}
	}
	if from == StatusDeployed {
		return invalid("it is deployed: check it in first")
	}
	return invalid("cannot go from %s to %s", from.Label(), to.Label())
}

func (w *wtx) applyStatus(p StatusPayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	if e.Type == EvAssetRetired && p.To != StatusRetired {
		return invalid("retire event must go to retired")
	}
	if p.To == StatusDisposed || p.To == StatusDeployed {
		return invalid("use the dispose or check-out event")
	}
	if a.status != p.From {
		return conflict("%s is %s, not %s", a.tag, a.status.Label(), p.From.Label())
	}
	if err := CanTransition(a.status, p.To); err != nil {
		return Errorf(ErrorCode(err), "%s: %s", a.tag, ErrorMessage(err))
	}
	_, err = w.exec(`UPDATE assets SET status = ?, updated_at = ? WHERE id = ?`, string(p.To), timestamp(e.At), a.id)
	return err
}

func (w *wtx) applyDispose(p DisposePayload, e Event) error {
	a, err := w.assetNamed(p.UID, p.Tag)
	if err != nil {
		return err
	}
	if err := CanTransition(a.status, StatusDisposed); err != nil {
		return Errorf(ErrorCode(err), "%s: %s", a.tag, ErrorMessage(err))
	}
	if strings.TrimSpace(p.Method) == "" {
		return invalid("disposal of %s needs a method (for example shred, wipe, recycle)", a.tag)
	}
	if err := validateDate("disposal date", p.On); err != nil {
		return err
	}
	at := timestamp(e.At)
	if _, err := w.exec(`UPDATE assets SET status = 'disposed', updated_at = ? WHERE id = ?`, at, a.id); err != nil {
		return err
	}
	_, err = w.exec(`INSERT INTO disposals(asset_id, method, certificate, vendor, disposed_at) VALUES (?, ?, ?, ?, ?)`, a.id, p.Method, p.Certificate, p.Vendor, effectiveAt(p.On, e.At))
	return err
}

const ftsDoc = `concat_ws(' ', a.tag, a.serial, nullif(a.name, ''), m.name, nullif(m.model_number, ''), mf.name, p.name, p.badge, cl.code, cl.name, ca.tag, l.code, l.name)`

const ftsFrom = ` FROM assets a LEFT JOIN models m ON m.id = a.model_id LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
	LEFT JOIN people p ON p.id = a.custodian_person_id LEFT JOIN locations cl ON cl.id = a.custodian_location_id
	LEFT JOIN assets ca ON ca.id = a.custodian_asset_id LEFT JOIN locations l ON l.id = a.location_id`

// reindex marks an asset's search document for rebuilding when the
// transaction commits (flushIndex). FTS5 writes its pending terms out at every
// statement, so one rebuild per transaction instead of one per event keeps
// the index from fragmenting into a segment per change.
func (w *wtx) reindex(id int64) error {
	w.markDirty(id, false)
	return nil
}

// markDirty records that id's document must be rebuilt; fresh says the asset
// was inserted in this transaction (it has no document yet).
func (w *wtx) markDirty(id int64, fresh bool) {
	if w.noIndex {
		return
	}
	if w.dirty == nil {
		w.dirty = map[int64]bool{}
	}
	w.dirty[id] = w.dirty[id] || fresh
}

// reindexWhere marks the documents of the assets matching cond for rebuilding.
func (w *wtx) reindexWhere(cond string, args ...any) error {
	if w.noIndex {
		return nil
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT a.id FROM assets a WHERE a.`+cond, args...)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		w.markDirty(id, false)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// flushIndex rebuilds the marked search documents in two statements.
func (w *wtx) flushIndex() error {
	if err := w.flushReceipts(); err != nil { // (already done by their callers)
		return err
	}
	if len(w.dirty) == 0 {
		return nil
	}
	var fresh, old []int64
	for id, f := range w.dirty {
		if f {
			fresh = append(fresh, id)
		} else {
			old = append(old, id)
		}
	}
	w.dirty = nil
	for _, set := range []struct {
		verb string
		ids  []int64
	}{{"INSERT", fresh}, {"INSERT OR REPLACE", old}} {
		if len(set.ids) == 0 {
			continue
		}
		sort.Slice(set.ids, func(i, j int) bool { return set.ids[i] < set.ids[j] })
		b, err := json.Marshal(set.ids)
		if err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		if _, err := w.exec(set.verb+` INTO asset_fts(rowid, doc) SELECT a.id, `+ftsDoc+ftsFrom+
			` WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id`, string(b)); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
