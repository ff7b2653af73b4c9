package store

// Snipe-IT's users and locations files: the people and the location tree a
// desk moving from Snipe-IT brings besides its assets, read in the headers
// of Snipe-IT's user and location importers (app/Livewire/Importer.php,
// reference/itam-anchors.md section 2.2), and written back in them, so
// that a desk's people and places go through an export and an import as its
// assets do.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// ImportKind names what a Snipe-IT CSV holds, as Snipe-IT's "Import Type".
type ImportKind string

// The kinds of Snipe-IT file tagdesk reads and writes.
const (
	KindAssets    ImportKind = "assets"
	KindUsers     ImportKind = "users"
	KindLocations ImportKind = "locations"
)

// ParseImportKind reads a kind by its name, singular or plural ("user",
// "people" and "person" are users).
func ParseImportKind(s string) (ImportKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "asset", "assets", "hardware":
		return KindAssets, nil
	case "user", "users", "people", "person":
		return KindUsers, nil
	case "location", "locations":
		return KindLocations, nil
	}
	return "", invalid("no file type %q: assets, users or locations", clip(s))
}

// tableCol is one column a users or locations file may have.
type tableCol struct {
	key     string // Snipe-IT's internal key (ours for the extras)
	label   string // the English label, what the export writes
	aliases []string
}

// userColumns are the users importer's columns tagdesk keeps (Snipe-IT's
// labels and aliases), then tagdesk's extras. A person's job title,
// phone, address, manager and the like have no place in tagdesk: those
// columns are read as ignored. Read-only.
var userColumns = []tableCol{
	{"first_name", "First Name", nil},
	{"last_name", "Last Name", []string{"lastname", "surname"}},
	{"full_name", "Name", []string{"full name", "fullname", "display name"}},
	{"username", "Username", []string{"user name"}},
	{"email", "Email", []string{"e-mail", "email address"}},
	{"employee_num", "Employee Number", []string{"employee no", "employee no.", "employee num", "employee #", "employee id"}},
	{"department", "Department", nil},
	{"location", "Location", nil},
	// (Snipe-IT's Activated is whether they may log in to Snipe-IT, blank
	// read as no: not whether they hold assets. Ignored.)
	{"offboarded", "Offboarded", []string{"leaver"}},
	{"badge", "Badge", []string{"badge number"}},
	{"cost_centre", "Cost Centre", []string{"cost center"}},
	{"location_code", "Location Code", nil},
}

// locationColumns are the locations importer's columns tagdesk keeps, then
// its extras (the codes a desk scans). Read-only.
var locationColumns = []tableCol{
	{"name", "Location Name", []string{"name"}},
	{"parent_location", "Parent", []string{"parent location"}},
	{"code", "Location Code", []string{"code"}},
	{"parent_code", "Parent Code", []string{"parent location code"}},
}

// matchTableCol returns the key of the column a header names (its label,
// its key, the key with spaces, an alias; case and '_' aside), or "".
func matchTableCol(cols []tableCol, h string) string {
	n := normHeader(h)
	for _, c := range cols {
		if n == normHeader(c.label) || n == c.key || n == normHeader(c.key) || slices.Contains(c.aliases, n) {
			return c.key
		}
	}
	return ""
}

// tableKind says which of a users and a locations file a header looks
// like ("" for neither): one with a person's first or last name, employee
// number or Activated (Offboarded) column, or one with a Parent or Location
// Name column.
func tableKind(header []string) ImportKind {
	for _, h := range header {
		switch matchTableCol(userColumns, h) {
		case "first_name", "last_name", "employee_num", "offboarded":
			return KindUsers
		}
		switch normHeader(h) {
		case "activated", "active", "login enabled": // (Snipe-IT's, not read)
			return KindUsers
		}
		if n := normHeader(h); n == "location name" || strings.HasPrefix(matchTableCol(locationColumns, h), "parent_") {
			return KindLocations
		}
	}
	return ""
}

// otherKind refuses a users file given as locations and the reverse: a
// header with a column only the other has (a person's username or email,
// a location's Parent).
func otherKind(kind ImportKind, header []string) error {
	for _, h := range header {
		switch matchHeader(h) {
		case fTag, fModel, fModelNo, fSerial:
			if matchTableCol(locationColumns, h) == "" && matchTableCol(userColumns, h) == "" {
				return invalid("column %q is an assets file's: import it without --type", clip(strings.TrimSpace(h)))
			}
		}
	}
	for _, h := range header {
		var other ImportKind
		switch kind {
		case KindUsers:
			if n := normHeader(h); n == "location name" || strings.HasPrefix(matchTableCol(locationColumns, h), "parent_") {
				other = KindLocations
			}
		case KindLocations:
			switch matchTableCol(userColumns, h) {
			case "first_name", "last_name", "username", "email", "employee_num", "offboarded", "badge", "department":
				other = KindUsers
			}
			switch normHeader(h) {
			case "activated", "active", "login enabled":
				other = KindUsers
			}
		}
		if other != "" {
			return invalid("column %q is a %s file's, not a %s file's: import it with --type %s", clip(strings.TrimSpace(h)), strings.TrimSuffix(string(other), "s"), strings.TrimSuffix(string(kind), "s"), other)
		}
	}
	return nil
}

// table is a users or locations file, read whole.
type table struct {
	names []string       // the header as written
	col   map[string]int // key -> column index + 1
	rows  []*tableRow
}

type tableRow struct {
	line int
	v    map[string]string // key -> the cell, trimmed
	// key -> a code's cell as the file has it (trimmed), where it has
	// invisible characters v drops: an older tagdesk stored them so.
	given map[string]string
	bad   *RowError
}

func (t *table) has(key string) bool { return t.col[key] > 0 }

// colName is the header of the column of key, as the file writes it.
func (t *table) colName(key string) string {
	if i := t.col[key]; i > 0 {
		return strings.TrimSpace(strings.TrimLeft(t.names[i-1], "\ufeff"))
	}
	return ""
}

func (t *table) fail(r *tableRow, key, format string, args ...any) {
	if r.bad == nil {
		r.bad = &RowError{Line: r.line, Column: t.colName(key), Reason: fmt.Sprintf(format, args...)}
	}
}

