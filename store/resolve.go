package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ResolvedKind says what a scan turned out to be.
type ResolvedKind string

// What a scan can resolve to.
const (
	ResolvedAsset    ResolvedKind = "asset"
	ResolvedPerson   ResolvedKind = "person"
	ResolvedLocation ResolvedKind = "location"
)

// Resolution is what a scanned string names.
type Resolution struct {
	Kind     ResolvedKind `json:"kind"`
	Via      string       `json:"via"`  // tag, serial, url, badge, employee_number, username, email, code, name
	Code     string       `json:"code"` // the cleaned scan
	Asset    *Asset       `json:"asset,omitempty"`
	Person   *Person      `json:"person,omitempty"`
	Location *Location    `json:"location,omitempty"`
}

var aimPrefix = regexp.MustCompile(`^\][A-Za-z][0-9A-Za-z]`)

// dropAIM trims s and drops a scanner's AIM symbology identifier (]C1,
// ]Q1) before it: a scan, a receipt's serial and a holder are read alike.
// Every one: a scanner and the wedge software behind it may each add one
// (]C1]C1SN-7), and a serial stored with the second is found by no scan.
func dropAIM(s string) string {
	s = strings.TrimSpace(s)
	for aimPrefix.MatchString(s) {
		s = strings.TrimSpace(s[3:])
	}
	return s
}

// CleanScan checks and tidies a scanned string: it refuses oversized or
// non-UTF-8 input, drops an AIM symbology identifier (]Q1, ]C0, ...) and
// control characters, and trims spaces.
func CleanScan(s string) (string, error) {
	if len(s) > MaxScanLen+ScanFraming {
		return "", invalid("%d bytes is too long for a tag, serial or other code (at most %d)", len(s), MaxScanLen)
	}
	if !utf8.ValidString(s) {
		return "", invalid("scan is not valid text (check the scanner's keyboard layout)")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isInvisible(r) {
			return -1
		}
		return r
	}, s)
	if s = dropAIM(s); s == "" {
		return "", invalid("empty scan")
	}
	if len(s) > MaxScanLen {
		return "", invalid("%d bytes is too long for a tag, serial or other code (at most %d)", len(s), MaxScanLen)
	}
	return s, nil
}

// ScanFraming is the room a scan may take past MaxScanLen for what a
// scanner adds around a code and CleanScan drops (AIM identifiers, two at
// most, spaces, control characters): a 256-byte label link read with ]Q1
// in front is still read.
const ScanFraming = 16

// isInvisible reports the characters that show as nothing and that no
// scanner types, but that a code copied from a web page or a spreadsheet
// may carry: zero-width space, joiners, word joiner, byte order mark.
// In a serial they made a second one that looked like the first.
func isInvisible(r rune) bool {
	return r == 0x200b || r == 0x200c || r == 0x200d || r == 0x2060 || r == 0xfeff
}

// DropInvisible is s without the invisible characters that scans and an
// import's serials drop (isInvisible): the command line's tags and serials
// are read so too.
func DropInvisible(s string) string { return dropInvisible(s) }

// codeText is a code given as text, not upper-cased (a serial, an
// employee number, a username, an email), as a scan reads it: without its
// invisible characters, trimmed. Where the store takes or looks up such a
// code, it reads it so (a serial set by an update, a holder, a person's
// identifiers); a name keeps them (a zero-width non-joiner is part of a
// Persian name).
func codeText(s string) string { return strings.TrimSpace(dropInvisible(s)) }

// dropInvisible is s without its invisible characters (isInvisible).
func dropInvisible(s string) string {
	if isASCII(s) || !utf8.ValidString(s) { // (invalid text is refused as such, not mended by Map)
		return s
	}
	return strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
}

// SnipeITIDField is the custom field an import keeps Snipe-IT's own asset
// id in (its ID column), which its labels' QR codes link to.
const SnipeITIDField = "Snipe-IT ID"

// snipeITLink reads Snipe-IT's default QR payload, a link to
// /hardware/{id} (its own id of the asset), and returns the id.
func snipeITLink(s string) (string, bool) {
	if !strings.Contains(s, "/hardware/") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	dir, id := path.Split(strings.TrimRight(u.Path, "/"))
	if !strings.HasSuffix(dir, "/hardware/") || id == "" || strings.Trim(id, "0123456789") != "" {
		return "", false
	}
	return id, true // (as written: "01009" is 1009, snipeID)
}

