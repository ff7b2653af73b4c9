package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// uidBy returns the uid of the row of table whose column equals v.
func (w *wtx) uidBy(table, column, v string) (string, error) {
	uid, err := w.existing(`SELECT uid FROM `+table+` WHERE `+column+` = ?`, v)
	if err != nil {
		return "", fmt.Errorf("look up %s: %w", uidTables[table], err)
	}
	if uid == "" {
		return "", notFound("no %s %q", uidTables[table], clip(v))
	}
	return uid, nil
}

// ensureNamed returns the uid of the manufacturer, category or supplier with
// that name, creating it (with its event) if it does not exist.
func (w *wtx) ensureNamed(table, name string) (string, error) {
	name = nameSpaces(name)
	uid, err := w.uidBy(table, "name", name)
	if ErrorCode(err) != ENOTFOUND {
		return uid, err
	}
	if old, err := w.spacedNames(table, name); err != nil || len(old) > 0 {
		if err != nil {
			return "", err
		}
		return old[0], nil
	}
	ev := map[string]EventType{"manufacturers": EvManufacturerCreated, "categories": EvCategoryCreated, "suppliers": EvSupplierCreated}[table]
	uid = w.db.newUID()
	return uid, w.emit(ev, uid, NamedPayload{UID: uid, Name: name})
}

// spacedRow is an entry an older build stored with a run of spaces in its
// name (a model: or its number), with them as one space.
type spacedRow struct{ uid, name, number string }

// spacedRows are table's entries stored with runs of spaces (models
// without a number first), read once a transaction: names made in it have
// one space, so the list stands (a rename, or a savepoint rolled back,
// clears it), and a miss per row of an import does not read the whole
// table each time.
func (w *wtx) spacedRows(table string) ([]spacedRow, error) {
	if rows, ok := w.spaced[table]; ok {
		return rows, nil
	}
	q := `SELECT uid, name, '' FROM ` + table + ` WHERE instr(name, '  ') > 0`
	if table == "models" {
		q = `SELECT uid, name, model_number FROM models WHERE instr(name, '  ') > 0 OR instr(model_number, '  ') > 0 ORDER BY model_number <> '', id`
	}
	rs, err := w.tx.QueryContext(w.ctx, q)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", uidTables[table], err)
	}
	defer rs.Close()
	var rows []spacedRow
	for rs.Next() {
		var r spacedRow
		if err := rs.Scan(&r.uid, &r.name, &r.number); err != nil {
			return nil, fmt.Errorf("look up %s: %w", uidTables[table], err)
		}
		r.name, r.number = nameSpaces(r.name), nameSpaces(r.number)
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("look up %s: %w", uidTables[table], err)
	}
	if w.spaced == nil {
		w.spaced = map[string][]spacedRow{}
	}
	w.spaced[table] = rows
	return rows, nil
}

// spacedNames are the uids of table's entries stored with runs of spaces
// whose name is s once they are one space (s is: nameSpaces): a miss's
// fallback.
func (w *wtx) spacedNames(table, s string) ([]string, error) {
	return w.spacedMatches(table, s, "", true, false)
}

// spacedMatches are the uids of table's entries stored with runs of spaces
// whose name (byName) and model number (byNumber, models) are name and
// number once their runs are one space.
func (w *wtx) spacedMatches(table, name, number string, byName, byNumber bool) ([]string, error) {
	rows, err := w.spacedRows(table)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rows {
		if (!byName || strings.EqualFold(r.name, name)) && (!byNumber || strings.EqualFold(r.number, number)) {
			out = append(out, r.uid)
		}
	}
	return out, nil
}

// modelUID finds a model by name or model number.
func (w *wtx) modelUID(s string) (string, error) {
	s = nameSpaces(s)
	rows := []string{}
	byNumber := false
	for i, q := range []string{`SELECT uid FROM models WHERE name = ? LIMIT 2`, `SELECT uid FROM models WHERE model_number = ? LIMIT 2`} {
		byNumber = i == 1
		st, err := w.prepared(q)
		if err != nil {
			return "", err
		}
		r, err := st.QueryContext(w.ctx, s)
		if err != nil {
			return "", fmt.Errorf("look up model: %w", err)
		}
		for r.Next() {
			var uid string
			if err := r.Scan(&uid); err != nil {
				r.Close()
				return "", fmt.Errorf("look up model: %w", err)
			}
			rows = append(rows, uid)
		}
		r.Close()
		if len(rows) > 0 {
			break
		}
		// (One stored with a run of spaces, before names had one.)
		spaced, err := w.spacedMatches("models", s, s, !byNumber, byNumber)
		if err != nil {
			return "", err
		}
		if rows = append(rows, spaced...); len(rows) > 0 {
			break
		}
	}
	switch len(rows) {
	case 0:
		return "", notFound("no model %q (by name or model number)", clip(s))
	case 1:
		return rows[0], nil
	}
	if byNumber {
		return "", invalid("%q is the model number of more than one model: give the model's name", clip(s))
	}
	return "", invalid("%q names more than one model: give the model number", clip(s))
}

// ensureModel finds a model by name and number, creating it and its
// manufacturer and category when missing.
func (w *wtx) ensureModel(name, number, manufacturer, category string) (string, error) {
	name, number = nameSpaces(name), nameSpaces(number)
	if name == "" {
		name = number
	}
	if name == "" {
		return "", nil
	}
	var uid string
	err := w.queryRow(`SELECT uid FROM models WHERE name = ? AND model_number = ?`, name, number).Scan(&uid)
	if err == nil {
		return uid, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("look up model: %w", err)
	}
	if spaced, err := w.spacedMatches("models", name, number, true, true); err != nil || len(spaced) > 0 {
		if err != nil {
			return "", err
		}
		return spaced[0], nil
	}
	p := ModelPayload{UID: w.db.newUID(), Name: name, ModelNumber: number}
	if strings.TrimSpace(manufacturer) != "" {
		if p.ManufacturerUID, err = w.ensureNamed("manufacturers", manufacturer); err != nil {
			return "", err
		}
	}
	if strings.TrimSpace(category) != "" {
		if p.CategoryUID, err = w.ensureNamed("categories", category); err != nil {
			return "", err
		}
	}
	return p.UID, w.emit(EvModelCreated, p.UID, p)
}

// locationUID finds a location by code (without invisible characters:
// NormalizeTag), then by exact name (as given); a location label scanned
// with the scanner's AIM prefix (]C1DUB-STORE) too, as a scan of a tag, a
// serial or a badge is read.
func (w *wtx) locationUID(s string) (string, error) {
	s = strings.TrimSpace(s)
	uid, err := w.locationByCodeOrName(s)
	if d := dropAIM(s); ErrorCode(err) == ENOTFOUND && d != s && d != "" {
		if uid, derr := w.locationByCodeOrName(d); derr == nil {
			return uid, nil
		}
	}
	return uid, err
}

func (w *wtx) locationByCodeOrName(s string) (string, error) {
	if uid, err := w.uidBy("locations", "code", NormalizeTag(s)); ErrorCode(err) != ENOTFOUND {
		return uid, err
	}
	return w.locationNamed(s, "code or name")
}