// readTable reads a users or locations file: its columns by cols, each
// row's cells checked as text (UTF-8, a name's length).
func readTable(r io.Reader, kind ImportKind, cols []tableCol, rep *ImportReport, enc string) (*table, error) {
	cr, header, err := openCSV(r, enc)
	if err != nil {
		return nil, err
	}
	if err := otherKind(kind, header); err != nil {
		return nil, err
	}
	t := &table{names: header, col: map[string]int{}}
	keys := make([]string, len(header)) // each column's key, "" for one ignored
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, invalid("header column %d is %s", i+1, notUTF8)
		}
		key := matchTableCol(cols, h)
		keys[i] = key
		field := key
		if key == "" {
			field = "ignored"
		} else if j := t.col[key]; j > 0 {
			label := key
			for _, c := range cols {
				if c.key == key {
					label = c.label
				}
			}
			return nil, invalid("columns %d (%q) and %d (%q) both mean %s", j, t.colName(key), i+1, strings.TrimSpace(h), label)
		} else {
			t.col[key] = i + 1
		}
		rep.Columns = append(rep.Columns, ImportColumn{Header: strings.TrimSpace(strings.TrimLeft(h, "\ufeff")), Field: field})
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad, err := badRecord(err)
			if err != nil {
				return nil, err
			}
			rep.Rows++
			t.rows = append(t.rows, &tableRow{line: bad.Line, bad: bad})
			continue
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for i, c := range rec {
			rec[i] = unescapeCell(c)
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		rep.Rows++
		row := &tableRow{line: line, v: map[string]string{}}
		t.rows = append(t.rows, row)
		for i, c := range rec {
			if i >= len(header) {
				if strings.TrimSpace(c) != "" {
					t.fail(row, "", "%d cells, but the header has %d columns", len(rec), len(header))
				}
				continue
			}
			key := keys[i]
			if key == "" {
				continue
			}
			if !utf8.ValidString(c) {
				t.fail(row, key, notUTF8)
				continue
			}
			c = strings.TrimSpace(c)
			// An identifier or a code is scanned; a name, a department
			// or a cost centre is held to what the desk takes, its
			// spaces one space ("Madrid  Office" is Madrid Office).
			f, limit := fNotes, maxText
			switch key {
			case "badge", "employee_num", "username", "email", "code", "parent_code", "location_code":
				f, limit = fTag, MaxScanLen
				if clean := codeText(c); clean != c { // (as a scan reads it: codeText)
					if row.given == nil {
						row.given = map[string]string{}
					}
					row.given[key], c = c, clean
				}
			default:
				c = nameSpaces(c)
			}
			if msg := overLimit(c, f, limit); msg != "" {
				t.fail(row, key, "%s", msg)
				continue
			}
			row.v[key] = c
		}
	}
	if rep.Rows == 0 {
		return nil, invalid("the file has a header but no rows")
	}
	return t, nil
}

// tableBad reports the bad rows of t (by line) in rep.
func tableBad(t *table, rep *ImportReport) {
	for _, r := range t.rows {
		if r.bad == nil {
			continue
		}
		rep.BadRows++
		if len(rep.Bad) < MaxReportedRows {
			rep.Bad = append(rep.Bad, *r.bad)
		}
	}
	slices.SortStableFunc(rep.Bad, func(a, b RowError) int { return a.Line - b.Line })
}