// urlTags reads the tags a QR payload's link may carry, such as
// https://assets.example.com/a/TD-000123, .../hardware/bytag/TD-1 or
// ?tag=TD-1: its last path segment, and its first tag, asset_tag or t
// parameter with a value (key names which), each normalised, "" when it
// is none or not tag-shaped. A scan takes the path's tag when an asset has
// it (a parameter after it may be a cache-buster or a tracker's), and the
// parameter's otherwise (resolveURL). labels keeps a copy of this rule
// (and snipeITLink's) to check a template's link (labels/scanback.go):
// TestTemplateLinksScanBack in cmd/tagdesk keeps the two alike.
func urlTags(s string) (inPath, inQuery, key string) {
	if !strings.Contains(s, "/") && !strings.Contains(s, "=") {
		return "", "", ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "", ""
	}
	for _, k := range []string{"tag", "asset_tag", "t"} {
		if v := u.Query().Get(k); v != "" {
			if tag := NormalizeTag(v); ValidateTag(tag) == nil {
				inQuery, key = tag, k
			}
			break
		}
	}
	p := strings.TrimRight(u.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	if tag := NormalizeTag(p); ValidateTag(tag) == nil {
		inPath = tag
	}
	return inPath, inQuery, key
}

// LinkTags are the tags a label's link may name (https://…/hardware/TD-1,
// …/view?tag=TD-1), read as a scan reads them (urlTags): its path's last
// word and its tag parameter, each "" when code is no link (it has no
// "://") or that part is not tag-shaped. Receiving reads a link naming a
// pre-printed tag as that tag, and no link naming a tag is a serial
// (notALabel).
func LinkTags(code string) (inPath, inQuery string) {
	code = dropAIM(codeText(code))
	if !strings.Contains(code, "://") {
		return "", ""
	}
	inPath, inQuery, _ = urlTags(code)
	return inPath, inQuery
}

// resolveURL finds the asset a link names (urlTags): the one its path
// names, else the one its parameter names; a link whose path and
// parameter name two assets is refused (which was meant?). ok is false
// when it names none.
func resolveURL(row rowFunc, code string) (a Asset, ok bool, err error) {
	inPath, inQuery, key := urlTags(code)
	var found []Asset
	for _, tag := range []string{inPath, inQuery} {
		if tag == "" || (len(found) > 0 && found[0].Tag == tag) {
			continue
		}
		a, err := scanAsset(row(assetSelect+` WHERE a.tag = ?`, tag))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return a, false, fmt.Errorf("resolve url: %w", err)
		}
		found = append(found, a)
	}
	switch len(found) {
	case 0:
		return Asset{}, false, nil
	case 1:
		return found[0], true, nil
	}
	return Asset{}, false, invalid("%s names two assets, %s in its path and %s in its %s parameter: scan the label's barcode, or type the tag", clip(code), found[0].Tag, found[1].Tag, key)
}

