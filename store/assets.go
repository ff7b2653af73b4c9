package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// custodianCols are an asset a's holder: its kind, how it is named for
// the command line, and its name (over custodianJoins).
const custodianCols = `CASE WHEN a.custodian_person_id IS NOT NULL THEN 'person' WHEN a.custodian_location_id IS NOT NULL THEN 'location'
		WHEN a.custodian_asset_id IS NOT NULL THEN 'asset' ELSE '' END,
	coalesce(p.badge, p.username, p.email, p.employee_no, p.name, cl.code, ca.tag, ''), coalesce(p.name, cl.name, ca.tag, '')`

// custodianJoins join an asset a's holder for custodianCols.
const custodianJoins = `
	LEFT JOIN people p ON p.id = a.custodian_person_id
	LEFT JOIN locations cl ON cl.id = a.custodian_location_id
	LEFT JOIN assets ca ON ca.id = a.custodian_asset_id`

const assetSelect = `SELECT a.id, a.uid, a.tag, coalesce(a.serial, ''), a.name, a.kind, a.status,
	coalesce(m.name, ''), coalesce(m.model_number, ''), coalesce(mf.name, ''), coalesce(cat.name, ''),
	coalesce(l.code, ''), coalesce(l.name, ''), coalesce(hl.code, ''),
	` + custodianCols + `,
	a.checked_out_at, a.due_date, a.cost_centre, coalesce(s.name, ''), coalesce(po.number, ''), a.order_number,
	a.purchase_date, a.purchase_cost, a.currency, a.warranty_end, a.eol_date, a.notes, a.custom,
	a.last_audit, a.next_audit, a.created_at, a.updated_at,
	d.method, d.certificate, d.vendor, d.disposed_at
	FROM assets a
	LEFT JOIN models m ON m.id = a.model_id
	LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
	LEFT JOIN categories cat ON cat.id = m.category_id
	LEFT JOIN locations l ON l.id = a.location_id
	LEFT JOIN locations hl ON hl.id = a.home_location_id` + custodianJoins + `
	LEFT JOIN suppliers s ON s.id = a.supplier_id
	LEFT JOIN purchase_orders po ON po.id = a.po_id
	LEFT JOIN disposals d ON d.asset_id = a.id`

func scanAsset(sc scanner) (Asset, error) {
	var a Asset
	var kind, status, ck, custom string
	var dm, dc, dv, dat sql.NullString
	err := sc.Scan(&a.ID, &a.UID, &a.Tag, &a.Serial, &a.Name, &kind, &status,
		&a.Model, &a.ModelNumber, &a.Manufacturer, &a.Category,
		&a.LocationCode, &a.LocationName, &a.HomeLocationCode, &ck, &a.Custodian, &a.CustodianName,
		&a.CheckedOutAt, &a.DueDate, &a.CostCentre, &a.Supplier, &a.PONumber, &a.OrderNumber,
		&a.PurchaseDate, &a.PurchaseCost, &a.Currency, &a.WarrantyEnd, &a.EOLDate, &a.Notes, &custom,
		&a.LastAudit, &a.NextAudit, &a.CreatedAt, &a.UpdatedAt, &dm, &dc, &dv, &dat)
	if err != nil {
		return a, err
	}
	a.Kind, a.Status, a.CustodianKind = Kind(kind), Status(status), CustodianKind(ck)
	a.Custom = map[string]string{}
	if custom != "" && custom != "{}" {
		if err := json.Unmarshal([]byte(custom), &a.Custom); err != nil {
			return a, fmt.Errorf("asset %s: bad custom fields: %w", a.Tag, err)
		}
	}
	if dm.Valid {
		a.Disposal = &Disposal{Method: dm.String, Certificate: dc.String, Vendor: dv.String, DisposedAt: dat.String}
	}
	return a, nil
}