// inSavepoint runs fn in a savepoint of the transaction: a domain error
// from it undoes what it did (its rows and the events it appended) and is
// returned as rowErr; an internal one is returned as err, for the whole
// transaction to roll back.
func (w *wtx) inSavepoint(fn func() error) (rowErr, err error) {
	heads, n, site, dirty := maps.Clone(w.heads), len(w.emitted), w.siteChecked, maps.Clone(w.dirty)
	if _, err := w.tx.ExecContext(w.ctx, `SAVEPOINT import_row`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	ferr := fn()
	if ferr != nil {
		if _, err := w.tx.ExecContext(w.ctx, `ROLLBACK TO import_row`); err != nil {
			return nil, fmt.Errorf("rollback to savepoint: %w", err)
		}
		w.heads, w.emitted, w.siteChecked, w.dirty = heads, w.emitted[:n], site, dirty
		clear(w.ids) // rows it created are gone
		w.peeked, w.spaced = nil, nil
	}
	if _, err := w.tx.ExecContext(w.ctx, `RELEASE import_row`); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	if ferr != nil && ErrorCode(ferr) == EINTERNAL {
		return nil, ferr
	}
	return ferr, nil
}

// colError is a row's refusal that a column of the file caused.
type colError struct {
	col string
	err error
}

func (e colError) Error() string { return e.err.Error() }
func (e colError) Unwrap() error { return e.err }

// errWouldChange rolls back a row's update that was tried only to see
// whether it would change anything.
var errWouldChange = invalid("would change")

// importTable performs the rows of t, each in a savepoint, in the order
// given, in one transaction: perform returns a domain error for a row it
// refuses. The transaction rolls back when a row is bad (unless
// SkipInvalid) or for a dry run.
func (db *DB) importTable(ctx context.Context, t *table, order []*tableRow, opt ImportOptions, rep *ImportReport, perform func(w *wtx, r *tableRow) error) error {
	_, err := db.writeAlone(ctx, func(w *wtx) error {
		for i, r := range order {
			if r.bad != nil {
				continue
			}
			if i%200 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if opt.Progress != nil {
					opt.Progress(i, len(order))
				}
			}
			// (A row refused takes back what it counted and warned of.)
			before := *rep
			rowErr, err := w.inSavepoint(func() error { return perform(w, r) })
			if err != nil {
				return err
			}
			if rowErr != nil {
				warnings := rep.Warnings[:len(before.Warnings)]
				*rep = before
				rep.Warnings = warnings
				r.bad = &RowError{Line: r.line, Reason: ErrorMessage(rowErr)}
				var ce colError
				if errors.As(rowErr, &ce) {
					r.bad.Column = ce.col
				}
			}
		}
		if opt.Progress != nil {
			opt.Progress(len(order), len(order))
		}
		for _, e := range w.emitted {
			switch e.Type {
			case EvLocationCreated:
				rep.Created.Locations++
			case EvPersonCreated:
				rep.Created.People++
			}
		}
		bad := slices.ContainsFunc(t.rows, func(r *tableRow) bool { return r.bad != nil })
		if opt.DryRun || (bad && !opt.SkipInvalid) {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return err
	}
	tableBad(t, rep)
	if rep.BadRows > 0 && !opt.SkipInvalid {
		// (What the good rows would have done, and warned of, did not
		// happen.)
		rep.Imported, rep.Updated, rep.Unchanged, rep.Skipped, rep.WouldRefuse, rep.Created, rep.Warnings, rep.WarningCount = 0, 0, 0, 0, 0, ImportCreated{}, nil, 0
		return invalid("%d bad row(s) of %d; nothing imported", rep.BadRows, rep.Rows)
	}
	return nil
}

// warn adds a warning to rep, up to MaxReportedRows of them.
func (rep *ImportReport) warn(line int, column, format string, args ...any) {
	rep.WarningCount++
	if len(rep.Warnings) < MaxReportedRows {
		rep.Warnings = append(rep.Warnings, RowError{Line: line, Column: column, Reason: fmt.Sprintf(format, args...)})
	}
}

// humanBool reads a yes/no cell as Snipe-IT's importer does (1, yes, true,
// y), with its opposites; set is false for a blank cell.
func humanBool(c string) (v, set bool, err error) {
	switch strings.ToLower(strings.TrimSpace(c)) {
	case "":
		return false, false, nil
	case "1", "yes", "y", "true", "on", "active", "enabled":
		return true, true, nil
	case "0", "no", "n", "false", "off", "inactive", "disabled":
		return false, true, nil
	}
	return false, false, invalid("%q is not yes or no (1, yes, true; 0, no, false)", clip(c))
}

// offboardedCell reads tagdesk's Offboarded column: yes (1, true, y) or
// no (0, false, n); set is false for a blank cell. Words that read the
// other way round in an Activated column (active, enabled) are refused.
func offboardedCell(c string) (gone, set bool, err error) {
	switch strings.ToLower(strings.TrimSpace(c)) {
	case "":
		return false, false, nil
	case "1", "yes", "y", "true", "offboarded", "left":
		return true, true, nil
	case "0", "no", "n", "false":
		return false, true, nil
	}
	return false, false, invalid("%q is not yes or no (yes, 1, true: offboarded; no, 0, false: not)", clip(c))
}

// personName is a users row's name: its first and last names, else its
// Name column.
func personName(r *tableRow) string {
	if n := oneSpace(r.v["first_name"] + " " + r.v["last_name"]); n != "" {
		return n
	}
	return oneSpace(r.v["full_name"])
}

// ImportSnipeITUsers imports people from a CSV in Snipe-IT's users import
// headers: a row names a person by their username, email, employee number
// or badge (else by their name alone) and gives their details. A person
// the register lacks is created (offboarded if tagdesk's Offboarded column
// says yes); one it has is left as they are, unless opt.Update, which gives
// them the row's details (a blank cell changes nothing) and offboards or
// reactivates them by that column. Snipe-IT's Activated (may they log in to
// Snipe-IT) is not read: people who cannot log in still hold laptops.
// As with assets, a bad row imports nothing unless opt.SkipInvalid.
func (db *DB) ImportSnipeITUsers(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Kind: KindUsers}
	t, err := readTable(r, KindUsers, userColumns, &rep, opt.Encoding)
	if err != nil {
		return rep, err
	}
	hasName := t.has("first_name") || t.has("last_name") || t.has("full_name")
	ids := []string{"badge", "employee_num", "username", "email"}
	if !hasName && !(opt.Update && slices.ContainsFunc(ids, t.has)) {
		return rep, invalid(`no "First Name", "Last Name" or "Name" column: every person needs a name (is this a users file? the header has %s)`, clip(strings.Join(t.names, ", ")))
	}
	// Checks that need no register: the identifiers' forms, and the same
	// identifier (or, for rows without any, the same name) on two rows.
	seen := map[string]int{}
	for _, r := range t.rows {
		if r.bad != nil {
			continue
		}
		if b := r.v["badge"]; b != "" {
			r.v["badge"] = NormalizeTag(b)
			if err := ValidateCode(r.v["badge"]); err != nil {
				t.fail(r, "badge", "%s", ErrorMessage(err))
				continue
			}
		}
		if e := strings.ToLower(r.v["email"]); e != "" {
			r.v["email"] = e
			if !validEmail(e) {
				t.fail(r, "email", "%q is not an email address", clip(e))
				continue
			}
		}
		if _, _, err := offboardedCell(r.v["offboarded"]); err != nil {
			t.fail(r, "offboarded", "%s", ErrorMessage(err))
			continue
		}
		keys := 0
		for _, k := range ids {
			v := r.v[k]
			if v == "" {
				continue
			}
			keys++
			key := k + "\x00" + strings.ToUpper(v)
			if prev, dup := seen[key]; dup {
				t.fail(r, k, "%s is also on line %d: one person to a row", clip(v), prev)
				break
			}
			seen[key] = r.line
		}
		if keys == 0 && r.bad == nil {
			key := "name\x00" + strings.ToUpper(personName(r))
			if prev, dup := seen[key]; dup {
				t.fail(r, "", "%s is also on line %d, and neither row has a username, email, employee number or badge to tell them apart", personName(r), prev)
			}
			seen[key] = r.line
		}
	}
	named := map[string]int{} // person uid -> the line that named them
	err = db.importTable(ctx, t, t.rows, opt, &rep, func(w *wtx, r *tableRow) error {
		uid, err := w.importUser(t, r, opt.Update, named, &rep)
		if err == nil {
			named[uid] = r.line
		}
		return err
	})
	return rep, err
}

// importUser performs one row of a users file and returns the uid of its
// person; named holds the people earlier rows named (by uid, their line).
func (w *wtx) importUser(t *table, r *tableRow, update bool, named map[string]int, rep *ImportReport) (string, error) {
	name := personName(r)
	gone, activeSet, _ := offboardedCell(r.v["offboarded"])
	active := !gone
	ids := [4]string{r.v["badge"], r.v["employee_num"], r.v["username"], r.v["email"]}
	// (And as the file has them, which an older tagdesk may have stored:
	// a person it stored so is theirs, not someone new.)
	given := ids
	for i, k := range []string{"", "employee_num", "username", "email"} {
		if v, ok := r.given[k]; ok && k != "" {
			given[i] = v
			if k == "email" {
				given[i] = strings.ToLower(v)
			}
		}
	}
	theirs := func(i int, have string) bool {
		return strings.EqualFold(ids[i], have) || strings.EqualFold(given[i], have)
	}
	m, err := w.matchPerson(name, ids, given, named)
	if err != nil {
		return "", err
	}
	uid, holder := m.uid, m.name
	if prev, ok := named[uid]; ok && uid != "" {
		return "", conflict("line %d names %s too (by %s here): one row to a person", prev, holder, m.by)
	}
	// home is the code of the person's home location: by its code, else by
	// its name, made if the register has none of that name, as Snipe-IT's
	// importer does (a row left as it is tries it in a savepoint, rolled
	// back).
	home := func() (code string, err error) {
		col, v := t.colName("location_code"), r.v["location_code"]
		var uid string
		switch {
		case v != "":
			uid, err = w.uidBy("locations", "code", NormalizeTag(v))
			if ErrorCode(err) == ENOTFOUND {
				return "", notFound("%s: no location %s (import the locations file first)", col, clip(v))
			}
		case r.v["location"] != "":
			col, v = t.colName("location"), r.v["location"]
			uid, err = w.locationByName(v)
			if ErrorCode(err) == ENOTFOUND {
				uid, err = w.ensureLocation(v)
			}
		default:
			return "", nil
		}
		if err != nil {
			if ErrorCode(err) == EINTERNAL {
				return "", err
			}
			return "", Errorf(ErrorCode(err), "%s: %s", col, ErrorMessage(err))
		}
		if err := w.queryRow(`SELECT code FROM locations WHERE uid = ?`, uid).Scan(&code); err != nil {
			return "", fmt.Errorf("read location: %w", err)
		}
		return code, nil
	}
	if uid == "" {
		if name == "" {
			return "", invalid("a new person needs a name (First Name, Last Name or Name)")
		}
		in := PersonInput{Name: name, Badge: r.v["badge"], EmployeeNo: r.v["employee_num"], Username: r.v["username"],
			Email: r.v["email"], Department: r.v["department"], CostCentre: r.v["cost_centre"]}
		if in.Location, err = home(); err != nil {
			return "", err
		}
		if uid, err = w.addPerson(in); err != nil {
			return "", err
		}
		if activeSet && !active {
			if _, err := w.offboard(uid, name, CheckInOptions{}); err != nil {
				return "", err
			}
			rep.warn(r.line, t.colName("offboarded"), "%s is added as offboarded", name)
		}
		rep.Imported++
		return uid, nil
	}
	// A row may give someone a new name or new identifiers, but not both,
	// unless their username (Snipe-IT's key) or two of their identifiers
	// say it is them: a new surname and email after a marriage.
	renamed := name != "" && name != m.name
	var another error
	if renamed && !strings.EqualFold(oneSpace(name), oneSpace(m.name)) {
		agree, differ := 0, -1
		for i := range ids {
			switch {
			case ids[i] == "" || m.has[i] == "":
			case theirs(i, m.has[i]):
				agree++
			case differ < 0:
				differ = i
			}
		}
		if differ >= 0 && agree < 2 && !(ids[2] != "" && theirs(2, m.has[2])) {
			another = conflict("its %s is %s's, whose %s is %s, not %s: another person's row? (a row gives a person a new name and new identifiers only when their username, or two of their identifiers, say it is them)", m.by, m.name, idNames[differ], m.has[differ], clip(ids[differ]))
		}
	}
	set := map[string]string{}
	for k, field := range map[string]string{"badge": "badge", "employee_num": "employee_number", "username": "username",
		"email": "email", "department": "department", "cost_centre": "cost_centre"} {
		if v := r.v[k]; v != "" {
			set[field] = v
		}
	}
	if set["username"] != "" && theirs(2, m.has[2]) {
		delete(set, "username") // (a username is theirs case aside, as the register finds it)
	}
	if v, ok := set["employee_number"]; ok && v != m.has[1] && (upperASCII(v) == upperASCII(m.has[1]) || upperASCII(given[1]) == upperASCII(m.has[1])) {
		delete(set, "employee_number") // (so is an employee number)
	}
	if set["email"] != "" && theirs(3, m.has[3]) {
		delete(set, "email") // (as an older tagdesk stored it, with its invisible characters)
	}
	if name != "" {
		set["name"] = name
	}
	// apply gives them the row's details, as --update does; trial: only
	// to learn whether it would change them or refuse the row (said by no
	// warning, and rolled back).
	apply := func(trial bool) (changed bool, err error) {
		if another != nil {
			return false, another
		}
		code, err := home()
		if err != nil {
			return false, err
		}
		if code != "" {
			set["location"] = code
		}
		if changed, err = w.updatePerson(uid, set); err != nil {
			return false, err
		}
		if renamed && !trial {
			rep.warn(r.line, "", "%s (by %s) is renamed %s", holder, m.by, name)
		}
		switch w.activation(uid, active, activeSet) {
		case "offboard":
			var n int
			if err := w.queryRow(`SELECT count(*) FROM assets WHERE custodian_person_id = (SELECT id FROM people WHERE uid = ?)`, uid).Scan(&n); err != nil {
				return false, fmt.Errorf("count holdings: %w", err)
			}
			if n > 0 {
				return false, colError{t.colName("offboarded"), conflict("%s holds %d asset(s), so the row cannot offboard them: tagdesk person offboard checks in what they hold and offboards them", holder, n)}
			}
			if _, err := w.offboard(uid, holder, CheckInOptions{}); err != nil {
				return false, err
			}
			// Named, as a rename is: the leavers a file makes are to be
			// read before it is applied (a dry run lists them).
			if !trial {
				rep.warn(r.line, t.colName("offboarded"), "%s is offboarded", holder)
			}
			changed = true
		case "reactivate":
			if !trial {
				rep.warn(r.line, t.colName("offboarded"), "%s is reactivated", holder)
			}
			if err := w.emit(EvPersonReactivated, uid, SubjectPayload{UID: uid, Name: holder}); err != nil {
				return false, err
			}
			changed = true
		}
		return changed, nil
	}
	if !update {
		// Left as they are; whether --update would change them, or
		// refuse the row, is told: it is tried, and rolled back.
		differs, err := w.inSavepoint(func() error {
			changed, err := apply(true)
			if err == nil && changed {
				err = errWouldChange
			}
			return err
		})
		if err != nil {
			return "", err
		}
		switch {
		case differs == nil:
			rep.Unchanged++
		case errors.Is(differs, errWouldChange):
			rep.Skipped++
			rep.warn(r.line, "", "%s (by %s) is in the register already with other details, left as they are (--update gives them this row's)", holder, m.by)
		default:
			rep.Skipped++
			rep.WouldRefuse++
			rep.warn(r.line, "", "%s (by %s) is in the register already, left as they are (--update refuses the row: %s)", holder, m.by, ErrorMessage(differs))
		}
		return uid, nil
	}
	changed, err := apply(false)
	if err != nil {
		return "", err
	}
	if changed {
		rep.Updated++
	} else {
		rep.Unchanged++
	}
	return uid, nil
}

// activation says what a row's Offboarded cell asks of the person uid:
// "offboard", "reactivate" or "" (nothing).
func (w *wtx) activation(uid string, active, set bool) string {
	if !set {
		return ""
	}
	var now bool
	if err := w.queryRow(`SELECT active FROM people WHERE uid = ?`, uid).Scan(&now); err != nil || now == active {
		return ""
	}
	if active {
		return "reactivate"
	}
	return "offboard"
}

// idNames name a person's identifiers in the order matchPerson takes them.
var idNames = [4]string{"badge", "employee number", "username", "email"}

// personMatch is the person a users row names.
type personMatch struct {
	uid, name string
	has       [4]string // their badge, employee number, username, email
	by        string    // how the row names them: "username asilva", "name"
}

// matchPerson finds the person a row names: the one person with any of
// its identifiers (badge, employee number, username, email), else the one
// of its name whose identifiers do not contradict it, else no one (uid
// ""). A row whose identifiers are two people's, or whose name is several
// people's, is refused, as is a name match where the row and the person
// have identifiers of different kinds. named are people other rows named,
// which a name does not match.
func (w *wtx) matchPerson(name string, ids, given [4]string, named map[string]int) (personMatch, error) {
	const cols = `SELECT uid, name, coalesce(badge, ''), coalesce(employee_no, ''), coalesce(username, ''), coalesce(email, '') FROM people WHERE `
	read := func(q string, args ...any) ([]personMatch, error) {
		rows, err := w.tx.QueryContext(w.ctx, cols+q, args...)
		if err != nil {
			return nil, fmt.Errorf("find person: %w", err)
		}
		defer rows.Close()
		var out []personMatch
		for rows.Next() {
			var m personMatch
			if err := rows.Scan(&m.uid, &m.name, &m.has[0], &m.has[1], &m.has[2], &m.has[3]); err != nil {
				return nil, fmt.Errorf("find person: %w", err)
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find person: %w", err)
		}
		return out, nil
	}
	if ids != [4]string{} {
		// (Each code as given too, ?5 to ?7, as personIs: an older
		// tagdesk stored codes with their invisible characters.)
		found, err := read(`badge = ?1 OR employee_no IN (?2, ?5) OR (upper(employee_no) IN (upper(?2), upper(?5)) AND NOT EXISTS (SELECT 1 FROM people x WHERE x.employee_no IN (?2, ?5))) OR username IN (?3, ?6) OR email IN (?4, ?7)`,
			nullable(ids[0]), nullable(ids[1]), nullable(ids[2]), nullable(ids[3]), nullable(given[1]), nullable(given[2]), nullable(given[3]))
		if err != nil {
			return personMatch{}, err
		}
		if len(found) > 1 {
			found = asGivenFirst(found, ids, given)
		}
		switch len(found) {
		case 1:
			m := found[0]
			for i := range ids {
				if ids[i] != "" && (strings.EqualFold(ids[i], m.has[i]) || strings.EqualFold(given[i], m.has[i])) {
					m.by = idNames[i] + " " + ids[i]
					break
				}
			}
			return m, nil
		case 0:
		default:
			return personMatch{}, conflict("the row's badge, employee number, username and email name %d people (%s and %s): one row, one person", len(found), found[0].name, found[1].name)
		}
	}
	if name == "" {
		return personMatch{}, nil
	}
	found, err := read(`name = ?`, name)
	if err != nil {
		return personMatch{}, err
	}
	found = slices.DeleteFunc(found, func(m personMatch) bool {
		if _, ok := named[m.uid]; ok {
			return true // (another row's person: made or found by it)
		}
		for i := range ids {
			if ids[i] != "" && m.has[i] != "" {
				return true // (theirs differs: it did not match above)
			}
		}
		return false
	})
	if len(found) > 1 {
		// Of several, the one with just the row's identifiers (none, when
		// the row has none), if there is one.
		if same := slices.DeleteFunc(slices.Clone(found), func(m personMatch) bool { return m.has != ids }); len(same) == 1 {
			found = same
		}
	}
	switch len(found) {
	case 0:
		return personMatch{}, nil
	case 1:
		m := found[0]
		m.by = "name"
		if ids != [4]string{} && m.has != [4]string{} {
			// Both have identifiers, of different kinds: the row may be
			// them, or a namesake.
			var theirs []string
			for i := range m.has {
				if m.has[i] != "" {
					theirs = append(theirs, idNames[i]+" "+m.has[i])
				}
			}
			return personMatch{}, invalid("%s in the register has %s, and the row none of those: is it them? give the row one of theirs (or them the row's, with tagdesk person update)", m.name, strings.Join(theirs, ", "))
		}
		return m, nil
	}
	return personMatch{}, invalid("%d people are named %s and the row does not say which: give them usernames or emails (tagdesk person update) and the row one of them", len(found), clip(name))
}

// asGivenFirst drops from found, the people a users row's identifiers
// (ids, and given as the file has them) matched, each one its identifier
// names only as the register reads it (jdoe) when someone found has it as
// the row gives it (jdoe\u200b, as an older tagdesk stored it): a code
// names the one it is as given, as personIs's lookups take it (and the
// assets import's holder); the other is another person. A row whose
// identifiers name two people by their own forms keeps both (refused).
func asGivenFirst(found []personMatch, ids, given [4]string) []personMatch {
	var held [4]bool // the row's identifier, given otherwise than read, is someone's as given
	for i := range ids {
		for _, m := range found {
			held[i] = held[i] || given[i] != ids[i] && given[i] != "" && strings.EqualFold(given[i], m.has[i])
		}
	}
	kept := slices.DeleteFunc(slices.Clone(found), func(m personMatch) bool {
		for i := range ids {
			if ids[i] != "" && m.has[i] != "" && (strings.EqualFold(given[i], m.has[i]) || !held[i] && strings.EqualFold(ids[i], m.has[i])) {
				return false
			}
		}
		return true
	})
	if len(kept) == 0 {
		return found // (matched otherwise, as an employee number in another case: as found)
	}
	return kept
}

// ImportSnipeITLocations imports locations from a CSV in Snipe-IT's
// locations import headers: Location Name and Parent (by name), and
// tagdesk's Location Code and Parent Code. A parent comes before its
// children whatever the rows' order; a parent neither in the file nor in
// the register is made at the top (with a warning), as Snipe-IT does. A
// location the register has (by code, else by name under the row's parent)
// is left as it is, unless opt.Update, which renames it or moves it in the
// tree as the row says (a blank Parent leaves its place alone).
func (db *DB) ImportSnipeITLocations(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Kind: KindLocations}
	t, err := readTable(r, KindLocations, locationColumns, &rep, opt.Encoding)
	if err != nil {
		return rep, err
	}
	if !t.has("name") {
		return rep, invalid(`no "Location Name" (or "Name") column: every location needs a name (is this a locations file? the header has %s)`, clip(strings.Join(t.names, ", ")))
	}
	// (Names as the register compares them: case aside.)
	byCode, byName := map[string]*tableRow{}, map[string][]*tableRow{}
	codes := &codeSet{given: map[string]bool{}}
	for _, r := range t.rows {
		if r.bad != nil {
			continue
		}
		if r.v["name"] == "" {
			t.fail(r, "name", "a location needs a name")
			continue
		}
		for _, k := range []string{"code", "parent_code"} {
			if c := r.v[k]; c != "" {
				r.v[k] = NormalizeTag(c)
				if err := ValidateCode(r.v[k]); err != nil {
					t.fail(r, k, "%s", ErrorMessage(err))
				}
			}
		}
		if r.bad != nil {
			continue
		}
		if c := r.v["code"]; c != "" {
			if prev, dup := byCode[c]; dup {
				t.fail(r, "code", "code %s is also on line %d", c, prev.line)
				continue
			}
			byCode[c] = r
			codes.given[c] = true
		}
		byName[foldName(r.v["name"])] = append(byName[foldName(r.v["name"])], r)
	}
	// Each row's parent in the file, if it is there.
	parentRow := map[*tableRow]*tableRow{}
	for _, r := range t.rows {
		if r.bad != nil {
			continue
		}
		if c := r.v["parent_code"]; c != "" {
			if p := byCode[c]; p != nil {
				parentRow[r] = p
			}
		} else if n := r.v["parent_location"]; n != "" {
			switch ps := byName[foldName(n)]; {
			case len(ps) == 1:
				parentRow[r] = ps[0]
			case len(ps) > 1:
				t.fail(r, "parent_location", "%d rows of the file are named %s: name the parent by its code (a Parent Code column)", len(ps), clip(n))
			}
		}
		if parentRow[r] == r {
			t.fail(r, "parent_location", "a location cannot lie in itself")
		}
	}
	// Parents before their children; a row under a bad row, or in a
	// circle of parents, is bad too.
	var order, path []*tableRow
	state := map[*tableRow]int{} // 1 on the path being visited, 2 done
	var visit func(r *tableRow) bool
	visit = func(r *tableRow) bool {
		switch state[r] {
		case 1: // a circle: every row on it from r on
			i := slices.Index(path, r)
			for k, c := range path[i:] {
				next := path[i+(k+1)%(len(path)-i)]
				t.fail(c, "parent_location", "its parent (line %d) lies in it: the file's parents make a circle", next.line)
			}
			return false
		case 2:
			return r.bad == nil
		}
		state[r] = 1
		path = append(path, r)
		if p := parentRow[r]; p != nil && r.bad == nil {
			if !visit(p) {
				t.fail(r, "parent_location", "its parent (line %d) is a bad row", p.line)
			}
		}
		path = path[:len(path)-1]
		state[r] = 2
		order = append(order, r)
		return r.bad == nil
	}
	for _, r := range t.rows {
		visit(r)
	}
	li := &locImport{t: t, parentRow: parentRow, codes: codes, update: opt.Update, rep: &rep,
		made: map[*tableRow]string{}, claimed: map[string]bool{}, byName: byName, maxID: -1}
	err = db.importTable(ctx, t, order, opt, &rep, func(w *wtx, r *tableRow) error {
		return li.row(w, r)
	})
	return rep, err
}

// foldName is a name as the register compares names (COLLATE NOCASE).
func foldName(s string) string { return strings.ToLower(s) }

// locImport is a locations file being performed.
type locImport struct {
	t         *table
	parentRow map[*tableRow]*tableRow
	byName    map[string][]*tableRow // the file's rows by name (foldName)
	codes     *codeSet
	update    bool
	rep       *ImportReport
	made      map[*tableRow]string // row -> its location's uid
	claimed   map[string]bool      // locations rows have made or found
	maxID     int64                // the register's last location before the import (-1: not read)
}

// row performs one row of a locations file: its parent, then its location.
func (li *locImport) row(w *wtx, r *tableRow) error {
	parent, err := li.parent(w, r)
	if err != nil {
		return err
	}
	uid, err := li.location(w, r, parent)
	if err != nil {
		return err
	}
	li.made[r], li.claimed[uid] = uid, true
	return nil
}

// parent is the uid of a row's parent ("" for none): the row of the file
// that is its parent, else the register's location by the Parent Code or
// the Parent's name, made at the top if the register has no location of
// that name.
func (li *locImport) parent(w *wtx, r *tableRow) (string, error) {
	uid, err := li.parentUID(w, r)
	if err == nil && uid != "" && r.v["parent_code"] != "" && r.v["parent_location"] != "" {
		// Parent Code decides; a Parent edited alone (the column people
		// read) would be ignored without a word.
		var name string
		if err := w.queryRow(`SELECT name FROM locations WHERE uid = ?`, uid).Scan(&name); err != nil {
			return "", fmt.Errorf("read location: %w", err)
		}
		if !strings.EqualFold(oneSpace(name), oneSpace(r.v["parent_location"])) {
			li.rep.warn(r.line, li.t.colName("parent_location"), "%s, but Parent Code %s is %s: the code is taken (change Parent Code to move it)", clip(r.v["parent_location"]), r.v["parent_code"], clip(name))
		}
	}
	return uid, err
}

// parentUID is parent's answer, before it compares the row's two ways of
// naming the parent.
func (li *locImport) parentUID(w *wtx, r *tableRow) (string, error) {
	t := li.t
	if p := li.parentRow[r]; p != nil {
		if uid := li.made[p]; uid != "" {
			return uid, nil
		}
		return "", invalid("its parent (line %d) was not imported", p.line)
	}
	if c := r.v["parent_code"]; c != "" {
		uid, err := w.uidBy("locations", "code", c)
		if ErrorCode(err) == ENOTFOUND {
			return "", notFound("%s: no location %s in the file or the register", t.colName("parent_code"), c)
		}
		return uid, err
	}
	n := r.v["parent_location"]
	if n == "" {
		return "", nil
	}
	uid, err := w.locationByName(n)
	if ErrorCode(err) != ENOTFOUND {
		if err != nil && ErrorCode(err) != EINTERNAL {
			return "", Errorf(ErrorCode(err), "%s: %s", t.colName("parent_location"), ErrorMessage(err))
		}
		return uid, err
	}
	code, err := w.codeForName(n, li.codes)
	if err != nil {
		return "", err
	}
	if uid, err = w.addLocation(code, n, ""); err != nil {
		return "", err
	}
	li.claimed[uid] = true
	li.rep.warn(r.line, t.colName("parent_location"), "%s is neither a row of the file nor a location of the register: made as a top-level location", clip(n))
	return uid, nil
}

// location makes or finds a row's location under parent (a uid, or "").
// The register's location of a row is the one of its code; without one,
// the one of its name under its parent, or, when the file names one place
// so, the one of its name wherever it is (placed by Snipe-IT otherwise,
// made by an asset import): a place made or found by another row of the
// file is not this row's.
func (li *locImport) location(w *wtx, r *tableRow, parent string) (string, error) {
	name, code := r.v["name"], r.v["code"]
	if li.maxID < 0 {
		// Places made by this import are other rows' (or their parents).
		if err := w.queryRow(`SELECT coalesce(max(id), 0) FROM locations`).Scan(&li.maxID); err != nil {
			return "", fmt.Errorf("read locations: %w", err)
		}
	}
	type loc struct{ uid, code, name, parent string }
	find := func(cond string, args ...any) ([]loc, error) {
		rows, err := w.tx.QueryContext(w.ctx, `SELECT l.uid, l.code, l.name, coalesce(p.uid, '') FROM locations l LEFT JOIN locations p ON p.id = l.parent_id WHERE `+cond, args...)
		if err != nil {
			return nil, fmt.Errorf("find location: %w", err)
		}
		defer rows.Close()
		var out []loc
		for rows.Next() {
			var l loc
			if err := rows.Scan(&l.uid, &l.code, &l.name, &l.parent); err != nil {
				return nil, fmt.Errorf("find location: %w", err)
			}
			if code != "" || !li.claimed[l.uid] {
				out = append(out, l)
			}
		}
		return out, rows.Err()
	}
	hasParent := r.v["parent_code"] != "" || r.v["parent_location"] != ""
	var found []loc
	var err error
	if code != "" {
		found, err = find(`l.code = ?`, code)
	} else {
		// Under the row's parent (at the top, for a row without one).
		found, err = find(`l.parent_id IS (SELECT id FROM locations WHERE uid = ?) AND l.name = ? AND l.id <= ?`, nullable(parent), name, li.maxID)
		once := len(li.byName[foldName(name)]) == 1 // the file's one place of this name
		switch {
		case err != nil:
		case len(found) > 1:
			return "", invalid("several locations of the register are named %s there: give the file a Location Code column", clip(name))
		case len(found) == 1 || !once:
		case hasParent:
			// Elsewhere, at the top: a place an asset import made by name
			// (not the row's parent, nor what that lies in: a London
			// office in the London region is another place).
			found, err = find(`l.parent_id IS NULL AND l.name = ? AND l.id <= ?
				AND l.id NOT IN (WITH RECURSIVE up(id) AS (SELECT id FROM locations WHERE uid = ?
					UNION SELECT p.parent_id FROM locations p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL) SELECT id FROM up)`, name, li.maxID, parent)
		default:
			// A row without a parent: the one place of its name, wherever.
			found, err = find(`l.name = ? AND l.id <= ? LIMIT 3`, name, li.maxID)
			if len(found) > 1 {
				return "", invalid("several locations of the register are named %s, none at the top: give the file a Parent or a Location Code column", clip(name))
			}
		}
	}
	if err != nil {
		return "", err
	}
	if len(found) == 0 {
		if code == "" {
			var other, otherUID string
			if err := w.queryRow(`SELECT l.code, l.uid FROM locations l WHERE l.name = ? AND l.id <= ? LIMIT 1`, name, li.maxID).Scan(&other, &otherUID); err == nil && !li.claimed[otherUID] {
				li.rep.warn(r.line, "", "a location named %s is in the register already (%s), elsewhere in the tree: this row makes another; to move or rename that one instead, use tagdesk location update %s", clip(name), other, other)
			} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", fmt.Errorf("find location: %w", err)
			}
			if code, err = w.codeForName(name, li.codes); err != nil {
				return "", err
			}
		}
		uid, err := w.addLocation(code, name, parent)
		if err == nil {
			li.rep.Imported++
		}
		return uid, err
	}
	l := found[0]
	set := map[string]string{"name": name}
	if code == "" && strings.EqualFold(l.name, name) {
		delete(set, "name") // (found by it, case aside: the register's spelling stays)
	}
	if hasParent || code != "" && li.t.has("parent_code") {
		// (A row of a place by its code, its Parent Code blank, in a file
		// with that column (tagdesk's export), is at the top: the export
		// writes a top-level place so. Elsewhere a blank cell changes
		// nothing, as --update has it: a rename sheet with an empty
		// Parent column flattened the tree, a review found.)
		set["parent_uid"] = parent
	}
	if !li.update {
		// Left as it is; whether the row would change it is told.
		differs, err := w.inSavepoint(func() error {
			changed, err := w.updateLocation(l.uid, set)
			if err == nil && changed {
				err = errWouldChange
			}
			return err
		})
		if err != nil {
			return "", err
		}
		switch {
		case differs == nil:
			li.rep.Unchanged++
		case errors.Is(differs, errWouldChange):
			li.rep.Skipped++
			li.rep.warn(r.line, "", "location %s is in the register already with another name or parent, left as it is (--update renames or moves it)", l.code)
		default:
			li.rep.Skipped++
			li.rep.WouldRefuse++
			li.rep.warn(r.line, "", "location %s is in the register already, left as it is (--update refuses the row: %s)", l.code, ErrorMessage(differs))
		}
		return l.uid, nil
	}
	changed, err := w.updateLocation(l.uid, set)
	if err != nil {
		if col := li.t.colName("parent_code"); hasParent && ErrorCode(err) != EINTERNAL {
			if r.v["parent_code"] == "" {
				col = li.t.colName("parent_location")
			}
			return "", colError{col, err}
		}
		return "", err
	}
	if changed {
		li.rep.Updated++
	} else {
		li.rep.Unchanged++
	}
	return l.uid, nil
}