// Resolve finds what a scanned or typed code names: an asset (by tag, then
// serial, then a QR URL naming its tag), a person (badge, employee number,
// username, email) or a location (code, exact name).
func (db *DB) Resolve(ctx context.Context, scan string) (Resolution, error) {
	code, err := CleanScan(scan)
	if err != nil {
		return Resolution{}, err
	}
	res := Resolution{Code: code}
	if a, via, err := db.resolveAsset(ctx, code); err == nil {
		res.Kind, res.Via, res.Asset = ResolvedAsset, via, &a
		return res, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return res, err
	}
	up := strings.ToUpper(code)
	for _, c := range []struct{ col, v, via string }{{"badge", up, "badge"}, {"employee_no", code, "employee_number"}, {"username", code, "username"}, {"email", code, "email"}} {
		p, err := db.personWhere(ctx, personIs("p.", c.col), c.v, c.v) // (a scan reads it so: CleanScan)
		if err == nil && c.col == "username" {
			// A place's code too (its label): which was scanned? (A
			// leaver's username gives way to the place.)
			var lc, ln string
			switch lerr := db.readRow(ctx, `SELECT code, name FROM locations WHERE code = ?`, up).Scan(&lc, &ln); {
			case lerr == nil && p.Active:
				return res, invalid("%q is %s's username and the code of %s (%s): scan their badge, or find the place by name", clip(code), p.Name, ln, lc)
			case lerr == nil:
				continue
			case !errors.Is(lerr, sql.ErrNoRows):
				return res, fmt.Errorf("resolve location: %w", lerr)
			}
		}
		if err == nil {
			res.Kind, res.Via, res.Person = ResolvedPerson, c.via, &p
			return res, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return res, err
		}
	}
	for _, c := range []struct{ col, v, via string }{{"code", up, "code"}, {"name", code, "name"}} {
		var l Location
		err := db.r.QueryRowContext(ctx, `SELECT l.id, l.uid, l.code, l.name, coalesce(p.code, '') FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.`+c.col+` = ? LIMIT 1`, c.v).
			Scan(&l.ID, &l.UID, &l.Code, &l.Name, &l.ParentCode)
		if err == nil {
			res.Kind, res.Via, res.Location = ResolvedLocation, c.via, &l
			return res, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return res, fmt.Errorf("resolve location: %w", err)
		}
	}
	return res, notFound("unknown code %q: no asset, person or location has it", clip(code))
}

// ResolveAsset finds the asset a scan names (tag, serial or QR URL).
func (db *DB) ResolveAsset(ctx context.Context, scan string) (Asset, error) {
	code, err := CleanScan(scan)
	if err != nil {
		return Asset{}, err
	}
	a, _, err := db.resolveAsset(ctx, code)
	return a, err
}

// rowFunc runs a query for one row: on a reader (DB.readRow) or in a
// transaction (wtx.queryRow), so that a scan reads alike in both.
type rowFunc func(query string, args ...any) scanner

func (db *DB) resolveAsset(ctx context.Context, code string) (Asset, string, error) {
	return resolveAsset(func(q string, args ...any) scanner { return db.readRow(ctx, q, args...) }, code)
}