// Asset returns the asset with the given tag.
func (db *DB) Asset(ctx context.Context, tag string) (Asset, error) {
	tag = NormalizeTag(tag)
	a, err := scanAsset(db.readRow(ctx, assetSelect+` WHERE a.tag = ?`, tag))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("no asset with tag %s", clip(tag))
	}
	if err != nil {
		return a, fmt.Errorf("read asset %s: %w", clip(tag), err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT tag FROM assets WHERE custodian_asset_id = (SELECT id FROM assets WHERE uid = ?) ORDER BY tag`, a.UID)
	if err != nil {
		return a, fmt.Errorf("read what is installed in %s: %w", a.Tag, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return a, fmt.Errorf("read what is installed in %s: %w", a.Tag, err)
		}
		a.Installed = append(a.Installed, t)
	}
	return a, rows.Err()
}

func (db *DB) assetWhere(ctx context.Context, cond string, args ...any) (Asset, error) {
	a, err := scanAsset(db.readRow(ctx, assetSelect+` WHERE `+cond, args...))
	if err != nil {
		return a, err
	}
	return a, nil
}

// Receipt describes an asset arriving. Model, Location and the other
// references are given as people name them: a model by name or model number,
// a location by code or name.
type Receipt struct {
	Tag    string // optional; generated when empty
	Serial string
	Name   string
	Model  string
	// ModelUID, when set, is the model itself (one picked from a list, as
	// the terminal UI's receive screen does): a name or number in Model
	// could name another model too.
	ModelUID     string
	Location     string
	HomeLocation string // defaults to Location
	Status       Status // defaults to in stock
	PONumber     string
	Supplier     string
	OrderNumber  string
	PurchaseDate string
	PurchaseCost string
	Currency     string
	WarrantyEnd  string
	EOLDate      string
	CostCentre   string
	Notes        string
	Custom       map[string]string
	// AllowDuplicateSerial accepts a serial another asset already has.
	AllowDuplicateSerial bool
}

// Receive records the arrival of one asset and returns it.
func (db *DB) Receive(ctx context.Context, r Receipt) (Asset, error) {
	var tag string
	return db.writeAsset(ctx, &tag, func(w *wtx) error {
		var err error
		tag, err = w.receive(r)
		return err
	})
}

// ReceiveAll records many arrivals in one transaction: all or none.
func (db *DB) ReceiveAll(ctx context.Context, rs []Receipt) ([]string, error) {
	tags := make([]string, 0, len(rs))
	// A serial twice in the batch: said as such, not as a clash with the
	// tag the batch's first copy got (which the refusal rolls back).
	seen := map[string]int{}
	for i, r := range rs {
		sn := strings.ToUpper(receiptSerial(r.Serial))
		if sn == "" || r.AllowDuplicateSerial {
			continue
		}
		if j, dup := seen[sn]; dup {
			return nil, conflict("item %d: serial %s is also item %d", i+1, clip(strings.TrimSpace(r.Serial)), j+1)
		}
		seen[sn] = i
	}
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		for i, r := range rs {
			tag, err := w.receive(r)
			if err != nil {
				e := Errorf(ErrorCode(err), "item %d: %s", i+1, ErrorMessage(err))
				e.Err = errors.Unwrap(err) // (ErrDuplicateSerial and the like: what the caller offers)
				return e
			}
			tags = append(tags, tag)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tags, nil
}

// receiptSerial is a receipt's serial as a scan reads it: without its
// invisible characters (codeText) and a scanner's AIM prefix (dropAIM).
func receiptSerial(s string) string { return dropAIM(dropInvisible(s)) }

func (w *wtx) receive(r Receipt) (string, error) {
	rec := AssetRecord{
		Serial: receiptSerial(r.Serial), Name: strings.TrimSpace(r.Name), Kind: KindHardware, Status: r.Status,
		OrderNumber: r.OrderNumber, PurchaseDate: r.PurchaseDate, PurchaseCost: r.PurchaseCost, Currency: r.Currency,
		WarrantyEnd: r.WarrantyEnd, EOLDate: r.EOLDate, CostCentre: r.CostCentre, Notes: r.Notes, Custom: r.Custom,
	}
	if rec.Status == "" {
		rec.Status = StatusInStock
	}
	if rec.Serial == "" && strings.TrimSpace(r.Serial) != "" {
		if codeText(r.Serial) == "" {
			return "", invalid("serial %q is only invisible characters (zero-width space, joiner, byte order mark): type or scan the serial again", clip(strings.TrimSpace(r.Serial)))
		}
		// ("]C1" alone: a half-made asset with no serial, a review found.)
		return "", invalid("serial %q is only a scanner's symbology prefix: scan the serial again", clip(strings.TrimSpace(r.Serial)))
	}
	if len(rec.Serial) > MaxScanLen {
		return "", invalid("serial is %d characters; at most %d", len(rec.Serial), MaxScanLen)
	}
	if rec.Serial != "" {
		// The serial of an asset registered as on order (a Snipe-IT
		// "Pending" row, say): the box has come, and that asset arrives,
		// duplicates allowed or not (allowed, a receipt that does not fit
		// it, another model or order, is the second asset it allows).
		if tag, ok, err := w.arrive(r, rec.Serial); ok || (err != nil && !(r.AllowDuplicateSerial && ErrorCode(err) == ECONFLICT)) {
			return tag, err
		}
	}
	if rec.Serial != "" && !r.AllowDuplicateSerial {
		if err := w.serialFree(rec.Serial, 0); err != nil {
			return "", err
		}
		if err := w.notAnotherNumber(rec.Serial); err != nil {
			return "", err
		}
	}
	if err := w.notALabel(rec.Serial, 0); err != nil {
		return "", err
	}
	var err error
	if rec.ModelUID, err = w.receiptModel(r); err != nil {
		return "", err
	}
	if r.Location != "" {
		if rec.LocationUID, err = w.locationUID(r.Location); err != nil {
			return "", err
		}
		if rec.LocationLabel, err = w.locationLabel(rec.LocationUID); err != nil {
			return "", err
		}
	}
	rec.HomeLocationUID = rec.LocationUID
	if r.HomeLocation != "" {
		if rec.HomeLocationUID, err = w.locationUID(r.HomeLocation); err != nil {
			return "", err
		}
	}
	if r.Supplier != "" {
		if rec.SupplierUID, err = w.ensureNamed("suppliers", r.Supplier); err != nil {
			return "", err
		}
	}
	if r.PONumber != "" {
		if rec.POUID, err = w.uidBy("purchase_orders", "number", r.PONumber); err != nil {
			return "", err
		}
		if rec.SupplierUID == "" {
			// From the order's supplier, unless the receipt names one.
			var sup sql.NullString
			if err := w.queryRow(`SELECT s.uid FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id WHERE o.uid = ?`, rec.POUID).Scan(&sup); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", fmt.Errorf("read purchase order: %w", err)
			}
			rec.SupplierUID = sup.String
		}
	}
	rec.Tag = NormalizeTag(r.Tag)
	if rec.Tag == "" {
		if rec.Tag, err = w.nextTag(); err != nil {
			return "", err
		}
	} else if err := w.checkTagScan(rec.Tag); err != nil {
		return "", err
	} else if err := w.codeFree(rec.Tag, "asset"); err != nil {
		return "", err
	}
	rec.UID = w.db.newUID()
	if err := w.emit(EvAssetReceived, rec.UID, rec); err != nil {
		return "", err
	}
	if err := w.autoLabel(rec.UID, false); err != nil { // a new asset: nothing waiting
		return "", err
	}
	return rec.Tag, nil
}

// checkTagScan refuses a given tag that is malformed, or that carries this
// device's prefix but a wrong check character (a mangled scan).
// CheckTagScan refuses a pre-printed tag scanned at receiving that is no
// tag, or whose check character fails (the desk's tag_check): said when
// it is scanned, not when the serial after it is.
func (db *DB) CheckTagScan(ctx context.Context, tag string) error {
	return db.read(ctx, func(w *wtx) error { return w.checkTagScan(NormalizeTag(tag)) })
}

// TagShaped reports whether a scan has the shape of the register's tags
// of another series than its own scheme's: letters and a dash before the
// same number of digits as a tag of the register with that prefix has
// ("ACME-09600" on a desk of ACME-00001..., migrated from Snipe-IT while
// the desk's own prefix is TD-), or more. Such a code on a roll of labels
// is a pre-printed tag, not a serial. One indexed probe.
func (db *DB) TagShaped(ctx context.Context, code string) (bool, error) {
	var shaped bool
	err := db.read(ctx, func(w *wtx) (err error) {
		shaped, err = w.seriesTag(NormalizeTag(code))
		return err
	})
	return shaped, err
}

// seriesTag is TagShaped in w's transaction, for a normalised code.
func (w *wtx) seriesTag(t string) (bool, error) {
	if ValidateTag(t) != nil {
		return false, nil
	}
	i := strings.IndexAny(t, "0123456789")
	prefix := t[:max(i, 0)]
	if i <= 0 || strings.Trim(t[i:], "0123456789") != "" || strings.Trim(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" || strings.Trim(prefix, "-") == "" {
		return false, nil
	}
	var other string
	err := w.queryRow(`SELECT tag FROM assets WHERE tag >= ? AND tag < ? ORDER BY tag LIMIT 1`, prefix+"0", prefix+":").Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up tag shape: %w", err)
	}
	// (A series grows wider past its padding, ACME-99999 then ACME-100000,
	// and one not padded, IT-1... IT-131, sorts its shortest first: a scan
	// as long as the series' first tag or longer is one of it.)
	return len(t) >= len(other) && strings.Trim(other[len(prefix):], "0123456789") == "", nil
}

// ourTag reports whether tag is shaped like the register's own tags: this
// desk's prefix and at least three digits (a check character after them),
// as a roll of pre-printed labels has, or a series the register has
// (seriesTag).
func (w *wtx) ourTag(tag string) (bool, error) {
	s, err := w.tagScheme()
	if err != nil {
		return false, err
	}
	if PrefixShaped(s.Prefix, tag) {
		return true, nil
	}
	return w.seriesTag(tag)
}

// PrefixShaped reports whether tag is prefix followed by at least three
// characters, all digits but perhaps the last (a check character): the
// shape of the tags a desk with that prefix generates, as a roll of its
// pre-printed labels has.
func PrefixShaped(prefix, tag string) bool {
	rest, ok := strings.CutPrefix(tag, prefix)
	return ok && prefix != "" && len(rest) >= 3 && strings.Trim(rest[:len(rest)-1], "0123456789") == ""
}

func (w *wtx) checkTagScan(tag string) error {
	if err := ValidateTag(tag); err != nil {
		return err
	}
	s, err := w.tagScheme()
	if err != nil {
		return err
	}
	if s.Check && s.Prefix != "" && strings.HasPrefix(tag, s.Prefix) && !CheckTag(tag) {
		return invalid("tag %s fails its check character: a mangled scan? scan it again", tag)
	}
	// Another asset's serial is no tag: a scan of it is read as the tag,
	// and the label printed for one device would name the other.
	return w.notASerial(tag)
}

// putSetting stores a setting in w's transaction.
func (w *wtx) putSetting(key, value string) error {
	if _, err := w.exec(`INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("write setting %s: %w", key, err)
	}
	return nil
}

func (w *wtx) setting(key string) (string, error) {
	var v string
	err := w.queryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, nil
}

func (w *wtx) tagScheme() (TagScheme, error) {
	s := TagScheme{Prefix: DefaultTagPrefix, Next: 1, Width: DefaultTagWidth}
	vals := map[string]string{}
	for _, k := range []string{SettingTagPrefix, SettingTagNext, SettingTagWidth, SettingTagCheck} {
		v, err := w.setting(k)
		if err != nil {
			return s, err
		}
		vals[k] = v
	}
	if v, ok := vals[SettingTagPrefix]; ok && v != "" {
		s.Prefix = v
	}
	if n, err := strconv.ParseInt(vals[SettingTagNext], 10, 64); err == nil && n > 0 {
		s.Next = n
	}
	if n, err := strconv.Atoi(vals[SettingTagWidth]); err == nil && n > 0 && n < 20 {
		s.Width = n
	}
	s.Check = vals[SettingTagCheck] == "1" || vals[SettingTagCheck] == "true"
	return s, nil
}

// nextTag generates the next free tag from this device's scheme.
func (w *wtx) nextTag() (string, error) {
	s, err := w.tagScheme()
	if err != nil {
		return "", err
	}
	for n := s.Next; n < s.Next+1_000_000; n++ {
		if n, err = w.leasedTagNumber(n); err != nil { // sync.go: leased blocks
			return "", err
		}
		tag := s.Format(n)
		// Free if no asset has it, and no location or badge either (a
		// scan of it must name one thing).
		err := w.queryRow(codeTakenQuery, tag).Scan(new(string), new(string))
		if errors.Is(err, sql.ErrNoRows) {
			if err := ValidateTag(tag); err != nil {
				return "", invalid("tag prefix %q makes invalid tags: %s", s.Prefix, ErrorMessage(err))
			}
			if err := w.putSetting(SettingTagNext, strconv.FormatInt(n+1, 10)); err != nil {
				return "", err
			}
			return tag, nil
		}
		if err != nil {
			return "", fmt.Errorf("check tag: %w", err)
		}
	}
	return "", conflict("no free tag after %s", s.Format(s.Next))
}