// userExportColumns are the users file's columns, as ExportSnipeITUsers
// writes them.
var userExportColumns = []string{"first_name", "last_name", "username", "email", "employee_num", "department", "location", "badge", "cost_centre", "location_code", "offboarded"}

// ExportSnipeITUsers writes every person in Snipe-IT's users import
// headers, with tagdesk's badge, cost centre, home location code and
// whether they were offboarded after them (no Activated: that would let
// everyone log in to Snipe-IT); it returns the rows written. A name
// is split at its first space (Snipe-IT wants a first name), and an import
// joins the two again; one with a comma ("Smith, John": surname first)
// goes whole into First Name, which split would read as first name
// "Smith,".
func (db *DB) ExportSnipeITUsers(ctx context.Context, out io.Writer) (int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT p.name, coalesce(p.username, ''), coalesce(p.email, ''), coalesce(p.employee_no, ''), p.department,
		coalesce(l.name, ''), p.active, coalesce(p.badge, ''), p.cost_centre, coalesce(l.code, '')
		FROM people p LEFT JOIN locations l ON l.id = p.location_id ORDER BY p.name, p.id`)
	if err != nil {
		return 0, fmt.Errorf("export people: %w", err)
	}
	defer rows.Close()
	return writeTable(out, userColumns, userExportColumns, rows, func(sc *sql.Rows) ([]string, error) {
		var name, user, email, emp, dept, locName, badge, cc, locCode string
		var active bool
		if err := sc.Scan(&name, &user, &email, &emp, &dept, &locName, &active, &badge, &cc, &locCode); err != nil {
			return nil, err
		}
		first, last, _ := strings.Cut(name, " ")
		if strings.Contains(name, ",") {
			first, last = name, ""
		}
		// "no" written, not left blank: an --update from this file
		// reactivates one offboarded on the desk it goes to (a blank
		// changes nothing, and a re-joiner never came back there).
		off := "no"
		if !active {
			off = "yes"
		}
		return []string{first, last, user, email, emp, dept, locName, badge, cc, locCode, off}, nil
	})
}

// ExportSnipeITLocations writes every location, parents before their
// children, in Snipe-IT's locations import headers with tagdesk's codes
// after them; it returns the rows written.
func (db *DB) ExportSnipeITLocations(ctx context.Context, out io.Writer) (int, error) {
	rep, err := db.ExportSnipeITLocationsReport(ctx, out)
	return rep.Rows, err
}

// ExportSnipeITLocationsReport is ExportSnipeITLocations, with the names
// places share (Snipe-IT would make them one).
func (db *DB) ExportSnipeITLocationsReport(ctx context.Context, out io.Writer) (ExportReport, error) {
	var rep ExportReport
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("export locations: %w", err)
	}
	defer tx.Rollback()
	if rep.Places, err = sharedPlaceNames(ctx, tx); err != nil {
		return rep, err
	}
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE tree(id, depth) AS (
			SELECT id, 0 FROM locations WHERE parent_id IS NULL
			UNION ALL SELECT l.id, t.depth + 1 FROM locations l JOIN tree t ON l.parent_id = t.id
		)
		SELECT l.name, coalesce(p.name, ''), l.code, coalesce(p.code, '')
		FROM tree JOIN locations l ON l.id = tree.id LEFT JOIN locations p ON p.id = l.parent_id
		ORDER BY tree.depth, l.code`)
	if err != nil {
		return rep, fmt.Errorf("export locations: %w", err)
	}
	defer rows.Close()
	rep.Rows, err = writeTable(out, locationColumns, []string{"name", "parent_location", "code", "parent_code"}, rows, func(sc *sql.Rows) ([]string, error) {
		rec := make([]string, 4)
		err := sc.Scan(&rec[0], &rec[1], &rec[2], &rec[3])
		return rec, err
	})
	return rep, err
}

// writeTable writes a header of the labels of keys and a row per row of
// rows, each cell safe from a spreadsheet's formulas.
func writeTable(out io.Writer, cols []tableCol, keys []string, rows *sql.Rows, scan func(*sql.Rows) ([]string, error)) (int, error) {
	bw := bufio.NewWriterSize(out, 64<<10)
	cw := csv.NewWriter(bw)
	header := make([]string, len(keys))
	for i, k := range keys {
		for _, c := range cols {
			if c.key == k {
				header[i] = c.label
			}
		}
	}
	if err := cw.Write(header); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n := 0
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		if err := cw.Write(SpreadsheetRow(rec)); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, flushCSV(cw, bw)
}

// flushCSV writes out what cw and then bw hold: the end of an export.
func flushCSV(cw *csv.Writer, bw *bufio.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