// locationNamed finds a location by its exact name (its spaces one space);
// tried names the lookups made, for the refusal.
func (w *wtx) locationNamed(s, tried string) (string, error) {
	s = nameSpaces(s)
	uids, err := w.texts("look up location", `SELECT uid FROM locations WHERE name = ? LIMIT 2`, s)
	if err != nil {
		return "", err
	}
	if len(uids) == 0 {
		if uids, err = w.spacedNames("locations", s); err != nil {
			return "", err
		}
	}
	switch len(uids) {
	case 0:
		return "", notFound("no location %q (by %s)", clip(s), tried)
	case 1:
		return uids[0], nil
	}
	return "", invalid("%q names more than one location: use its code", clip(s))
}

// locationByName finds a location by name, then by code: what a file's
// name column says (Snipe-IT's files hold names, and "Lab" is the place
// named Lab, not the one whose code is LAB).
func (w *wtx) locationByName(s string) (string, error) {
	uid, err := w.locationNamed(s, "name or code")
	if err == nil || ErrorCode(err) == EINTERNAL {
		return uid, err
	}
	// No place of that name, or several: a code, if it is one (a file
	// that wrote codes; of places sharing a name, the one it names,
	// written as the code is: "Storage" of two is not the one whose code
	// was made from its name, STORAGE).
	code := strings.TrimSpace(s)
	if ErrorCode(err) == ENOTFOUND {
		code = strings.ToUpper(code)
	}
	uid, cerr := w.uidBy("locations", "code", code)
	if ErrorCode(cerr) == ENOTFOUND {
		return "", err
	}
	if cerr != nil || ErrorCode(err) == ENOTFOUND {
		return uid, cerr
	}
	// Several of that name: the code must be one of theirs.
	var name string
	if qerr := w.queryRow(`SELECT name FROM locations WHERE uid = ?`, uid).Scan(&name); qerr != nil {
		return "", fmt.Errorf("read location: %w", qerr)
	}
	if !strings.EqualFold(nameSpaces(name), nameSpaces(s)) {
		return "", err
	}
	return uid, nil
}

// ensureLocation finds a location by name or code, creating it when
// missing (code derived from the name).
func (w *wtx) ensureLocation(s string) (string, error) {
	uid, err := w.locationByName(s)
	if ErrorCode(err) != ENOTFOUND {
		return uid, err
	}
	code, err := w.codeForName(s, nil)
	if err != nil {
		return "", err
	}
	p := LocationPayload{UID: w.db.newUID(), Code: code, Name: nameSpaces(s)}
	return p.UID, w.emit(EvLocationCreated, p.UID, p)
}

// codeSet is what codeForName leaves free besides the register's codes
// (given: the codes a file gives to locations not yet made), and where it
// left off for each name (next: a file of many places of one name).
type codeSet struct {
	given map[string]bool
	next  map[string]int
}

// codeForName derives a new location's code from its name: one that no
// location, asset or badge has, nor an asset's serial, nor one in taken
// (which may be nil).
func (w *wtx) codeForName(s string, taken *codeSet) (string, error) {
	// A code no location, asset or badge has, nor an asset's serial: a
	// scan of it names one thing. (In an import the serials are in
	// reserved, the file's and the register's it could make: its bulk
	// path may have dropped the serial index.)
	base := codeFromName(s)
	code := base
	suffixed := func(i int) string { return fmt.Sprintf("%s-%d", strings.TrimRight(base[:min(len(base), 28)], "-"), i) }
	i := 2
	if taken != nil && taken.next[base] > i {
		i = taken.next[base]
		code = suffixed(i - 1)
	}
	for ; ; i++ {
		var other, what string
		err := w.queryRow(codeTakenQuery, code).Scan(&other, &what)
		if errors.Is(err, sql.ErrNoRows) && !w.reserved[code] && (taken == nil || !taken.given[code]) {
			if w.reserved != nil && code == base {
				break // (its serials asked for before: importer.registered)
			}
			if err = w.notASerial(code); err == nil {
				break
			}
			if ErrorCode(err) == EINTERNAL {
				return "", err
			}
			err = sql.ErrNoRows // a serial: the next
		}
		if errors.Is(err, sql.ErrNoRows) {
			err = nil // reserved: the next
		}
		if err != nil {
			return "", fmt.Errorf("check code: %w", err)
		}
		code = suffixed(i)
	}
	if taken != nil {
		if taken.next == nil {
			taken.next = map[string]int{}
		}
		taken.next[base] = i + 1 // (code is suffixed(i-1), or base: the next to try is suffixed(i))
	}
	return code, nil
}

// latinFold spells the Latin letters that are not a letter and an accent
// (which NFD takes apart) in A-Z.
var latinFold = strings.NewReplacer("ß", "SS", "ẞ", "SS", "Æ", "AE", "Ø", "O", "Œ", "OE", "Ł", "L", "Đ", "D", "Ð", "D", "Þ", "TH")

// codeFromName derives a scannable code from a name: "Dublin – Floor 2" →
// "DUBLIN-FLOOR-2", "München Büro" → "MUNCHEN-BURO" (accents dropped, as
// a code's characters are A-Z, 0-9 and the dash).
func codeFromName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range latinFold.Replace(strings.ToUpper(norm.NFD.String(s))) {
		if unicode.Is(unicode.Mn, r) {
			continue // the accent of a decomposed letter
		}
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	c := shortenCode(strings.Trim(b.String(), "-"), 24)
	if c == "" {
		c = "LOC"
	}
	return c
}

// shortenCode fits a code of dash-separated words in max characters. A
// plain cut took the end of a long name, where its distinguishing number
// usually is ("…-STORAGE-ROOM-12" and "…-STORAGE-ROOM-3" both became
// "…-STORAGE-ROOM"): the longest letter words are shortened instead, one
// letter at a time, to three letters at the least, and words with a digit
// are kept whole ("BUILDI-4-STORAGE-ROOM-12"). A name still too long (many
// words, or long numbers) is cut at max.
func shortenCode(c string, max int) string {
	if len(c) <= max {
		return c
	}
	words := strings.Split(c, "-")
	over := len(c) - max
	for over > 0 {
		longest := -1
		for i, w := range words {
			if len(w) > 3 && !strings.ContainsAny(w, "0123456789") && (longest < 0 || len(w) > len(words[longest])) {
				longest = i
			}
		}
		if longest < 0 {
			break
		}
		words[longest] = words[longest][:len(words[longest])-1]
		over--
	}
	c = strings.Join(words, "-")
	if len(c) > max {
		c = strings.Trim(c[:max], "-")
	}
	return c
}

// collateName is a name with case, accents and runs of spaces aside ("Lager
// Süd" and "LAGER  SUD" are one), as a case- and accent-blind collation
// (MySQL's utf8mb4_unicode_ci, Snipe-IT's) compares them.
func collateName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1 // the accent of a decomposed letter
		}
		return r
	}, latinFold.Replace(strings.ToUpper(norm.NFD.String(strings.Join(strings.Fields(s), " ")))))
}