// NextTag previews the tag the next receipt without a tag would get.
func (db *DB) NextTag(ctx context.Context) (string, error) {
	var tag string
	err := db.peek(ctx, func(w *wtx) error {
		var err error
		tag, err = w.nextTag()
		return err
	})
	return tag, err
}

// peek runs fn in a write transaction that is rolled back: what a write
// would see and do, without doing it.
func (db *DB) peek(ctx context.Context, fn func(w *wtx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return beginErr(err)
	}
	defer tx.Rollback()
	w := &wtx{ctx: ctx, db: db, tx: tx, stmts: map[string]*sql.Stmt{}}
	defer func() {
		for _, s := range w.stmts {
			s.Close()
		}
	}()
	return fn(w)
}

// assetFor returns the uid and state of the asset with the given tag.
func (w *wtx) assetByTag(tag string) (string, assetState, error) {
	tag = NormalizeTag(tag)
	if err := ValidateTag(tag); err != nil {
		return "", assetState{}, err
	}
	var uid string
	err := w.queryRow(`SELECT uid FROM assets WHERE tag = ?`, tag).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", assetState{}, notFound("no asset with tag %s", clip(tag))
	}
	if err != nil {
		return "", assetState{}, fmt.Errorf("look up %s: %w", clip(tag), err)
	}
	a, err := w.asset(uid)
	if err == nil {
		w.peeked, w.peekedUID = &a, uid
	}
	return uid, a, err
}

// Holder is who or what an asset is checked out to.
type Holder struct {
	Kind  CustodianKind `json:"kind"`
	UID   string        `json:"uid"`
	Code  string        `json:"code"`  // badge, location code or tag
	Label string        `json:"label"` // as people read it

	// place is a person's location, read with them by resolveHolder for
	// the check-out it is resolved for (ResolveHolder drops it): where the
	// asset goes; placeKnown says it was read.
	place      string
	placeKnown bool
}

// CheckOut checks the asset with the given tag out to a holder. who is a
// person (badge, employee number, username or email), a location (code or
// name) or another asset's tag. due is YYYY-MM-DD or empty.
func (db *DB) CheckOut(ctx context.Context, tag, who, due string) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error {
		h, err := w.resolveHolder(who)
		if err != nil {
			return err
		}
		return w.checkOut(tag, h, due)
	})
}

// writeAsset runs fn as one mutation of the asset with tag *tag (fn may
// set it: a receipt's tag is generated) and returns the asset as the
// mutation left it, read from the writer's pages, which the change has just
// brought into its cache: a reader would start with a cache the commit has
// invalidated (several times the cost on a large database).
func (db *DB) writeAsset(ctx context.Context, tag *string, fn func(w *wtx) error) (Asset, error) {
	var a Asset
	_, err := db.write(ctx, func(w *wtx) error {
		if err := fn(w); err != nil {
			return err
		}
		t := NormalizeTag(*tag)
		var err error
		if a, err = scanAsset(w.queryRow(assetSelect+` WHERE a.tag = ?`, t)); err != nil {
			return fmt.Errorf("read asset %s: %w", clip(t), err)
		}
		return nil
	})
	if err != nil {
		return Asset{}, err // (a mutation read in a group that then failed)
	}
	return a, nil
}

// CheckOutTo checks an asset out to an already resolved holder.
func (db *DB) CheckOutTo(ctx context.Context, tag string, h Holder, due string) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error { return w.checkOut(tag, h, due) })
}

func (w *wtx) checkOut(tag string, h Holder, due string) error {
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return err
	}
	if due, err = ParseDate(due); err != nil {
		return invalid("due date: %s", ErrorMessage(err))
	}
	p := CheckOutPayload{UID: uid, Tag: a.tag, ToKind: h.Kind, To: h.UID, ToLabel: h.Label, Due: due}
	switch h.Kind {
	case CustodianLocation:
		p.LocationUID = h.UID
	case CustodianPerson:
		if h.placeKnown {
			p.LocationUID = h.place
			break
		}
		var loc sql.NullString
		if err := w.queryRow(`SELECT l.uid FROM people p LEFT JOIN locations l ON l.id = p.location_id WHERE p.uid = ?`, h.UID).Scan(&loc); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read person: %w", err)
		}
		p.LocationUID = loc.String
	case CustodianAsset:
		if h.UID == uid {
			return invalid("an asset cannot be installed in itself")
		}
		aerr, err := w.parentTakes(h.UID, true)
		if err != nil {
			return err
		}
		if aerr != nil {
			return aerr
		}
		var loc sql.NullString
		if err := w.queryRow(`SELECT l.uid FROM assets a LEFT JOIN locations l ON l.id = a.location_id WHERE a.uid = ?`, h.UID).Scan(&loc); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read parent asset: %w", err)
		}
		p.LocationUID = loc.String
	}
	if err := w.emit(EvAssetCheckedOut, uid, p); err != nil {
		return err
	}
	return w.carryParts(uid)
}

// carryParts moves what is installed in the asset uid to where it now is,
// after a check-out or check-in moved it (a laptop goes with its dock), as
// a move does: one asset.moved each, "with" the asset.
func (w *wtx) carryParts(uid string) error {
	var id int64
	var tag string
	var code sql.NullString
	err := w.queryRow(`SELECT a.id, a.tag, l.code FROM assets a LEFT JOIN locations l ON l.id = a.location_id
		WHERE a.uid = ? AND EXISTS (SELECT 1 FROM assets c WHERE c.custodian_asset_id = a.id)`, uid).Scan(&id, &tag, &code)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !code.Valid {
		return nil // nothing installed in it, or it is nowhere
	}
	if err != nil {
		return fmt.Errorf("read installed assets: %w", err)
	}
	return w.moveParts(id, tag, code.String, 0, map[string]bool{tag: true})
}

// CheckInOptions say where a returned asset goes and in what state.
type CheckInOptions struct {
	Location  string // code or name; default: its home location
	Condition string // ok (default), repair or retire
	// Expect, for an offboarding, is the tags the person was asked about
	// (nil: not asked): one holding more or other assets by then is
	// refused, nothing done, so that nothing is taken back unseen.
	Expect []string
	// From, when given, is the holder the caller showed (Asset.Custodian:
	// a badge, a place's code, a parent's tag): one held by another by
	// then (checked in and out again elsewhere meanwhile) is refused,
	// nothing done, so that no one is blamed, or relieved, unseen.
	From   string
	reason string // why, for history (an offboarding sets it)
}

// CheckIn takes an asset back.
func (db *DB) CheckIn(ctx context.Context, tag string, opt CheckInOptions) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error { return w.checkIn(tag, opt) })
}

func (w *wtx) checkIn(tag string, opt CheckInOptions) error {
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return err
	}
	if a.status == StatusMissing {
		return invalid("%s is marked missing, not checked out: found, it goes back in stock with tagdesk status %s in_stock, or by a stocktake's scan", a.tag, a.tag)
	}
	if a.status != StatusDeployed {
		return invalid("%s is not checked out (it is %s)", a.tag, a.status.Label())
	}
	if opt.From != "" {
		now, err := scanAsset(w.queryRow(assetSelect+` WHERE a.id = ?`, a.id))
		if err != nil {
			return fmt.Errorf("read asset %s: %w", a.tag, err)
		}
		if now.Custodian != opt.From {
			return conflict("%s is held by %s now, not %s (checked in and out again elsewhere meanwhile): nothing checked in; look at it again", a.tag, orNone(now.CustodianName), opt.From)
		}
	}
	st, err := ConditionStatus(opt.Condition)
	if err != nil {
		return err
	}
	if st == StatusRetired {
		if err := w.refuseInstalled(uid, a.tag, "retiring"); err != nil {
			return err
		}
	}
	cond := map[Status]string{StatusInStock: ConditionOK, StatusInRepair: ConditionRepair, StatusRetired: ConditionRetire, StatusMissing: ConditionMissing}[st]
	p := CheckInPayload{UID: uid, Tag: a.tag, From: a.holder, FromUID: a.held, Condition: cond, Status: st, Reason: opt.reason}
	switch {
	case opt.Location != "" && st != StatusMissing:
		// (Not returned, it goes nowhere: a place given for what comes
		// back, as an offboarding's, is not its.)
		if p.LocationUID, err = w.locationUID(opt.Location); err != nil {
			return err
		}
		if p.ToLabel, err = w.locationLabel(p.LocationUID); err != nil {
			return err
		}
	case st != StatusMissing:
		// Its home, else where it was: named for history only (to_label),
		// so that it says where the asset came back to. The event names no
		// location, so apply, the server and a redo place it at its home
		// as they find it (a given location is a choice, and a redo of an
		// offboarding reads it as one). Not returned, it stays where it
		// was last recorded, and the event names no place.
		home := a.homeID
		if !home.Valid {
			home = a.locID
		}
		if home.Valid {
			if err := w.queryRow(`SELECT name || ' (' || code || ')' FROM locations WHERE id = ?`, home.Int64).Scan(&p.ToLabel); err != nil {
				return fmt.Errorf("read home location: %w", err)
			}
		}
	}
	if err := w.emit(EvAssetCheckedIn, uid, p); err != nil {
		return err
	}
	return w.carryParts(uid)
}