// resolveAsset finds the asset a cleaned scan names (code: CleanScan's),
// and how (tag, serial, snipe-it id, url), reading with row.
func resolveAsset(row rowFunc, code string) (Asset, string, error) {
	where := func(cond string, args ...any) (Asset, error) {
		return scanAsset(row(assetSelect+` WHERE `+cond, args...))
	}
	up := NormalizeTag(code)
	// Serials are matched as scanned, upper-cased as most are printed, or
	// lower-cased (as typed by hand at a receipt: receiving it again is
	// refused as the same serial, so a scan finds it): the asset when
	// exactly one carries the serial (only when none does is it asked
	// below whether two do).
	const bySerial = `a.id = (SELECT CASE WHEN count(*) = 1 THEN min(id) END FROM (SELECT id FROM assets WHERE serial IN (?, ?, ?) LIMIT 2))`
	upper, lower := strings.ToUpper(code), strings.ToLower(code)
	var a Asset
	var err error
	if ValidateTag(up) == nil {
		// The tag, or else the serial, in one statement: a scan is one or
		// the other, and a second statement was a third of a serial's time.
		a, err = scanAsset(row(assetSelect+` WHERE a.tag = ? UNION ALL `+assetSelect+` WHERE `+bySerial+` LIMIT 1`, up, code, upper, lower))
		if err == nil {
			if a.Tag == up {
				return a, "tag", nil
			}
			return a, "serial", nil
		}
	} else {
		a, err = where(bySerial, code, upper, lower)
		if err == nil {
			return a, "serial", nil
		}
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, "", fmt.Errorf("resolve %q: %w", clip(code), err)
	}
	var n int
	if err := row(`SELECT count(*) FROM (SELECT id FROM assets WHERE serial IN (?, ?, ?) LIMIT 2)`, code, upper, lower).Scan(&n); err != nil {
		return Asset{}, "", fmt.Errorf("resolve serial: %w", err)
	}
	if n == 2 {
		return Asset{}, "", invalid("serial %s is on more than one asset: scan the asset tag", clip(code))
	}
	if raw, ok := snipeITLink(code); ok {
		// Snipe-IT's default QR code: its own id of the asset, which is
		// not the tag (an asset tagged 1005 is seldom Snipe-IT's 1005).
		// The one asset with the id, as bySerial finds a serial's; only
		// when none is found is it asked whether two have it. The id is
		// a number (01009 is 1009), stored so by an import, or as the
		// file wrote it by an older one (snipeIDForms): an asset stored
		// with the number as it is is the one, and only when none is are
		// the other forms counted, never one that reads two ways ("1.000"
		// may be 1: no file says here).
		id := snipeID(raw)
		args := []any{id}
		for _, f := range snipeIDForms(id, raw) {
			if _, two := twoWayID(f); !two || f == id {
				args = append(args, f)
			}
		}
		const sid = `json_extract(custom, '$."Snipe-IT ID"')`
		withID := `(SELECT id, ` + sid + ` = ? AS exact FROM assets WHERE ` + sid + ` IN (?` + strings.Repeat(", ?", len(args)-2) + `) ORDER BY exact DESC LIMIT 2)`
		a, err := where(`a.id = (SELECT CASE WHEN count(*) = 1 THEN min(id) WHEN min(exact) < max(exact) THEN max(CASE WHEN exact THEN id END) END FROM `+withID+`)`, args...)
		if err == nil {
			return a, "snipe-it id", nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return a, "", fmt.Errorf("resolve Snipe-IT id: %w", err)
		}
		var n int
		if err := row(`SELECT count(*) FROM `+withID, args...).Scan(&n); err != nil {
			return Asset{}, "", fmt.Errorf("resolve Snipe-IT id: %w", err)
		}
		if n > 1 {
			// (Two Snipe-IT instances imported, or a file with the id
			// twice: a link names neither.)
			return Asset{}, "", invalid("%s is a Snipe-IT label's link to its asset id %s, which more than one asset here was imported with: scan the label's barcode, which holds the tag", clip(code), id)
		}
		return Asset{}, "", notFound("%s is a Snipe-IT label's link to its own asset id %s, and no asset here was imported with that id (the custom field %s): scan the label's barcode, which holds the tag", clip(code), id, SnipeITIDField)
	}
	if a, ok, err := resolveURL(row, code); err != nil || ok {
		return a, "url", err
	}
	// A serial an older tagdesk stored with a scanner's AIM prefix, which
	// scans now drop (]C1SN-7 stored, SN-7 scanned).
	in, args := legacyAIMSerials(code)
	a, err = where(`a.id = (SELECT CASE WHEN count(*) = 1 THEN min(id) END FROM (SELECT id FROM assets WHERE serial IN (`+in+`) LIMIT 2))`, args...)
	if err == nil {
		return a, "serial", nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return a, "", fmt.Errorf("resolve serial: %w", err)
	}
	return Asset{}, "", notFound("no asset with tag or serial %q", clip(code))
}

// aimLegacy are the AIM symbology identifiers a scanner puts before a code
// (ISO/IEC 15424: each symbology's letter and its modifiers): an older
// tagdesk stored a serial with one before it.
var aimLegacy = func() []string {
	var out []string
	for _, s := range []struct{ sym, mods string }{
		{"A", "01234567"}, {"C", "01245"}, {"E", "01234"}, {"F", "0124"}, {"G", "0"},
		{"H", "012"}, {"I", "0134"}, {"L", "012"}, {"M", "01"}, {"Q", "0123456"},
		{"R", "0"}, {"S", "012"}, {"U", "0123"}, {"X", "0123456789"}, {"d", "0123456"},
		{"e", "0123"}, {"z", "0123456789ABC"},
	} {
		for _, m := range s.mods {
			out = append(out, "]"+s.sym+string(m))
		}
	}
	return out
}()

// legacyAIMSerials is an IN list (its placeholders and values) of code as
// an older tagdesk may have stored it: after an AIM identifier, as
// scanned, upper- or lower-cased. Each an exact lookup on the serial index:
// a desk whose every serial was stored so reads no more than one without.
func legacyAIMSerials(code string) (string, []any) {
	var args []any
	seen := map[string]bool{}
	for _, v := range []string{code, strings.ToUpper(code), strings.ToLower(code)} {
		if seen[v] {
			continue
		}
		seen[v] = true
		for _, p := range aimLegacy {
			args = append(args, p+v)
		}
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", "), args
}