// nameWords are the words of a name, accents, case and punctuation aside,
// in any script ("Silva, Ana" is SILVA ANA; "Пётр" is ПЕТР).
func nameWords(s string) []string {
	var b strings.Builder
	for _, r := range latinFold.Replace(strings.ToUpper(norm.NFD.String(s))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// personIs is the condition that people's column col (of the table
// aliased p., or unaliased with p "") is one of two values, ?1 and ?2: a
// code as given and as a scan reads it (codeText; personCode gives both),
// so that one an older tagdesk stored with an invisible character
// (nima\u200cr) is found as it is typed, and one stored clean when it is
// typed with one; each by its index. An employee number matches in its own
// case, else in another (by the index on upper(employee_no)), as a
// username and an email match case aside (their columns' collation) and a
// badge is stored upper-cased.
func personIs(p, col string) string {
	if col == "employee_no" {
		// Its own case first; another case only when no one has it in
		// this one (two people may hold ab1 and AB1).
		return "(" + p + "employee_no IN (?1, ?2) OR (upper(" + p + "employee_no) IN (upper(?1), upper(?2)) AND NOT EXISTS (SELECT 1 FROM people x WHERE x.employee_no IN (?1, ?2))))"
	}
	return p + col + " IN (?1, ?2)"
}

// personCode is a code given for a person (employee number, username,
// email) as personIs takes it: as given (trimmed), and as a scan reads it
// (codeText), as a new one is stored.
func personCode(s string) (given, clean string) {
	return strings.TrimSpace(s), codeText(s)
}

// resolveHolder finds who or what an asset can be checked out to.
func (w *wtx) resolveHolder(who string) (Holder, error) {
	// (A scanner's AIM prefix, ]C1, as every scan drops it: CleanScan.)
	who = dropAIM(who)
	// A code is read as a scan reads it, without invisible characters
	// (B\u200b1001 copied from a web page is B1001); a name as given (a
	// zero-width non-joiner is part of a Persian name).
	code := dropAIM(codeText(who))
	if code == "" {
		return Holder{}, invalid("check out to whom? give a badge, username, email, location or asset tag")
	}
	if len(who) > MaxScanLen {
		return Holder{}, invalid("%q is too long to be a badge, location or tag", clip(who))
	}
	if !utf8.ValidString(who) {
		return Holder{}, invalid("%q is not valid text (UTF-8): check the scanner's keyboard layout", clip(who))
	}
	up := NormalizeTag(code)
	// (given, code: a person's code as typed, which an older tagdesk may
	// have stored so, and as a scan reads it: personIs.)
	person := func(col, given, v string) (Holder, bool, error) {
		var h Holder
		var badge, place sql.NullString
		var active bool
		err := w.queryRow(`SELECT p.uid, p.name, p.badge, p.active, l.uid FROM people p LEFT JOIN locations l ON l.id = p.location_id WHERE `+personIs("p.", col)+` ORDER BY p.`+col+` = ?1 DESC`, given, v).
			Scan(&h.UID, &h.Label, &badge, &active, &place)
		h.place, h.placeKnown = place.String, true
		if errors.Is(err, sql.ErrNoRows) {
			return h, false, nil
		}
		if err != nil {
			return h, false, fmt.Errorf("look up person: %w", err)
		}
		h.Kind, h.Code = CustodianPerson, badge.String
		if badge.Valid {
			h.Label += " (" + badge.String + ")"
		}
		if !active {
			// Said at once, not at the first asset scanned to them.
			return h, true, invalid("%s has been offboarded and cannot receive assets", h.Label)
		}
		return h, true, nil
	}
	if h, ok, err := person("badge", up, up); ok || err != nil {
		return h, err
	}
	var h Holder
	err := w.queryRow(`SELECT uid, code, name FROM locations WHERE code = ?`, up).Scan(&h.UID, &h.Code, &h.Label)
	if err == nil {
		h.Kind = CustodianLocation
		h.Label = h.Label + " (" + h.Code + ")"
		// A username that is also a place's code names two holders: the
		// asset would go to the place when the person was meant.
		if err := w.holderTwice(code, "username", h.Label+"'s code", "the place's name"); err != nil {
			return Holder{}, err
		}
		return h, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("look up location: %w", err)
	}
	err = w.queryRow(`SELECT uid, tag FROM assets WHERE tag = ?`, up).Scan(&h.UID, &h.Code)
	if err == nil {
		h.Kind, h.Label = CustodianAsset, h.Code
		return h, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("look up asset: %w", err)
	}
	for _, col := range []string{"employee_no", "username", "email"} {
		if h, ok, err := person(col, who, code); ok || err != nil {
			return h, err
		}
	}
	if uid, err := w.locationUID(who); err == nil {
		err = w.queryRow(`SELECT uid, code, name FROM locations WHERE uid = ?`, uid).Scan(&h.UID, &h.Code, &h.Label)
		h.Kind = CustodianLocation
		h.Label = h.Label + " (" + h.Code + ")"
		if err == nil {
			// A place named as a person is (Madrid, say): which one?
			err = w.holderTwice(who, "name", h.Label+"'s name", "the place's code")
		}
		if err != nil {
			return Holder{}, err
		}
		return h, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return h, err
	}
	// Last, a person's full name, as said at the desk: the only way to a
	// person an import made from a name alone.
	uids, err := w.texts("look up person", `SELECT uid FROM people WHERE name = ? LIMIT 2`, nameSpaces(who))
	if err != nil {
		return h, err
	}
	if len(uids) == 0 {
		// (One stored with a run of spaces, by an older tagdesk.)
		if uids, err = w.spacedNames("people", nameSpaces(who)); err != nil {
			return h, err
		}
	}
	switch len(uids) {
	case 1:
		h, _, err := person("uid", uids[0], uids[0])
		return h, err
	case 2:
		return Holder{}, invalid("%q names more than one person: use their badge, username or email", clip(who))
	}
	// Last, a parent asset as a scan anywhere names it: its serial, its
	// label's QR link (the check-out screen and checkout --to alike).
	if code, err := CleanScan(who); err == nil {
		a, _, err := resolveAsset(w.queryRow, code)
		switch {
		case err == nil:
			return Holder{Kind: CustodianAsset, UID: a.UID, Code: a.Tag, Label: a.Tag}, nil
		case ErrorCode(err) != ENOTFOUND:
			return Holder{}, err // (a serial two assets have, a link naming two)
		case strings.Contains(code, "/hardware/"):
			return Holder{}, err // (a Snipe-IT link: why it names none)
		}
	}
	return Holder{}, notFound("no person, location or asset %q", clip(who))
}

// holderTwice refuses who, which names a place (as place says), when a
// person's col is who too: giving the asset to either could be wrong.
// instead is how to name the place alone.
func (w *wtx) holderTwice(who, col, place, instead string) error {
	// (A leaver's username does not block the place: they can no longer
	// be given anything.)
	names, err := w.texts("look up person", `SELECT name FROM people WHERE `+col+` = ? AND active = 1 LIMIT 1`, strings.TrimSpace(who))
	if err != nil || len(names) == 0 {
		return err
	}
	return invalid("%q is %s and %s's %s: give the person's badge or email, or %s", clip(who), place, names[0], col, instead)
}

// ResolveHolder finds who or what an asset can be checked out to: a person by
// badge, employee number, username, email or full name; a location by code
// or name; an asset by tag, else (last) by what else a scan finds it by (its
// serial, its label's QR link).
func (db *DB) ResolveHolder(ctx context.Context, who string) (Holder, error) {
	var h Holder
	err := db.read(ctx, func(w *wtx) error {
		var err error
		h, err = w.resolveHolder(who)
		return err
	})
	// A holder kept for a run of scans goes to the person's place as it is
	// at each check-out (a sync may move them meanwhile), not as it was.
	h.place, h.placeKnown = "", false
	return h, err
}

// read runs fn in a read-only transaction on a reader connection, so that
// lookups shared with the write path can serve reads too.
func (db *DB) read(ctx context.Context, fn func(w *wtx) error) error {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	w := &wtx{ctx: ctx, db: db, tx: tx, stmts: map[string]*sql.Stmt{}, readOnly: true}
	defer func() {
		for _, s := range w.stmts {
			s.Close()
		}
	}()
	return fn(w)
}

// EnsureLocation returns the location named name (by code or name), making
// it, with a code from its name ("Cork office" → CORK-OFFICE), when there is
// none: the site a first run names becomes the desk's first location.
func (db *DB) EnsureLocation(ctx context.Context, name string) (Location, error) {
	if strings.TrimSpace(name) == "" {
		return Location{}, invalid("a location needs a name")
	}
	_, err := db.write(ctx, func(w *wtx) error {
		_, err := w.ensureLocation(name)
		return err
	})
	if err != nil {
		return Location{}, err
	}
	return db.Location(ctx, name)
}

// AddLocation creates a location; parent is a code or name, or empty.
func (db *DB) AddLocation(ctx context.Context, code, name, parent string) (Location, error) {
	code = NormalizeTag(code)
	if err := ValidateCode(code); err != nil {
		return Location{}, err
	}
	_, err := db.write(ctx, func(w *wtx) error {
		parentUID := ""
		if parent != "" {
			var err error
			if parentUID, err = w.locationUID(parent); err != nil {
				return err
			}
		}
		_, err := w.addLocation(code, name, parentUID)
		return err
	})
	if err != nil {
		return Location{}, err
	}
	return db.Location(ctx, code)
}

// addLocation creates a location with a code given (normalized and valid)
// under the location parentUID ("" for none).
func (w *wtx) addLocation(code, name, parentUID string) (string, error) {
	p := LocationPayload{UID: w.db.newUID(), Code: code, Name: nameSpaces(name), ParentUID: parentUID}
	if _, err := w.uidBy("locations", "code", code); err == nil {
		return "", conflict("location %s already exists", code)
	}
	if err := w.codeFree(code, "location"); err != nil {
		return "", err
	}
	if err := w.notASerial(code); err != nil {
		return "", err
	}
	if err := w.noTwin(parentUID, p.Name, ""); err != nil {
		return "", err
	}
	return p.UID, w.emit(EvLocationCreated, p.UID, p)
}

// noTwin refuses name for a place under parentUID ("" the top) when
// another place there (not uid) has it, case aside: two places of one name
// side by side cannot be told apart by it, and every lookup by that name
// is refused after. A desk's rule (an import, location add and update);
// two desks apart can still make such twins, which sync keeps.
func (w *wtx) noTwin(parentUID, name, uid string) error {
	// SQLite's NOCASE folds ASCII only: the siblings it cannot fold (a
	// name beyond ASCII: Émile and émile are one name) are compared here.
	// (All of them compared here made an import of 20,000 places at the
	// top quadratic: 140 s against 3.)
	q := `SELECT code, name FROM locations WHERE parent_id IS (SELECT id FROM locations WHERE uid = ?1) AND uid <> ?2 AND name = ?3 COLLATE NOCASE`
	if strings.ContainsFunc(name, func(r rune) bool { return r > '~' }) {
		q += ` UNION ALL SELECT code, name FROM locations WHERE parent_id IS (SELECT id FROM locations WHERE uid = ?1) AND uid <> ?2 AND name GLOB '*[^ -~]*'`
	}
	rows, err := w.tx.QueryContext(w.ctx, q, nullable(parentUID), uid, name)
	if err != nil {
		return fmt.Errorf("find location: %w", err)
	}
	var twin, twinName string
	for rows.Next() && twin == "" {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			rows.Close()
			return fmt.Errorf("find location: %w", err)
		}
		if strings.EqualFold(n, name) {
			twin, twinName = c, n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find location: %w", err)
	}
	if twin == "" {
		return nil
	}
	where := "the top of the tree"
	if parentUID != "" {
		var pc, pn string
		if err := w.queryRow(`SELECT code, name FROM locations WHERE uid = ?`, parentUID).Scan(&pc, &pn); err != nil {
			return fmt.Errorf("read location: %w", err)
		}
		where = pn + " (" + pc + ")"
	}
	return conflict("%s already has a place named %s (%s): give this one another name, or use that one", where, clip(twinName), twin)
}

// LocationFields are the fields UpdateLocation changes: "name", and
// "parent" (a location's code or name; "" for the top of the tree). A code
// stays: it is printed on the place's labels.
var LocationFields = []string{"name", "parent"}

// UpdateLocation renames the location which (a code or name) or moves it
// in the tree; nothing to change is refused, as is a parent inside it.
func (db *DB) UpdateLocation(ctx context.Context, which string, set map[string]string) (Location, error) {
	var code string
	_, err := db.write(ctx, func(w *wtx) error {
		uid, err := w.locationUID(which)
		if err != nil {
			return err
		}
		if err := w.queryRow(`SELECT code FROM locations WHERE uid = ?`, uid).Scan(&code); err != nil {
			return fmt.Errorf("read location: %w", err)
		}
		changed, err := w.updateLocation(uid, set)
		if err == nil && !changed {
			err = invalid("nothing to change: location %s has that name and parent", code)
		}
		return err
	})
	if err != nil {
		return Location{}, err
	}
	return db.Location(ctx, code)
}

// updateLocation changes the fields set gives (LocationFields) of location
// uid; changed is false when it has them all already. A parent is a uid
// when set by an import (parentUID), else a code or name.
func (w *wtx) updateLocation(uid string, set map[string]string) (changed bool, err error) {
	var id int64
	var code, name, parent string
	if err := w.queryRow(`SELECT l.id, l.code, l.name, coalesce(p.uid, '') FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.uid = ?`, uid).
		Scan(&id, &code, &name, &parent); err != nil {
		return false, fmt.Errorf("read location: %w", err)
	}
	changes := map[string]Change{}
	newName, newParent := name, parent
	for field, v := range set {
		v = strings.TrimSpace(v)
		switch field {
		case "name":
			if v = nameSpaces(v); v == "" {
				return false, invalid("a location needs a name")
			}
			if v != name {
				newName = v
				changes["name"] = Change{Old: name, New: v}
				w.spaced = nil // (a name read with its runs of spaces may be the one changing)
			}
		case "parent", "parent_uid":
			if v != "" && field == "parent" {
				if v, err = w.locationUID(v); err != nil {
					return false, err
				}
			}
			if v == parent {
				continue
			}
			if v != "" {
				var pid int64
				if err := w.queryRow(`SELECT id FROM locations WHERE uid = ?`, v).Scan(&pid); err != nil {
					return false, fmt.Errorf("read location: %w", err)
				}
				if err := w.checkLocationParent(id, pid); err != nil {
					return false, invalid("%s cannot go under a place inside it (or itself)", code)
				}
			}
			newParent = v
			c, err := w.labelled("parent", Change{Old: parent, New: v})
			if err != nil {
				return false, err
			}
			changes["parent"] = c
		default:
			return false, invalid("a location has no field %q (its code is on its labels: it stays)", clip(field))
		}
	}
	if len(changes) == 0 {
		return false, nil
	}
	if err := w.noTwin(newParent, newName, uid); err != nil {
		return false, err
	}
	return true, w.emit(EvLocationUpdated, uid, UpdatePayload{UID: uid, Tag: code, Changes: changes})
}

// Location returns a location by code or name.
func (db *DB) Location(ctx context.Context, s string) (Location, error) {
	var l Location
	err := db.read(ctx, func(w *wtx) error {
		uid, err := w.locationUID(s)
		if err != nil {
			return err
		}
		return w.queryRow(`SELECT l.id, l.uid, l.code, l.name, coalesce(p.code, ''), (SELECT count(*) FROM assets a WHERE a.location_id = l.id AND a.status <> 'disposed')
			FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE l.uid = ?`, uid).Scan(&l.ID, &l.UID, &l.Code, &l.Name, &l.ParentCode, &l.Assets)
	})
	return l, err
}

// Locations lists all locations by code.
func (db *DB) Locations(ctx context.Context) ([]Location, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT l.id, l.uid, l.code, l.name, coalesce(p.code, ''), coalesce(c.n, 0)
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id
		LEFT JOIN (SELECT location_id, count(*) n FROM assets WHERE status <> 'disposed' GROUP BY location_id) c ON c.location_id = l.id
		ORDER BY l.code`)
	if err != nil {
		return nil, fmt.Errorf("list locations: %w", err)
	}
	defer rows.Close()
	var out []Location
	for rows.Next() {
		var l Location
		if err := rows.Scan(&l.ID, &l.UID, &l.Code, &l.Name, &l.ParentCode, &l.Assets); err != nil {
			return nil, fmt.Errorf("list locations: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// PersonInput describes a new person.
type PersonInput struct {
	Name, Badge, EmployeeNo, Username, Email, Department, CostCentre, Location string
}

// AddPerson creates a person.
func (db *DB) AddPerson(ctx context.Context, in PersonInput) (Person, error) {
	return db.addPersonChecked(ctx, in, false)
}

// AddPersonApart is AddPerson for a person added by hand: it refuses one
// who could not be told from someone of the same name (case aside: the
// column is NOCASE): the new one, or the one here, with no badge, employee
// number, username or email. Named "Sam Lee", either would be refused as
// more than one person, and the users export would not import back. An
// offboarded one too: a leaver who can be named by no command cannot be
// reactivated. Namesakes still come by sync and import, which tell them
// apart as they can. The check and the addition are one transaction: two
// desks' processes adding one name at once cannot both pass it.
func (db *DB) AddPersonApart(ctx context.Context, in PersonInput) (Person, error) {
	return db.addPersonChecked(ctx, in, true)
}

// addPersonChecked adds a person, refusing an indistinguishable namesake
// first when apart (AddPersonApart).
func (db *DB) addPersonChecked(ctx context.Context, in PersonInput, apart bool) (Person, error) {
	var uid string
	_, err := db.write(ctx, func(w *wtx) error {
		if apart {
			if err := w.namesakeApart(in); err != nil {
				return err
			}
		}
		var err error
		uid, err = w.addPerson(in)
		return err
	})
	if err != nil {
		return Person{}, err
	}
	return db.personWhere(ctx, `p.uid = ?`, uid)
}

func (w *wtx) namesakeApart(in PersonInput) error {
	name := nameSpaces(in.Name)
	if name == "" {
		return nil
	}
	var bare int
	var found bool
	err := w.queryRow(`SELECT count(*) > 0, coalesce(sum(coalesce(badge, '') = '' AND coalesce(employee_no, '') = '' AND coalesce(username, '') = '' AND coalesce(email, '') = ''), 0) FROM people WHERE name = ?`, name).Scan(&found, &bare)
	if err != nil {
		return fmt.Errorf("check namesakes: %w", err)
	}
	switch {
	case !found:
		return nil
	case codeText(in.Badge+in.EmployeeNo+in.Username+in.Email) == "":
		return conflict("a person named %q is here already: give this one a badge, employee number, username or email to tell them apart", clip(name))
	case bare > 0:
		return conflict("%q here already has no badge, employee number, username or email: give them one first (tagdesk person update %q --email ...), then add this one", clip(name), clip(name))
	}
	return nil
}

func (w *wtx) addPerson(in PersonInput) (string, error) {
	p := PersonPayload{
		UID: w.db.newUID(), Name: nameSpaces(in.Name), Badge: NormalizeTag(in.Badge),
		EmployeeNo: codeText(in.EmployeeNo), Username: codeText(in.Username),
		Email: strings.ToLower(codeText(in.Email)), Department: strings.TrimSpace(in.Department),
		CostCentre: strings.TrimSpace(in.CostCentre),
	}
	if p.Name == "" {
		return "", invalid("a person needs a name (--name)")
	}
	if p.Email != "" && !validEmail(p.Email) {
		return "", invalid("email %q is not an address", clip(p.Email))
	}
	if p.Badge != "" {
		if err := w.codeFree(p.Badge, "person"); err != nil {
			return "", err
		}
		if err := w.notASerial(p.Badge); err != nil {
			return "", err
		}
	}
	if in.Location != "" {
		var err error
		if p.LocationUID, err = w.locationUID(in.Location); err != nil {
			return "", err
		}
	}
	// Checked here: applied, a creation that names someone already here
	// merges into them (a person added on two desks while apart).
	if err := w.identifiersFree(p); err != nil {
		return "", err
	}
	if err := w.employeeNoFree(p.EmployeeNo, p.UID); err != nil {
		return "", err
	}
	if err := w.codesApart(p.Badge, p.EmployeeNo, p.Username, p.Email, p.UID); err != nil {
		return "", err
	}
	return p.UID, w.emit(EvPersonCreated, p.UID, p)
}

// PersonFields are the fields UpdatePerson changes, by the names the
// person.updated event records.
var PersonFields = []string{"name", "badge", "employee_number", "username", "email", "department", "cost_centre", "location"}

// UpdatePerson changes a person's details: set maps a field of
// PersonFields to its new value ("" clears it, except the name and the
// location, which a person always has once given). who names the person as
// Person does. A field already at its value is left out; nothing to change
// is refused.
func (db *DB) UpdatePerson(ctx context.Context, who string, set map[string]string) (Person, error) {
	cur, err := db.Person(ctx, who)
	if err != nil {
		return Person{}, err
	}
	_, err = db.write(ctx, func(w *wtx) error {
		changed, err := w.updatePerson(cur.UID, set)
		if err == nil && !changed {
			err = invalid("nothing to change: %s already has those details", cur.Name)
		}
		return err
	})
	if err != nil {
		return Person{}, err
	}
	return db.personWhere(ctx, `p.uid = ?`, cur.UID)
}

// updatePerson changes the details of the person uid as UpdatePerson does;
// changed is false when they have every one of them already.
func (w *wtx) updatePerson(uid string, set map[string]string) (changed bool, err error) {
	var name, badge, empNo, username, email, dept, cc string
	var locUID sql.NullString
	if err := w.queryRow(`SELECT p.name, coalesce(p.badge, ''), coalesce(p.employee_no, ''), coalesce(p.username, ''), coalesce(p.email, ''), p.department, p.cost_centre, l.uid
		FROM people p LEFT JOIN locations l ON l.id = p.location_id WHERE p.uid = ?`, uid).
		Scan(&name, &badge, &empNo, &username, &email, &dept, &cc, &locUID); err != nil {
		return false, fmt.Errorf("read person: %w", err)
	}
	old := map[string]string{"name": name, "badge": badge, "employee_number": empNo, "username": username,
		"email": email, "department": dept, "cost_centre": cc, "location": locUID.String}
	changes := map[string]Change{}
	for _, field := range PersonFields {
		v, ok := set[field]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch field {
		case "name":
			// (One space between words, as places' and models' names: a
			// name typed with two was found by no one who typed one.)
			if v = nameSpaces(v); v == "" {
				return false, invalid("a person needs a name")
			}
		case "badge":
			v = NormalizeTag(v)
			if v != "" && v != old[field] {
				if err := ValidateCode(v); err != nil {
					return false, err
				}
				if err := w.codeFree(v, "person"); err != nil {
					return false, err
				}
				if err := w.notASerial(v); err != nil {
					return false, err
				}
			}
		case "employee_number", "username":
			v = codeText(v) // (as a scan reads it, as the badge is)
		case "email":
			v = strings.ToLower(codeText(v))
			if v != "" && !validEmail(v) {
				return false, invalid("email %q is not an address", clip(v))
			}
		case "location":
			if v == "" {
				return false, invalid("a person's home location can be changed, not cleared")
			}
			loc, err := w.locationUID(v)
			if err != nil {
				return false, err
			}
			v = loc
		}
		if v != old[field] {
			c, err := w.labelled(field, Change{Old: old[field], New: v})
			if err != nil {
				return false, err
			}
			changes[field] = c
		}
	}
	for field := range set {
		if !slices.Contains(PersonFields, field) {
			return false, invalid("a person has no field %q", clip(field))
		}
	}
	if len(changes) == 0 {
		return false, nil
	}
	if err := w.employeeNoFree(changes["employee_number"].New, uid); err != nil {
		return false, err
	}
	if err := w.codesApart(changes["badge"].New, changes["employee_number"].New, changes["username"].New, changes["email"].New, uid); err != nil {
		return false, err
	}
	return true, w.emit(EvPersonUpdated, uid, UpdatePayload{UID: uid, Changes: changes})
}

// employeeNoFree refuses an employee number another person has in another
// case: scans find employee numbers in any case. (At the change, not at
// apply: a log holding such twins still replays as it did.)
func (w *wtx) employeeNoFree(employeeNo, self string) error {
	if employeeNo == "" {
		return nil
	}
	var other, theirs string
	err := w.queryRow(`SELECT name, employee_no FROM people WHERE upper(employee_no) = upper(?1) AND uid <> ?2`, employeeNo, self).Scan(&other, &theirs)
	if err == nil && theirs == employeeNo {
		return conflict("employee number %q already belongs to %s", employeeNo, other)
	}
	if err == nil {
		return conflict("employee number %s is %s's (in another case): a scan of it must name one person", clip(employeeNo), other)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check employee number: %w", err)
	}
	// An asset's tag or a place's code: a scan of it would name two things
	// (and find the asset or the place, never the person).
	var what string
	err = w.queryRow(`SELECT 'an asset''s tag' FROM assets WHERE tag = ?1 UNION ALL SELECT `+locationCodeIs+` FROM locations WHERE code = ?1 LIMIT 1`, strings.ToUpper(employeeNo)).Scan(&what)
	if err == nil {
		return conflict("employee number %s is already %s: a scan of it must name one thing", clip(employeeNo), what)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("check employee number: %w", err)
	}
	return nil
}

// clashOf marks codesApart's refusal with the kind of identifier refused:
// badge, employee number, username, email.
var clashOf = [4]error{errors.New("badge clash"), errors.New("employee number clash"), errors.New("username clash"), errors.New("email clash")}

// codesApart refuses an identifier of a person (badge, employee number,
// username, email) that is another person's identifier of another kind: a
// scan or a --to of it is read as a badge, then an employee number, a
// username, an email (in any case), and would name the other person (an
// offboarding by email took back nothing from the one whose email it was).
// The same kind is each column's own check. self is the person's uid.
func (w *wtx) codesApart(badge, employeeNo, username, email, self string) error {
	kinds := []struct{ what, cond string }{
		{"badge", `badge = upper(?1)`},
		{"employee number", `upper(employee_no) = upper(?1)`},
		{"username", `username = ?1`}, // (NOCASE)
		{"email", `email = ?1`},       // (NOCASE)
	}
	for i, v := range []string{badge, employeeNo, username, email} {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		for j, k := range kinds {
			if j == i {
				continue
			}
			var other string
			err := w.queryRow(`SELECT name FROM people WHERE `+k.cond+` AND uid <> ?2 LIMIT 1`, v, self).Scan(&other)
			if err == nil {
				e := conflict("%s %s is %s's %s: a scan of it must name one person", kinds[i].what, clip(v), other, k.what)
				e.Err = clashOf[i] // (which of the row's cells: an import names its column)
				return e
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("check %s: %w", kinds[i].what, err)
			}
		}
	}
	return nil
}

const personSelect = `SELECT p.id, p.uid, p.name, coalesce(p.badge, ''), coalesce(p.employee_no, ''), coalesce(p.username, ''), coalesce(p.email, ''),
	p.department, p.cost_centre, coalesce(l.code, ''), p.active, (SELECT count(*) FROM assets a WHERE a.custodian_person_id = p.id)
	FROM people p LEFT JOIN locations l ON l.id = p.location_id`

func scanPerson(sc scanner) (Person, error) {
	var p Person
	err := sc.Scan(&p.ID, &p.UID, &p.Name, &p.Badge, &p.EmployeeNo, &p.Username, &p.Email, &p.Department, &p.CostCentre, &p.LocationCode, &p.Active, &p.Holding)
	return p, err
}

func (db *DB) personWhere(ctx context.Context, cond string, args ...any) (Person, error) {
	p, err := scanPerson(db.r.QueryRowContext(ctx, personSelect+` WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("no such person")
	}
	if err != nil {
		return p, fmt.Errorf("read person: %w", err)
	}
	return p, nil
}

// PersonByCode finds a person by what identifies them alone: badge,
// employee number, username or email (not by name: two people may share
// one, and a name is no one's code).
func (db *DB) PersonByCode(ctx context.Context, code string) (Person, error) {
	// As a scan reads it, and as given (an older tagdesk kept invisible
	// characters in the codes it stored: personIs).
	given, code := personCode(code)
	for _, c := range []struct{ col, given, v string }{{"badge", strings.ToUpper(code), strings.ToUpper(code)}, {"employee_no", given, code}, {"username", given, code}, {"email", given, code}} {
		// (The one it is as given first: nima\u200cr stored by an older
		// tagdesk and nimar by this one are two people.)
		p, err := db.personWhere(ctx, personIs("p.", c.col)+` ORDER BY p.`+c.col+` = ?1 DESC`, c.given, c.v)
		if ErrorCode(err) != ENOTFOUND {
			return p, err
		}
	}
	return Person{}, notFound("no person with badge, employee number, username or email %q", clip(code))
}

// Person finds a person by uid (as listed with --json: the one way to a
// namesake with no identifiers), badge, employee number, username, email
// or exact name.
func (db *DB) Person(ctx context.Context, who string) (Person, error) {
	who = strings.TrimSpace(who)
	if p, err := db.personWhere(ctx, `p.uid = coalesce((SELECT target FROM aliases WHERE tbl = 'people' AND alias = ?1), ?1)`, who); ErrorCode(err) != ENOTFOUND {
		return p, err // (a uid merged into another's since, as a sync merges a person added twice)
	}
	if p, err := db.PersonByCode(ctx, who); ErrorCode(err) != ENOTFOUND {
		return p, err
	}
	rows, err := db.r.QueryContext(ctx, personSelect+` WHERE p.name = ? LIMIT 2`, nameSpaces(who))
	if err != nil {
		return Person{}, fmt.Errorf("find person: %w", err)
	}
	defer rows.Close()
	var found []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return Person{}, fmt.Errorf("find person: %w", err)
		}
		found = append(found, p)
	}
	if err := rows.Err(); err != nil {
		return Person{}, fmt.Errorf("find person: %w", err)
	}
	if len(found) == 0 {
		// One stored with a run of spaces (by an older tagdesk, or
		// pulled from one): found as one typed with one.
		var uids []string
		if err := db.read(ctx, func(w *wtx) error {
			var err error
			uids, err = w.spacedNames("people", nameSpaces(who))
			return err
		}); err != nil {
			return Person{}, err
		}
		for _, uid := range uids[:min(len(uids), 2)] {
			p, err := db.personWhere(ctx, `p.uid = ?`, uid)
			if err != nil {
				return Person{}, err
			}
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return Person{}, notFound("no person %q (by badge, employee number, username, email or name)", clip(who))
	case 1:
		return found[0], nil
	}
	return Person{}, invalid("%q names more than one person: use a badge or email", clip(who))
}