// SwapResult is what a swap did: the asset taken back and the one given
// in its place.
type SwapResult struct {
	Returned Asset `json:"returned"`
	Given    Asset `json:"given"`
}

// SwapOptions tune Swap.
type SwapOptions struct {
	CheckInOptions      // how the old asset comes back: in repair unless Condition says otherwise
	AnyKind        bool // swap for an asset of another category (a phone for a laptop) too
}

// Swap exchanges a holder's asset for another, in one transaction: oldTag
// is checked in ("swapped for NEW"), in repair unless opt says otherwise,
// to its home or opt.Location; newTag is checked out to whoever (or
// wherever) had it, due back when it was. A broken laptop, a dead dock.
// The two must be of one category (a mis-scan gave a phone for a
// laptop), unless opt.AnyKind.
func (db *DB) Swap(ctx context.Context, oldTag, newTag string, sopt SwapOptions) (SwapResult, error) {
	var res SwapResult
	opt := sopt.CheckInOptions
	if opt.Condition == "" {
		opt.Condition = ConditionRepair
	}
	_, err := db.write(ctx, func(w *wtx) error {
		_, a, err := w.assetByTag(oldTag)
		if err != nil {
			return err
		}
		_, b, err := w.assetByTag(newTag)
		if err != nil {
			return err
		}
		if a.id == b.id {
			return invalid("%s cannot be swapped for itself", a.tag)
		}
		if a.status != StatusDeployed {
			return invalid("%s is not checked out (it is %s): nothing to swap; check %s out instead", a.tag, a.status.Label(), b.tag)
		}
		if b.status != StatusInStock {
			what := b.status.Label()
			if b.status == StatusDeployed {
				what = "checked out to " + b.holder
			}
			return invalid("%s is %s; only an asset in stock can be given in its place", b.tag, what)
		}
		if !sopt.AnyKind {
			var oldCat, newCat string
			const cat = `SELECT coalesce(c.name, '') FROM assets a LEFT JOIN models m ON m.id = a.model_id LEFT JOIN categories c ON c.id = m.category_id WHERE a.id = ?`
			if err := w.queryRow(cat, a.id).Scan(&oldCat); err != nil {
				return fmt.Errorf("read category: %w", err)
			}
			if err := w.queryRow(cat, b.id).Scan(&newCat); err != nil {
				return fmt.Errorf("read category: %w", err)
			}
			if oldCat != "" && newCat != "" && !strings.EqualFold(oldCat, newCat) {
				return invalid("%s is %s, %s %s: a swap gives one of the same kind", b.tag, newCat, a.tag, oldCat)
			}
		}
		h := Holder{UID: a.held, Label: a.holder}
		switch {
		case a.custP.Valid:
			h.Kind = CustodianPerson
		case a.custL.Valid:
			h.Kind = CustodianLocation
		default:
			h.Kind = CustodianAsset
		}
		var due string
		if err := w.queryRow(`SELECT due_date FROM assets WHERE id = ?`, a.id).Scan(&due); err != nil {
			return fmt.Errorf("read due date: %w", err)
		}
		opt.reason = "swapped for " + b.tag
		if err := w.checkIn(a.tag, opt); err != nil {
			return err
		}
		if err := w.checkOut(b.tag, h, due); err != nil {
			return err
		}
		list, err := w.assetsIn([]string{a.tag, b.tag})
		if err != nil {
			return err
		}
		for _, x := range list {
			if x.Tag == a.tag {
				res.Returned = x
			} else {
				res.Given = x
			}
		}
		return nil
	})
	return res, err
}

// Move records that an asset now sits at another location.
func (db *DB) Move(ctx context.Context, tag, location string) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error {
		moved, err := w.move(tag, location)
		if err == nil && !moved {
			err = invalid("%s is already at %s", NormalizeTag(tag), location)
		}
		return err
	})
}

// MoveAll moves every tag to location in one transaction: all or none.
// An asset already there is left as it is (already lists it); if every
// one is, the move is refused.
func (db *DB) MoveAll(ctx context.Context, tags []string, location string) (moved []Asset, already []string, err error) {
	_, err = db.write(ctx, func(w *wtx) error {
		var done []string
		already = nil
		movedNow := map[string]bool{} // parts too, moved with their parent
		list, err := w.partsLast(distinctTags(tags))
		if err != nil {
			return err
		}
		for _, t := range list {
			if movedNow[t] {
				done = append(done, t) // moved already, as a part of one before it
				continue
			}
			ok, err := w.moveWith(t, location, "", 0, movedNow)
			if err != nil {
				if tag, msg := clip(NormalizeTag(t)), ErrorMessage(err); !strings.HasPrefix(msg, tag+" ") {
					return Errorf(ErrorCode(err), "%s: %s", tag, msg) // (which of them)
				}
				return err
			}
			if ok {
				done = append(done, t)
			} else {
				already = append(already, NormalizeTag(t))
			}
		}
		if len(done) == 0 {
			return invalid("%s already at %s", strings.Join(already, ", "), location)
		}
		moved, err = w.assetsIn(done)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return moved, already, nil
}

// locationWithin says the location with id place is the one with id
// ancestor or inside it (a room of that office, at any depth).
func (w *wtx) locationWithin(place any, ancestor int64) (bool, error) {
	var n int
	if err := w.queryRow(`WITH RECURSIVE up(id) AS (SELECT ? UNION ALL SELECT l.parent_id FROM locations l JOIN up ON l.id = up.id WHERE l.parent_id IS NOT NULL)
		SELECT count(*) FROM up WHERE id = ?`, place, ancestor).Scan(&n); err != nil {
		return false, fmt.Errorf("read location: %w", err)
	}
	return n > 0, nil
}

// partsLast orders tags so that an asset installed in another of them
// comes after it: moved with it, it is not moved alone (moveWith refuses
// that).
func (w *wtx) partsLast(tags []string) ([]string, error) {
	listed := map[string]bool{}
	for _, t := range tags {
		listed[NormalizeTag(t)] = true
	}
	var first, last []string
	for _, t := range tags {
		// Inside one of them, at any depth (a disk in a caddy in a server)?
		ancestors, err := w.texts("read parents", `WITH RECURSIVE up(id, depth) AS (SELECT custodian_asset_id, 1 FROM assets WHERE tag = ? AND custodian_asset_id IS NOT NULL
			UNION ALL SELECT a.custodian_asset_id, up.depth + 1 FROM assets a JOIN up ON a.id = up.id WHERE a.custodian_asset_id IS NOT NULL AND up.depth < 64)
			SELECT a.tag FROM up JOIN assets a ON a.id = up.id`, NormalizeTag(t))
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(ancestors, func(p string) bool { return listed[p] }) {
			last = append(last, t)
		} else {
			first = append(first, t)
		}
	}
	return append(first, last...), nil
}

// move moves one asset, and what is installed in it (a disk goes with its
// server); moved is false when it is there already.
func (w *wtx) move(tag, location string) (moved bool, err error) {
	return w.moveWith(tag, location, "", 0, map[string]bool{})
}

// moveWith is move; movedNow collects the tags it moved.
// with is the tag of the asset it moves inside ("" for one moved itself).
func (w *wtx) moveWith(tag, location, with string, depth int, movedNow map[string]bool) (moved bool, err error) {
	if depth > 64 {
		return false, invalid("assets are nested too deeply")
	}
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return false, err
	}
	loc, err := w.locationUID(location)
	if err != nil {
		return false, err
	}
	var from, fromLabel sql.NullString
	if a.locID.Valid {
		if err := w.queryRow(`SELECT uid, name || ' (' || code || ')' FROM locations WHERE id = ?`, a.locID.Int64).Scan(&from, &fromLabel); err != nil {
			return false, fmt.Errorf("read location: %w", err)
		}
	}
	if from.String == loc {
		return false, nil
	}
	if with == "" && a.status == StatusDeployed {
		// Where it is follows what holds it: moved alone, its place and
		// its holder would say two things (a person carries what they
		// hold; a place or an asset does not).
		switch {
		case a.custA.Valid:
			return false, invalid("%s is installed in %s: take it out first (tagdesk checkin %s), or move %s, which takes it along", a.tag, a.holder, a.tag, a.holder)
		case a.custL.Valid:
			// Within the place it is checked out to (a room of that
			// office), it may move; out of it, its holder would be wrong.
			to, err := w.idOf("locations", loc)
			if err != nil {
				return false, err
			}
			if within, err := w.locationWithin(to, a.custL.Int64); err != nil {
				return false, err
			} else if !within {
				return false, invalid("%s is checked out to %s: check it in first (tagdesk checkin %s), then check it out to its new place", a.tag, a.holder, a.tag)
			}
		}
	}
	toLabel, err := w.locationLabel(loc)
	if err != nil {
		return false, err
	}
	if err := w.emit(EvAssetMoved, uid, MovePayload{UID: uid, Tag: a.tag, LocationUID: loc, FromUID: from.String, ToLabel: toLabel, FromLabel: fromLabel.String, With: with}); err != nil {
		return false, err
	}
	movedNow[a.tag] = true
	return true, w.moveParts(a.id, a.tag, location, depth, movedNow)
}

// locationLabel is a location as history names it: "Name (CODE)".
func (w *wtx) locationLabel(uid string) (string, error) {
	var l string
	if err := w.queryRow(`SELECT name || ' (' || code || ')' FROM locations WHERE uid = ?`, uid).Scan(&l); err != nil {
		return "", fmt.Errorf("read location: %w", err)
	}
	return l, nil
}

// moveParts moves what is installed in the asset with id parent to
// location (those there already pass it on to their own parts).
func (w *wtx) moveParts(parent int64, parentTag, location string, depth int, movedNow map[string]bool) error {
	parts, err := w.texts("read installed assets", `SELECT tag FROM assets WHERE custodian_asset_id = ? ORDER BY tag`, parent)
	if err != nil {
		return err
	}
	for _, t := range parts {
		if _, err := w.moveWith(t, location, parentTag, depth+1, movedNow); err != nil {
			return err
		}
	}
	return nil
}

// UpdateAsset changes descriptive fields. Keys: name, serial, notes,
// cost_centre, order_number, purchase_date, purchase_cost, currency,
// warranty_end, eol_date, next_audit, last_audit, model (name or number),
// supplier (name), home_location (code or name), custom:NAME.
func (db *DB) UpdateAsset(ctx context.Context, tag string, fields map[string]string) (Asset, error) {
	return db.updateAssetIf(ctx, tag, nil, fields)
}

// UpdateAssetIf is UpdateAsset as a compare-and-set: each field of was (a
// name of AssetFields) must still hold the value given, as [Asset.Field]
// reads it (what a screen showed before the edit), else the edit is
// refused (ECONFLICT) and nothing changes. The check is made in the
// transaction that writes, so a change committed between the read and the
// edit (another tagdesk on the database, a sync applying another desk's
// edit) is never overwritten unseen.
func (db *DB) UpdateAssetIf(ctx context.Context, tag string, was, fields map[string]string) (Asset, error) {
	return db.updateAssetIf(ctx, tag, was, fields)
}

func (db *DB) updateAssetIf(ctx context.Context, tag string, was, fields map[string]string) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error {
		if err := w.assetStillHolds(tag, was); err != nil {
			return err
		}
		if last, ok := fields["last_audit"]; ok {
			if _, given := fields["next_audit"]; !given {
				// An audit recorded by hand is due again an interval
				// later, as a count's or an import's is (else the asset
				// reads as never audited, its next audit blank or past).
				var cur string
				if err := w.queryRow(`SELECT last_audit FROM assets WHERE tag = ?`, NormalizeTag(tag)).Scan(&cur); err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("read asset: %w", err)
				}
				// (Only a new audit: the same one restated leaves a next
				// audit set by hand as it is.)
				if d, err := ParseDate(strings.TrimSpace(last)); err == nil && d != "" && d != cur {
					months, err := w.auditMonths()
					if err != nil {
						return err
					}
					fields = maps.Clone(fields)
					fields["next_audit"] = addMonths(d, months)
				}
			}
		}
		changed, err := w.updateAsset(tag, fields)
		if err == nil && !changed {
			err = invalid("nothing to change on %s", NormalizeTag(tag))
		}
		return err
	})
}

// assetStillHolds refuses, as a conflict, a field of was the asset tag no
// longer holds (none refused when it has no such asset: the edit says so).
func (w *wtx) assetStillHolds(tag string, was map[string]string) error {
	if len(was) == 0 {
		return nil
	}
	t := NormalizeTag(tag)
	a, err := scanAsset(w.queryRow(assetSelect+` WHERE a.tag = ?`, t))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read asset %s: %w", clip(t), err)
	}
	for _, k := range slices.Sorted(maps.Keys(was)) {
		now, ok := a.Field(k)
		if !ok {
			return invalid("an asset has no field %q that can be edited (fields: %s)", clip(k), strings.Join(AssetFields(), ", "))
		}
		if now != was[k] {
			return conflict("%s was changed meanwhile, elsewhere (now %q): nothing changed; look at %s again and edit what it holds now", clip(k), clip(now), a.Tag)
		}
	}
	return nil
}

// Field is the value of an editable field (a name of AssetFields) as the
// asset shows it: a model by its name, a supplier by its name, the home
// location by its code, a custom field whatever the case of its name.
func (a Asset) Field(name string) (string, bool) {
	if c, ok := strings.CutPrefix(name, "custom:"); ok {
		c = strings.TrimSpace(c)
		return customValue(a.Custom, c), c != ""
	}
	switch name {
	case "name":
		return a.Name, true
	case "serial":
		return a.Serial, true
	case "notes":
		return a.Notes, true
	case "model":
		return a.Model, true
	case "supplier":
		return a.Supplier, true
	case "home_location":
		return a.HomeLocationCode, true
	case "cost_centre":
		return a.CostCentre, true
	case "order_number":
		return a.OrderNumber, true
	case "purchase_date":
		return a.PurchaseDate, true
	case "purchase_cost":
		return a.PurchaseCost, true
	case "currency":
		return a.Currency, true
	case "warranty_end":
		return a.WarrantyEnd, true
	case "eol_date":
		return a.EOLDate, true
	case "last_audit":
		return a.LastAudit, true
	case "next_audit":
		return a.NextAudit, true
	}
	return "", false
}

// updateAsset is UpdateAsset inside a mutation; changed says whether any
// field changed (an asset.updated was emitted).
func (w *wtx) updateAsset(tag string, fields map[string]string) (changed bool, err error) {
	return w.updateAssetRefs(tag, fields, nil)
}