// PeopleFilter narrows People.
type PeopleFilter struct {
	Query        string // substring of name, badge, username or email
	NameOnly     bool   // Query is a substring of the name alone (a name typed to pick someone)
	IncludeGone  bool   // include offboarded people
	Limit        int
	AfterName    string // keyset: continue after this name/id
	AfterID      int64
	HoldingsOnly bool
}

// People lists people by name.
func (db *DB) People(ctx context.Context, f PeopleFilter) ([]Person, error) {
	q := personSelect + ` WHERE 1=1`
	var args []any
	if !f.IncludeGone {
		q += ` AND p.active = 1`
	}
	if f.Query != "" {
		// A substring, case and accents aside (Fold, as search folds:
		// "muller" finds Müller, "Müller" Muller).
		like := Fold(f.Query)
		// A name stored with a run of spaces (an older tagdesk kept them)
		// is found as one typed with one space: its runs folded (up to 16
		// spaces) before the match.
		name := `(instr(fold(p.name), ?) > 0 OR instr(p.name, '  ') > 0 AND instr(fold(replace(replace(replace(replace(p.name, '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')), ?) > 0)`
		spaced := Fold(nameSpaces(f.Query))
		// (The query's runs of spaces folded too: names are kept with one.)
		if f.NameOnly {
			q += ` AND ` + name
			args = append(args, spaced, spaced)
		} else {
			q += ` AND (` + name + ` OR instr(fold(p.badge), ?) > 0 OR instr(fold(p.username), ?) > 0 OR instr(fold(p.email), ?) > 0)`
			args = append(args, spaced, spaced, like, like, like)
		}
	}
	if f.AfterName != "" || f.AfterID != 0 {
		q += ` AND (p.name, p.id) > (?, ?)`
		args = append(args, f.AfterName, f.AfterID)
	}
	q += ` ORDER BY p.name, p.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fmt.Errorf("list people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddModel creates a model (and its manufacturer and category if new).
func (db *DB) AddModel(ctx context.Context, name, number, manufacturer, category string) (Model, error) {
	name, number = nameSpaces(name), nameSpaces(number) // as ensureModel stores them
	if name == "" {
		return Model{}, invalid("a model needs a name")
	}
	_, err := db.write(ctx, func(w *wtx) error {
		var n int
		if err := w.queryRow(`SELECT count(*) FROM models WHERE name = ? AND model_number = ?`, strings.TrimSpace(name), strings.TrimSpace(number)).Scan(&n); err != nil {
			return fmt.Errorf("check model: %w", err)
		}
		if n > 0 {
			return conflict("model %q %s already exists", name, number)
		}
		// A name two models share needs their numbers to tell them apart
		// (receive --model takes either): one without a number could
		// never be named alone.
		var sameName string
		err := w.queryRow(`SELECT model_number FROM models WHERE lower(name) = lower(?) ORDER BY model_number = '' DESC LIMIT 1`, strings.TrimSpace(name)).Scan(&sameName)
		if err == nil && (sameName == "" || strings.TrimSpace(number) == "") {
			if sameName == "" {
				return conflict("a model named %q already exists, without a model number: give this one another name, or a number to each", clip(strings.TrimSpace(name)))
			}
			return conflict("a model named %q already exists (model number %s): give this one a model number too, or another name", clip(strings.TrimSpace(name)), sameName)
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check model: %w", err)
		}
		// A model number names one model at the desk: receive --model
		// takes either, and would have to ask.
		if number := strings.TrimSpace(number); number != "" {
			var other string
			err := w.queryRow(`SELECT name FROM models WHERE model_number = ? ORDER BY id LIMIT 1`, number).Scan(&other)
			if err == nil {
				return conflict("model number %s is already %s's", clip(number), other)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("check model: %w", err)
			}
			// Nor another model's name: --model L5440 would name that one.
			if err := w.queryRow(`SELECT name FROM models WHERE name = ? ORDER BY id LIMIT 1`, number).Scan(&other); err == nil && !strings.EqualFold(other, strings.TrimSpace(name)) {
				return conflict("model number %s is the name of model %s: receive --model %s names that one", clip(number), other, clip(number))
			} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("check model: %w", err)
			}
		}
		// A name that is another model's number: receive --model takes
		// the name first, and the other model's receipts would come here
		// (a model "L5440" beside Latitude 5440, model number L5440).
		var owner string
		err = w.queryRow(`SELECT name FROM models WHERE model_number = ? ORDER BY id LIMIT 1`, strings.TrimSpace(name)).Scan(&owner)
		if err == nil {
			return conflict("%s is the model number of %s: receive --model %s names that model; give this one another name", clip(strings.TrimSpace(name)), owner, clip(strings.TrimSpace(name)))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check model: %w", err)
		}
		_, err = w.ensureModel(name, number, manufacturer, category)
		return err
	})
	if err != nil {
		return Model{}, err
	}
	ms, err := db.models(ctx, `WHERE m.name = ? AND m.model_number = ?`, strings.TrimSpace(name), strings.TrimSpace(number))
	if err != nil || len(ms) == 0 {
		return Model{}, errors.Join(err, notFound("model %q vanished", name))
	}
	return ms[0], nil
}

// Models lists the catalogue's models.
func (db *DB) Models(ctx context.Context) ([]Model, error) { return db.models(ctx, "") }

func (db *DB) models(ctx context.Context, where string, args ...any) ([]Model, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT m.id, m.uid, m.name, m.model_number, coalesce(mf.name, ''), coalesce(c.name, '')
		FROM models m LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id LEFT JOIN categories c ON c.id = m.category_id `+where+` ORDER BY m.name, m.model_number`, args...)
	if err != nil {
		return nil, fmt.Errorf("list models: %w", err)
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		if err := rows.Scan(&m.ID, &m.UID, &m.Name, &m.ModelNumber, &m.Manufacturer, &m.Category); err != nil {
			return nil, fmt.Errorf("list models: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddPurchaseOrder creates a purchase order with expected lines (model name or number → quantity).
func (db *DB) AddPurchaseOrder(ctx context.Context, number, supplier string, lines map[string]int) (PurchaseOrder, error) {
	number = strings.TrimSpace(number)
	_, err := db.write(ctx, func(w *wtx) error {
		_, err := w.addPO(number, supplier, lines)
		return err
	})
	if err != nil {
		return PurchaseOrder{}, err
	}
	return db.PurchaseOrder(ctx, number)
}

// addPO records a purchase order (its supplier made if new, its lines by
// model name or number) and returns its uid.
func (w *wtx) addPO(number, supplier string, lines map[string]int) (string, error) {
	p := POPayload{UID: w.db.newUID(), Number: number}
	if _, err := w.uidBy("purchase_orders", "number", number); err == nil {
		return "", conflict("purchase order %s already exists", number)
	}
	var err error
	if strings.TrimSpace(supplier) != "" {
		if p.SupplierUID, err = w.ensureNamed("suppliers", supplier); err != nil {
			return "", err
		}
	}
	named := map[string]string{} // model uid: the line that named it
	for _, m := range sortedKeys(lines) {
		uid, err := w.modelUID(m)
		if err != nil {
			return "", err
		}
		if first, dup := named[uid]; dup {
			// (By name and by number: the apply said only "a line for
			// that model already exists".)
			return "", invalid("%s and %s name one model: give it one line", clip(first), clip(m))
		}
		named[uid] = m
		p.Lines = append(p.Lines, POLinePayload{ModelUID: uid, Quantity: lines[m]})
	}
	return p.UID, w.emit(EvPOCreated, p.UID, p)
}

// poReceived says an asset of an order has come: it is not on order, and
// if it is now retired, disposed of or missing, it was received or arrived
// first (one cancelled or lost while on order never came).
const poReceived = `a.status <> 'on_order' AND (a.status NOT IN ('retired', 'disposed', 'missing') OR EXISTS (
	SELECT 1 FROM events e WHERE e.subject = a.uid AND (
		e.type = 'asset.received' AND json_extract(e.payload, '$.status') IS NOT 'on_order'
		OR e.type = 'asset.status_changed' AND json_extract(e.payload, '$.to') IN ('in_stock', 'in_repair', 'deployed'))))`

// poRegistered says an asset was registered on order (received as on
// order: an import's Pending row, a receipt --status on_order).
const poRegistered = `EXISTS (SELECT 1 FROM events e WHERE e.subject = a.uid AND e.type = 'asset.received' AND json_extract(e.payload, '$.status') = 'on_order')`

// PurchaseOrder returns an order with expected and received counts per model.
func (db *DB) PurchaseOrder(ctx context.Context, number string) (PurchaseOrder, error) {
	var po PurchaseOrder
	var id int64
	err := db.r.QueryRowContext(ctx, `SELECT o.id, o.uid, o.number, coalesce(s.name, '') FROM purchase_orders o LEFT JOIN suppliers s ON s.id = o.supplier_id WHERE o.number = ?`, strings.TrimSpace(number)).
		Scan(&id, &po.UID, &po.Number, &po.Supplier)
	if errors.Is(err, sql.ErrNoRows) {
		return po, notFound("no purchase order %q", clip(number))
	}
	if err != nil {
		return po, fmt.Errorf("read purchase order: %w", err)
	}
	// The ordered models, then any received on the order that it does not
	// name (Expected 0): a box that came with the order is counted, and seen.
	// An asset registered on the order but still on order has not come:
	// counted apart (an order an import made has no quantities, only them).
	// Arrived counts those received that were registered on it first:
	// a line no quantity names is "on the order" for them. Each asset of
	// the order is judged once (x), its model's counts summed (g), and
	// joined to the ordered lines and the other models that came.
	rows, err := db.r.QueryContext(ctx, `WITH x AS (
			SELECT a.model_id AS model_id, (`+poReceived+`) AS rcv, a.status = 'on_order' AS waiting, `+poRegistered+` AS reg,
				a.status = 'on_order' AND coalesce(a.serial, '') <> '' AS byserial
			FROM assets a WHERE a.po_id = ?1),
		g AS (SELECT model_id, sum(rcv) AS received, sum(waiting) AS waiting, sum(rcv AND reg) AS arrived, sum(byserial) AS byserial FROM x GROUP BY model_id),
		l AS (SELECT model_id, quantity FROM po_lines WHERE po_id = ?1
			UNION ALL
			SELECT model_id, 0 FROM g WHERE (received > 0 OR waiting > 0) AND model_id NOT IN (SELECT model_id FROM po_lines WHERE po_id = ?1))
		SELECT m.name AS name, m.model_number AS number, l.quantity AS quantity, coalesce(g.received, 0), coalesce(g.waiting, 0), coalesce(g.arrived, 0), coalesce(g.byserial, 0)
		FROM l JOIN models m ON m.id = l.model_id LEFT JOIN g ON g.model_id = l.model_id
		ORDER BY quantity = 0, name, number`, id)
	if err != nil {
		return po, fmt.Errorf("read purchase order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l POLine
		if err := rows.Scan(&l.Model, &l.ModelNumber, &l.Expected, &l.Received, &l.OnOrder, &l.Arrived, &l.DueBySerial); err != nil {
			return po, fmt.Errorf("read purchase order lines: %w", err)
		}
		po.Lines = append(po.Lines, l)
	}
	return po, rows.Err()
}

// validEmail says whether s is one email address, as a person has one:
// local@domain, no display name, no second address, no scheme (the same
// rule for the command line and every import).
func validEmail(s string) bool {
	if strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \t<>,;\"") || strings.HasPrefix(strings.ToLower(s), "mailto:") {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || domain == "" || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && strings.EqualFold(a.Address, s)
}