// updateAssetRefs is updateAsset with some of model, supplier,
// home_location and purchase_order given as uids already (an import found
// or made them).
func (w *wtx) updateAssetRefs(tag string, fields, refs map[string]string) (changed bool, err error) {
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return false, err
	}
	cur, err := w.db.assetTx(w, a.id)
	if err != nil {
		return false, err
	}
	changes := map[string]Change{}
	symbolCurrency := ""
	for k, v := range fields {
		v = strings.TrimSpace(v)
		var old string
		switch {
		case strings.HasPrefix(k, "custom:"):
			// Named as an import's header names it (trimmed, at most a
			// header cell): " RAM " is RAM, and a name the register's own
			// export could not import back is refused.
			given := strings.TrimSpace(strings.TrimPrefix(k, "custom:"))
			if given == "" {
				return false, invalid("a custom field needs a name (custom:NAME=VALUE)")
			}
			if len(given) > maxNameCell {
				return false, invalid("custom field name is %d characters long; at most %d", len(given), maxNameCell)
			}
			name, err := w.fieldName(given)
			if err != nil {
				return false, err
			}
			k = "custom:" + name
			old = cur.Custom[name]
		case k == "model":
			old = cur.ModelUID
			if v, err = w.modelUID(v); err != nil {
				return false, err
			}
		case k == "supplier":
			old = cur.SupplierUID
			if v, err = w.ensureNamed("suppliers", v); err != nil {
				return false, err
			}
		case k == "home_location":
			old = cur.HomeLocationUID
			if v, err = w.locationUID(v); err != nil {
				return false, err
			}
		default:
			var ok bool
			if old, ok = cur.text(k); !ok {
				return false, invalid("an asset has no field %q that can be edited (fields: %s)", clip(k), strings.Join(AssetFields(), ", "))
			}
			switch k {
			case "purchase_date", "warranty_end", "eol_date", "next_audit", "last_audit":
				if v, err = ParseDate(v); err != nil {
					return false, invalid("%s: %s", strings.ReplaceAll(k, "_", " "), ErrorMessage(err))
				}
				if k == "last_audit" && v > w.at.Local().Format(dateLayout) {
					// An audit not made yet (as an import refuses it: the
					// register's own export would not import back).
					return false, invalid("last audit %s is in the future", v)
				}
			case "purchase_cost":
				var sym string
				cell := v
				if v, sym, err = ParseCost(v); err != nil {
					return false, err
				}
				given, ok := fields["currency"]
				if sym != "" && !ok {
					symbolCurrency = sym // "€10": the currency too, as an import reads it
				}
				// "€10" with the currency USD: which is meant is not
				// for the register to guess (an import refuses it too;
				// a bare "$" is any dollar). A given code that is no
				// code is told so, by the currency's own check.
				g := strings.ToUpper(strings.TrimSpace(given))
				if in, may := costCurrency(cell, sym); sym != "" && isCurrencyCode(g) && !slices.Contains(may, g) {
					return false, invalid("purchase cost %q is in %s, but the currency given is %s: correct one of them", clip(cell), in, g)
				}
			case "currency":
				v = strings.ToUpper(v)
				if v != "" && !isCurrencyCode(v) {
					return false, invalid("currency %q is not a three-letter code such as EUR, USD or GBP", clip(v))
				}
			case "serial":
				// As a scan reads it (SNB2 copied with a zero-width
				// space was a second SNB2 that no scan found).
				if given := v; v != "" {
					if v = codeText(v); v == "" {
						return false, invalid("serial %q is only invisible characters (zero-width space, joiner, byte order mark): type the serial again, or serial= to clear it", clip(given))
					}
				}
				if len(v) > MaxScanLen {
					return false, invalid("serial is %d characters; at most %d", len(v), MaxScanLen)
				}
				if v != "" && !strings.EqualFold(v, old) {
					if err := w.serialFree(v, a.id); err != nil {
						return false, err
					}
					if err := w.notALabel(v, a.id); err != nil {
						return false, err
					}
				}
			}
		}
		if old != v {
			if changes[k], err = w.labelled(k, Change{Old: old, New: v}); err != nil {
				return false, err
			}
		}
	}
	for k, v := range refs {
		old := map[string]string{"model": cur.ModelUID, "supplier": cur.SupplierUID, "home_location": cur.HomeLocationUID, "purchase_order": cur.POUID}[k]
		if old != v {
			if changes[k], err = w.labelled(k, Change{Old: old, New: v}); err != nil {
				return false, err
			}
		}
	}
	if symbolCurrency != "" && symbolCurrency != cur.Currency {
		changes["currency"] = Change{Old: cur.Currency, New: symbolCurrency}
	}
	if len(changes) == 0 {
		return false, nil
	}
	return true, w.emit(EvAssetUpdated, uid, UpdatePayload{UID: uid, Tag: a.tag, Changes: changes})
}

// assetTx reads an asset's record inside a write transaction.
func (db *DB) assetTx(w *wtx, id int64) (AssetRecord, error) {
	var r AssetRecord
	var custom string
	var serial sql.NullString
	err := w.queryRow(`SELECT a.uid, a.tag, a.serial, a.name, a.status, coalesce(m.uid, ''), coalesce(hl.uid, ''), coalesce(s.uid, ''), coalesce(o.uid, ''),
		a.cost_centre, a.order_number, a.purchase_date, a.purchase_cost, a.currency, a.warranty_end, a.eol_date, a.notes, a.custom, a.last_audit, a.next_audit
		FROM assets a LEFT JOIN models m ON m.id = a.model_id LEFT JOIN locations hl ON hl.id = a.home_location_id LEFT JOIN suppliers s ON s.id = a.supplier_id
		LEFT JOIN purchase_orders o ON o.id = a.po_id
		WHERE a.id = ?`, id).Scan(&r.UID, &r.Tag, &serial, &r.Name, &r.Status, &r.ModelUID, &r.HomeLocationUID, &r.SupplierUID, &r.POUID,
		&r.CostCentre, &r.OrderNumber, &r.PurchaseDate, &r.PurchaseCost, &r.Currency, &r.WarrantyEnd, &r.EOLDate, &r.Notes, &custom, &r.LastAudit, &r.NextAudit)
	if err != nil {
		return r, fmt.Errorf("read asset: %w", err)
	}
	r.Serial = serial.String
	r.Custom = map[string]string{}
	if err := json.Unmarshal([]byte(custom), &r.Custom); err != nil {
		return r, fmt.Errorf("read asset custom fields: %w", err)
	}
	return r, nil
}

// AssetFields are the fields UpdateAsset edits (and custom:NAME).
func AssetFields() []string {
	return []string{"name", "serial", "notes", "cost_centre", "order_number", "purchase_date", "purchase_cost", "currency",
		"warranty_end", "eol_date", "last_audit", "next_audit", "model", "supplier", "home_location", "custom:NAME"}
}

func (r AssetRecord) text(field string) (string, bool) {
	switch field {
	case "name":
		return r.Name, true
	case "serial":
		return r.Serial, true
	case "notes":
		return r.Notes, true
	case "cost_centre":
		return r.CostCentre, true
	case "order_number":
		return r.OrderNumber, true
	case "purchase_date":
		return r.PurchaseDate, true
	case "purchase_cost":
		return r.PurchaseCost, true
	case "currency":
		return r.Currency, true
	case "warranty_end":
		return r.WarrantyEnd, true
	case "eol_date":
		return r.EOLDate, true
	case "last_audit":
		return r.LastAudit, true
	case "next_audit":
		return r.NextAudit, true
	}
	return "", false
}

// SetStatus moves an asset to in stock, in repair or missing (and back).
func (db *DB) SetStatus(ctx context.Context, tag string, to Status, reason string) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error { return w.setStatus(tag, to, reason) })
}

func (w *wtx) setStatus(tag string, to Status, reason string) error {
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return err
	}
	switch to {
	case StatusDeployed:
		return invalid("%s is deployed by checking it out to someone or somewhere (checkout --to), not by a status", a.tag)
	case StatusDisposed:
		return invalid("%s is disposed of with dispose, which records how (--method), not by a status", a.tag)
	}
	if err := CanTransition(a.status, to); err != nil {
		return Errorf(ErrorCode(err), "%s: %s", a.tag, ErrorMessage(err))
	}
	typ := EvAssetStatus
	if to == StatusRetired {
		typ = EvAssetRetired
		if err := w.refuseInstalled(uid, a.tag, "retiring"); err != nil {
			return err
		}
	}
	return w.emit(typ, uid, StatusPayload{UID: uid, Tag: a.tag, From: a.status, To: to, Reason: reason})
}

// What a location's code and a badge are, as refusals say it.
const (
	locationCodeIs = `'the code of location ' || name || ' (' || code || ')'`
	badgeIs        = `'the badge of ' || name || ' (' || badge || ')'`
)

// codeTakenQuery finds what already has a scannable code: an asset (its
// tag), a location (its code) or a person (their badge, or their employee
// number in any case: a scan finds those too), and says it.
const codeTakenQuery = `SELECT 'asset', 'an asset''s tag' FROM assets WHERE tag = ?1
	UNION ALL SELECT 'location', ` + locationCodeIs + ` FROM locations WHERE code = ?1
	UNION ALL SELECT 'person', ` + badgeIs + ` FROM people WHERE badge = ?1
	UNION ALL SELECT 'person', 'the employee number of ' || name || ' (' || employee_no || ')' FROM people WHERE upper(employee_no) = upper(?1) LIMIT 1`

// notASerial refuses as a new badge or location code (code, upper case)
// one that is an asset's serial (as written or in lower case): a scan is
// read as a serial before a badge or a place, so it would find the asset.
// A desk's own input rule, like a serial's (notALabel): a sync server and
// a replay do not apply it.
func (w *wtx) notASerial(code string) error {
	var tag string
	err := w.queryRow(`SELECT tag FROM assets WHERE serial IN (?1, lower(?1)) LIMIT 1`, code).Scan(&tag)
	if err == nil {
		return codeTaken(code, "the serial of asset "+tag)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check code: %w", err)
	}
	return nil
}

// codeFree refuses code as a new asset tag, location code or badge (kind
// says which) when it already is one of the others: a scan of it would
// name two things, and the desk would pick one without a word (a clerk
// scanning a shelf would hand the asset to a person). Its own kind is
// checked where it is made, with its own message.
func (w *wtx) codeFree(code, kind string) error {
	var other, what string
	err := w.queryRow(codeTakenQuery, code).Scan(&other, &what)
	if errors.Is(err, sql.ErrNoRows) || err == nil && other == kind {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check code: %w", err)
	}
	return codeTaken(code, what)
}

// codeTaken is the refusal of a code that is already what.
func codeTaken(code, what string) error {
	return conflict("%s is already %s: a scan of it must name one thing", code, what)
}

// arrive receives the asset on order whose serial the receipt names, if
// there is exactly one: it goes in stock at the receipt's location, keeping
// its tag and record. ok says it was one.
func (w *wtx) arrive(r Receipt, serial string) (tag string, ok bool, err error) {
	tags, err := w.texts("look up serial", `SELECT tag FROM assets WHERE serial IN (?, ?, ?) AND status = 'on_order' ORDER BY id LIMIT 2`, serial, strings.ToUpper(serial), strings.ToLower(serial))
	if err != nil {
		return "", false, err
	}
	if len(tags) != 1 {
		return "", false, nil // none, or two (serialFree says which)
	}
	tag = tags[0]
	if t := NormalizeTag(r.Tag); t != "" && t != tag {
		return "", false, conflict("serial %s is on order as %s: it keeps that tag (receive it without %s)", clip(serial), tag, clip(t))
	}
	if r.Model != "" || r.ModelUID != "" {
		want, err := w.receiptModel(r)
		if err != nil {
			return "", false, err
		}
		var has, name string
		if err := w.queryRow(`SELECT coalesce(m.uid, ''), coalesce(m.name, '') FROM assets a LEFT JOIN models m ON m.id = a.model_id WHERE a.tag = ?`, tag).Scan(&has, &name); err != nil {
			return "", false, fmt.Errorf("read model: %w", err)
		}
		if has != "" && has != want {
			return "", false, conflict("serial %s is on order as %s, a %s, not a %s", clip(serial), tag, name, clip(r.Model))
		}
	}
	if r.PONumber != "" {
		// The order the receipt names must be the asset's own: an arrival
		// counts against the order it was registered on, and never moves
		// it to another (an order the desk lacks is refused, as for a new
		// asset).
		want, err := w.uidBy("purchase_orders", "number", r.PONumber)
		if err != nil {
			return "", false, err
		}
		var has, number string
		if err := w.queryRow(`SELECT coalesce(o.uid, ''), coalesce(o.number, '') FROM assets a LEFT JOIN purchase_orders o ON o.id = a.po_id WHERE a.tag = ?`, tag).Scan(&has, &number); err != nil {
			return "", false, fmt.Errorf("read purchase order: %w", err)
		}
		if has != want {
			on := "on no purchase order"
			if number != "" {
				on = "on purchase order " + number
			}
			return "", false, conflict("serial %s is on order as %s, %s, not on purchase order %s (receive it without --po, or with its own)", clip(serial), tag, on, clip(r.PONumber))
		}
	}
	if r.Status != "" && r.Status != StatusInStock {
		return "", false, invalid("an asset on order arrives in stock, not %s", r.Status.Label())
	}
	if err := w.setStatus(tag, StatusInStock, "received"); err != nil {
		return "", false, err
	}
	if r.Location != "" {
		if _, err := w.move(tag, r.Location); err != nil {
			return "", false, err
		}
	}
	// What the receipt says besides (a name, a warranty, a cost): recorded
	// as an edit of the asset, as its own receipt would have recorded it.
	fields := map[string]string{}
	for k, v := range map[string]string{"name": r.Name, "notes": r.Notes, "order_number": r.OrderNumber, "purchase_date": r.PurchaseDate,
		"purchase_cost": r.PurchaseCost, "currency": r.Currency, "warranty_end": r.WarrantyEnd, "eol_date": r.EOLDate, "cost_centre": r.CostCentre,
		"supplier": r.Supplier, "home_location": r.HomeLocation} {
		if strings.TrimSpace(v) != "" {
			fields[k] = v
		}
	}
	for k, v := range r.Custom {
		if strings.TrimSpace(v) != "" {
			fields["custom:"+k] = v
		}
	}
	if len(fields) > 0 {
		if _, err := w.updateAsset(tag, fields); err != nil {
			return "", false, err
		}
	}
	// Its label, as a new asset's: the box is being tagged now.
	uid, _, err := w.assetByTag(tag)
	if err != nil {
		return "", false, err
	}
	if err := w.autoLabel(uid, true); err != nil {
		return "", false, err
	}
	return tag, true, nil
}

// serialFree refuses a serial another asset than the one with id self
// already has, as a scan matches it: as written, upper- or lower-cased (a
// scan of either asset's serial would find the other).
func (w *wtx) serialFree(serial string, self int64) error {
	var other string
	// (And as an older tagdesk stored it, with a scanner's AIM prefix: a
	// scan finds that one too, legacyAIMSerials.)
	in, legacy := legacyAIMSerials(serial)
	args := append([]any{serial, strings.ToUpper(serial), strings.ToLower(serial)}, legacy...)
	err := w.queryRow(`SELECT tag FROM assets WHERE serial IN (?, ?, ?, `+in+`) AND id <> ? LIMIT 1`, append(args, self)...).Scan(&other)
	if err == nil {
		e := conflict("serial %s is already on asset %s", clip(serial), other)
		e.Err = ErrDuplicateSerial
		return e
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check serial: %w", err)
	}
	return nil
}

// notAnotherNumber refuses as a received serial a model's number or an
// order's: the box's other barcodes, scanned in the receiving loop for its
// serial (a second box would then be refused as a duplicate serial when
// the first was the mistake). An accessory whose serial is its model
// number is received all the same when asked (AllowDuplicateSerial).
func (w *wtx) notAnotherNumber(serial string) error {
	var other string
	err := w.queryRow(`SELECT 'the model number of ' || name FROM models WHERE model_number = ?1 AND model_number <> ''
		UNION ALL SELECT 'the number of purchase order ' || number FROM purchase_orders WHERE number = ?1 LIMIT 1`, strings.TrimSpace(serial)).Scan(&other)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check serial: %w", err)
	}
	if other != "" {
		e := conflict("%s is %s, not a serial: scan the serial on the device", clip(serial), other)
		e.Err = ErrSerialIsOtherNumber
		return e
	}
	return nil
}

// notALabel refuses as a serial a code that is an asset's label: its tag,
// or a QR payload ending in it (https://…/TD-000001), and any label's link
// naming a tag of ours (LinkTags, ourTag), an asset's or not yet. Taken as
// a serial, it would make a second asset that the label's scans then find
// first (a scan resolves tags, then serials, then such URLs).
func (w *wtx) notALabel(serial string, self int64) error {
	if serial == "" {
		return nil
	}
	tag := NormalizeTag(serial)
	if ValidateTag(tag) == nil {
		// A badge or a location's code: its scans would find the asset
		// (a scan is read as a tag, then a serial, before a person or a
		// place), and a check-out go to the wrong holder.
		var kind, is string
		err := w.queryRow(codeTakenQuery, tag).Scan(&kind, &is)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check serial: %w", err)
		}
		if kind == "location" || kind == "person" {
			return conflict("%s is %s, not a serial: scan the serial on the device (or its maker's label)", clip(serial), is)
		}
		return w.notAssetsCode(serial, self, "tag", tag)
	}
	if !strings.Contains(serial, "://") {
		return nil // a serial with a slash ("CN0XK/12") is no label
	}
	// A link's path and its parameter: a scan finds the asset either names.
	inPath, inQuery, _ := urlTags(serial)
	if err := w.notAssetsCode(serial, self, "label (a URL naming its tag)", inPath, inQuery); err != nil {
		return err
	}
	for _, tag := range []string{inPath, inQuery} {
		// A label's link naming a tag of ours no asset has yet (a
		// pre-printed tag's QR): taken as a serial, its scans find this
		// asset once that tag is received (serials resolve before
		// links). A maker's link (…/s/ABC123) stays a serial.
		if tag == "" {
			continue
		}
		ours, err := w.ourTag(tag)
		if err != nil {
			return fmt.Errorf("check serial: %w", err)
		}
		if ours {
			return invalid("%s is a label's link, not a serial: scan the serial", clip(serial))
		}
	}
	return nil
}

// notAssetsCode refuses serial when one of tags (those not "") is another
// asset's than self: it is that asset's code (what), and its scans would
// find that asset.
func (w *wtx) notAssetsCode(serial string, self int64, what string, tags ...string) error {
	for _, tag := range tags {
		if tag == "" {
			continue
		}
		var n int
		if err := w.queryRow(`SELECT count(*) FROM assets WHERE tag = ? AND id <> ?`, tag, self).Scan(&n); err != nil {
			return fmt.Errorf("check serial: %w", err)
		}
		if n > 0 {
			return conflict("%s is asset %s's %s, not a serial: scan the serial on the device (or its maker's label)", clip(serial), tag, what)
		}
	}
	return nil
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// refuseInstalled refuses to retire or dispose of an asset that others are
// installed in (a server's disks): they would stay deployed inside it, and
// a disk that holds data would leave without a disposal record of its own.
func (w *wtx) refuseInstalled(uid, tag, doing string) error {
	var n int
	var first sql.NullString
	if err := w.queryRow(`SELECT count(*), min(tag) FROM assets WHERE custodian_asset_id = (SELECT id FROM assets WHERE uid = ?)`, uid).Scan(&n, &first); err != nil {
		return fmt.Errorf("read installed assets: %w", err)
	}
	switch n {
	case 0:
		return nil
	case 1:
		return invalid("%s has %s installed in it: check it in first, before %s %s", tag, first.String, doing, tag)
	}
	return invalid("%s has %d assets installed in it (%s and others): check them in first, before %s %s", tag, n, first.String, doing, tag)
}

// parentTakes refuses (aerr) installing into the asset with uid parent
// when it is retired or disposed: it is out of service, and could not be
// retired or disposed of with the new part inside it. here adds what only
// the desk doing the installing can refuse: a parent that is not at the
// desk to take the part, missing or on order (parentAbsent). The server
// checks a desk's check-out without it: the parent may have gone missing
// on another desk after the part went in where it was made, and refusing
// that check-out would part the desks.
func (w *wtx) parentTakes(parent string, here bool) (aerr, err error) {
	var tag, status string
	err = w.queryRow(`SELECT tag, status FROM assets WHERE uid = ?`, parent).Scan(&tag, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // apply says there is no such asset
	}
	if err != nil {
		return nil, fmt.Errorf("read parent asset: %w", err)
	}
	if st := Status(status); st == StatusRetired || st == StatusDisposed {
		return invalid("%s is %s: nothing can be installed in it", tag, st.Label()), nil
	}
	if here {
		return parentAbsent(tag, Status(status)), nil
	}
	return nil, nil
}

// parentAbsent refuses installing a part in the asset tag, of status st,
// when that asset is not at the desk to take it: missing (lost, stolen) or
// on order (not received yet). In repair, in stock or deployed, it takes
// parts.
func parentAbsent(tag string, st Status) error {
	switch st {
	case StatusMissing:
		return invalid("%s is missing: find it first (tagdesk status %s in_stock, or a stocktake's scan of it), then install parts in it", tag, tag)
	case StatusOnOrder:
		return invalid("%s is on order: receive it first (its serial, with tagdesk receive), then install parts in it", tag)
	}
	return nil
}

// Retire retires an asset (it must not be checked out).
func (db *DB) Retire(ctx context.Context, tag, reason string) (Asset, error) {
	return db.SetStatus(ctx, tag, StatusRetired, reason)
}

// Dispose records an asset's disposal: final.
func (db *DB) Dispose(ctx context.Context, tag string, d Disposal) (Asset, error) {
	return db.writeAsset(ctx, &tag, func(w *wtx) error {
		return w.dispose(tag, DisposePayload{Method: strings.TrimSpace(d.Method), Certificate: strings.TrimSpace(d.Certificate), Vendor: strings.TrimSpace(d.Vendor)})
	})
}

// dispose records the disposal p says (its uid and tag filled in here).
func (w *wtx) dispose(tag string, p DisposePayload) error {
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		return err
	}
	if err := CanTransition(a.status, StatusDisposed); err != nil {
		return Errorf(ErrorCode(err), "%s: %s", a.tag, ErrorMessage(err))
	}
	if err := w.refuseInstalled(uid, a.tag, "disposing of"); err != nil {
		return err
	}
	// Its labels waiting in this desk's queue will never be needed (the
	// queue is the desk's own, not part of the register's history).
	if _, err := w.exec(`UPDATE print_jobs SET status = 'cancelled', last_error = 'the asset was disposed of', updated_at = ? WHERE asset_id = ? AND status = 'queued'`, timestamp(w.at), a.id); err != nil {
		return err
	}
	p.UID, p.Tag = uid, a.tag
	return w.emit(EvAssetDisposed, uid, p)
}

// AssetHistory returns an asset's events, oldest first.
func (db *DB) AssetHistory(ctx context.Context, tag string) (Asset, []Event, error) {
	a, err := db.Asset(ctx, tag)
	if err != nil {
		return a, nil, err
	}
	evs, err := db.History(ctx, a.UID)
	return a, evs, err
}

// CheckOutAll checks out every tag to one holder in one transaction: all or none.
func (db *DB) CheckOutAll(ctx context.Context, tags []string, who, due string) ([]Asset, error) {
	var out []Asset
	_, err := db.write(ctx, func(w *wtx) error {
		h, err := w.resolveHolder(who)
		if err != nil {
			return err
		}
		once := distinctTags(tags)
		for _, t := range once {
			if err := w.checkOut(t, h, due); err != nil {
				return err
			}
		}
		out, err = w.assetsIn(once)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// distinctTags returns the tags scans name, each once, in the order first
// named: a tag scanned twice (or typed in lower case once) is one asset to
// act on, not a second action that would fail. A tag names one asset, so
// the normalised tag is the asset; resolving it is left to the action.
func distinctTags(scans []string) []string {
	seen := make(map[string]bool, len(scans))
	out := make([]string, 0, len(scans))
	for _, s := range scans {
		if t := NormalizeTag(s); !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// CheckInAll checks in every tag in one transaction: all or none.
func (db *DB) CheckInAll(ctx context.Context, tags []string, opt CheckInOptions) ([]Asset, error) {
	var out []Asset
	_, err := db.write(ctx, func(w *wtx) error {
		once := distinctTags(tags)
		for _, t := range once {
			if err := w.checkIn(t, opt); err != nil {
				return err
			}
		}
		var err error
		out, err = w.assetsIn(once)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// assetsIn reads tags' assets in the transaction that changed them: what
// the change made of them, not what another writer (a second tagdesk)
// made of them a moment after it committed.
func (w *wtx) assetsIn(tags []string) ([]Asset, error) {
	out := make([]Asset, 0, len(tags))
	for _, t := range tags {
		t = NormalizeTag(t)
		a, err := scanAsset(w.queryRow(assetSelect+` WHERE a.tag = ?`, t))
		if err != nil {
			return nil, fmt.Errorf("read asset %s: %w", clip(t), err)
		}
		out = append(out, a)
	}
	return out, nil
}

// receiptModel is the model a receipt names: its ModelUID, else the model
// its Model names (by name or model number); "" for none.
func (w *wtx) receiptModel(r Receipt) (string, error) {
	if r.ModelUID == "" {
		if r.Model == "" {
			return "", nil
		}
		return w.modelUID(r.Model)
	}
	var n int
	if err := w.queryRow(`SELECT count(*) FROM models WHERE uid = ?`, r.ModelUID).Scan(&n); err != nil {
		return "", fmt.Errorf("look up model: %w", err)
	}
	if n == 0 {
		return "", notFound("no model %q (it may have been merged with another since: choose it again)", clip(cmp.Or(r.Model, r.ModelUID)))
	}
	return r.ModelUID, nil
}
