package store

// Snipe-IT CSV interchange: assets in and out in the column headers Snipe-IT's
// asset importer accepts (app/Livewire/Importer.php, see
// reference/itam-anchors.md section 2).

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"golang.org/x/text/unicode/norm"
	"io"
	"maps"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// ImportOptions tune ImportSnipeIT.
type ImportOptions struct {
	// SkipInvalid imports the good rows of a file with bad rows; without
	// it a single bad row means nothing is imported.
	SkipInvalid bool
	// DryRun validates and performs the whole import, then rolls it back.
	DryRun bool
	// Progress, if set, is called now and then with the steps done so far
	// and their total: a row is a step, and its check-out or disposal one more.
	Progress func(done, total int)
	// Source names the file (its base name), recorded with each row's
	// receipt so that history tells a migration from a delivery.
	Source string
	// Statuses maps a file's own status labels (Snipe-IT's custom ones,
	// "Staging", "Awaiting parts") to tagdesk's statuses, case and spaces
	// aside; they are read before Snipe-IT's and tagdesk's names.
	Statuses map[string]Status
	// Update makes a row whose asset the register has already (the one
	// imported with its Snipe-IT ID, else its tag, or a tagless row's
	// serial and model) update that asset, as Snipe-IT's
	// "Update Existing Values" does: the fields its cells give (a blank
	// cell changes nothing), its status, whom it is checked out to, its
	// disposal. Without it such rows are refused.
	Update bool
	// Encoding names the file's text encoding when it is not UTF-8, by
	// its usual label ("windows-1252", "iso-8859-2", "shift_jis"; see
	// ParseEncoding). Blank reads UTF-8, or UTF-16 by its byte-order mark;
	// a byte-order mark always wins.
	Encoding string
}

// ImportCreated counts what an import created besides assets.
type ImportCreated struct {
	Models        int `json:"models"`
	Manufacturers int `json:"manufacturers"`
	Categories    int `json:"categories"`
	Suppliers     int `json:"suppliers"`
	Locations     int `json:"locations"`
	People        int `json:"people"`
	// PurchaseOrders counts the orders an asset's Purchase Order named
	// that the desk did not have (made for it, on receipt or --update).
	PurchaseOrders int `json:"purchase_orders"`
}

// RowError is one bad row (or, with Line 0, a problem with the header).
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func (e RowError) String() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "%s: ", e.Column)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ImportColumn says how one header of the file was read.
type ImportColumn struct {
	Header string `json:"header"`
	Field  string `json:"field"` // Snipe-IT internal key, tagdesk extra key, "custom" or "ignored"
	// Custom is the custom field a "custom" column fills (a second column
	// of one name fills "Name (2)").
	Custom string `json:"custom,omitempty"`
}

// ImportReport is what an import did, or would have done.
type ImportReport struct {
	Kind      ImportKind `json:"kind"`      // what the file holds: assets, users, locations
	Rows      int        `json:"rows"`      // data rows in the file (blank rows not counted)
	Imported  int        `json:"imported"`  // assets received (people, locations created)
	Updated   int        `json:"updated"`   // assets of the register changed (ImportOptions.Update)
	Unchanged int        `json:"unchanged"` // rows of assets of the register that changed nothing
	// Skipped counts the rows of people or locations the register has
	// whose details differ, left as they are without Update (a users or
	// locations file).
	Skipped int `json:"skipped,omitempty"`
	// WouldRefuse counts those of Skipped whose row --update would
	// refuse (each warned of, with its reason): --update does not give
	// them the file's details.
	WouldRefuse   int            `json:"would_refuse,omitempty"`
	CheckedOut    int            `json:"checked_out"`
	Disposed      int            `json:"disposed"`
	GeneratedTags int            `json:"generated_tags"`
	Deleted       int            `json:"deleted"` // rows of assets deleted in Snipe-IT, left out
	Created       ImportCreated  `json:"created"`
	Columns       []ImportColumn `json:"columns"`
	BadRows       int            `json:"bad_rows"` // may exceed len(Bad)
	// InRegister counts the bad rows that are assets of the register
	// already (their tag, or a tagless row's serial and model): an import
	// adds assets, it does not update them.
	InRegister int        `json:"in_register"`
	Bad        []RowError `json:"bad"` // the first MaxReportedRows bad rows, by line
	Warnings   []RowError `json:"warnings"`
	// WarningCount counts every warning: Warnings holds the first
	// MaxReportedRows (a 1,500-row file's last 500 losses went unsaid).
	WarningCount int  `json:"warning_count"`
	DryRun       bool `json:"dry_run"`
}

// MaxReportedRows bounds the bad rows and warnings an import report lists.
const MaxReportedRows = 1000

// Cell size limits: identifiers and names are scanned or looked up, notes
// and custom fields are free text.
const (
	maxNameCell = MaxScanLen
)

// sfield is one column meaning.
type sfield int

const (
	fIgnored sfield = iota
	fID
	fTag
	fName
	fModel
	fModelNo
	fModelNotes
	fNotes
	fSerial
	fCategory
	fManufacturer
	fCompany
	fStatus
	fLocation
	fSupplier
	fOrderNo
	fCost
	fPurchaseDate
	fWarrantyMonths
	fEOL
	fRequestable
	fBYOD
	fImage
	fCheckoutType
	fCheckoutLocation
	fFirstName
	fLastName
	fFullName
	fEmail
	fUsername
	fLastCheckin
	fLastCheckout
	fExpectedCheckin
	fLastAudit
	fNextAudit
	// tagdesk extras: written by our export, read back by our import.
	fWarrantyEnd
	fCurrency
	fCostCentre
	fLocationCode
	fHome
	fHomeCode
	fCheckoutLocationCode
	fBadge
	fEmployeeNo
	fParentTag
	fDisposalMethod
	fDisposalCertificate
	fDisposalVendor
	fDisposalDate
	fCurrent
	fCurrentCode
	fPurchaseOrder
	fCustom
	numFields
)

type fieldDef struct {
	f       sfield
	key     string // Snipe-IT's internal key (ours for the extras)
	label   string // the English label, what our export writes
	aliases []string
}

// snipeFields lists the asset importer's fields in Snipe-IT's order (the
// first field a header matches wins, as in Snipe-IT: "model" is the model
// name), then tagdesk's extras. Read-only.
var snipeFields = []fieldDef{
	{fID, "id", "ID", nil},
	{fTag, "asset_tag", "Asset Tag", []string{"asset tag", "assettag", "tag"}},
	{fName, "item_name", "Asset Name", []string{"item name", "asset name", "name"}},
	{fModel, "asset_model", "Model Name", []string{"model name", "model"}},
	{fModelNo, "model_number", "Model No.", []string{"model", "model no", "model no.", "model number", "model num", "model num."}},
	{fModelNotes, "model_notes", "Model Notes", nil},
	{fNotes, "asset_notes", "Asset Notes", []string{"notes"}},
	{fSerial, "serial", "Serial Number", []string{"serial number", "serial no.", "serial no", "product key", "key"}},
	{fCategory, "category", "Category", nil},
	{fManufacturer, "manufacturer", "Manufacturer", nil},
	{fCompany, "company", "Company", nil},
	{fStatus, "status", "Status", nil},
	{fLocation, "location", "Location", nil},
	{fSupplier, "supplier", "Supplier", nil},
	{fOrderNo, "order_number", "Order Number", []string{"order #", "order no.", "order num", "order number", "order"}},
	{fCost, "purchase_cost", "Purchase Cost", nil},
	{fPurchaseDate, "purchase_date", "Purchase Date", nil},
	{fWarrantyMonths, "warranty_months", "Warranty Months", []string{"warranty", "warranty months"}},
	{fEOL, "asset_eol_date", "EOL Date", []string{"eol", "eol date", "asset eol date"}},
	{fRequestable, "requestable", "Requestable", nil},
	{fBYOD, "byod", "BYOD", nil},
	{fImage, "image", "Image Filename", nil},
	{fCheckoutType, "checkout_class", "Checkout Type", []string{"checkout type", "checkout class"}},
	{fCheckoutLocation, "checkout_location", "Checkout to Location", nil},
	{fFirstName, "first_name", "Checked Out to: First Name", []string{"first name"}},
	{fLastName, "last_name", "Checked Out to: Last Name", []string{"last name", "lastname"}},
	{fFullName, "full_name", "Checked Out to: Full Name", []string{"full name", "fullname"}},
	{fEmail, "email", "Checked Out to: Email", []string{"email", "e-mail"}},
	{fUsername, "username", "Checked Out to: Username", []string{"user name", "username"}},
	{fLastCheckin, "last_checkin", "Last Checkin", []string{"last checkin date", "last check-in", "last check-in date"}},
	{fLastCheckout, "last_checkout", "Checkout Date", []string{"last checkout", "last checkout date", "checkout date"}},
	{fExpectedCheckin, "expected_checkin", "Expected Checkin", []string{"expected checkin date", "expected check-in", "expected check-in date"}},
	{fLastAudit, "last_audit_date", "Last Audit", nil},
	{fNextAudit, "next_audit_date", "Next Audit Date", []string{"next audit"}},
	{fWarrantyEnd, "warranty_end", "Warranty End", []string{"warranty end date", "warranty expires"}},
	{fCurrency, "currency", "Currency", nil},
	{fCostCentre, "cost_centre", "Cost Centre", []string{"cost center"}},
	{fLocationCode, "location_code", "Location Code", nil},
	{fHome, "home_location", "Home Location", []string{"default location", "rtd location"}},
	{fHomeCode, "home_location_code", "Home Location Code", nil},
	{fCheckoutLocationCode, "checkout_location_code", "Checkout to Location Code", nil},
	{fCurrent, "current_location", "Current Location", nil},
	{fCurrentCode, "current_location_code", "Current Location Code", nil},
	{fPurchaseOrder, "purchase_order", "Purchase Order", []string{"purchase order number", "po number"}},
	{fBadge, "badge", "Checked Out to: Badge", nil},
	{fEmployeeNo, "employee_number", "Checked Out to: Employee Number", []string{"employee number", "employee no.", "employee no"}},
	{fParentTag, "parent_asset_tag", "Checked Out to: Asset Tag", nil},
	{fDisposalMethod, "disposal_method", "Disposal Method", nil},
	{fDisposalCertificate, "disposal_certificate", "Disposal Certificate", nil},
	{fDisposalVendor, "disposal_vendor", "Disposal Vendor", nil},
	{fDisposalDate, "disposal_date", "Disposal Date", nil},
}

// normHeader is Snipe-IT's header normalisation: trimmed, '_' as a space,
// case-insensitive (and runs of spaces as one).
func normHeader(h string) string {
	h = strings.TrimLeft(h, "\ufeff") // a BOM, or two (a file saved twice)
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(h, "_", " "))), " ")
}

// matchHeader returns the field a header names: its English label, its
// internal key, the key with spaces, or an alias, case-insensitively. An
// unknown header is a custom field.
func matchHeader(h string) sfield {
	n := normHeader(h)
	if n == "" {
		return fIgnored
	}
	for _, d := range snipeFields {
		if n == normHeader(d.label) || n == d.key || n == normHeader(d.key) {
			return d.f
		}
		for _, a := range d.aliases {
			if n == a {
				return d.f
			}
		}
	}
	return fCustom
}

// snipeComputed are columns of Snipe-IT's list and report exports that are
// computed or bookkeeping, not asset data: they are ignored rather than
// made custom fields. ("Checked Out To" names a person, a location or an
// asset without saying which: the Checkout Type and "Checked Out to: ..."
// columns say it.) Read-only.
var snipeComputed = map[string]bool{
	"created at": true, "updated at": true, "age": true, "checkouts": true, "checkins": true,
	"requests": true, "current value": true, "diff": true, "days without audit": true, "image": true,
	"checked out to": true, "created by": true,
}

// deletedHeader says whether a header (normalised) is Snipe-IT's date of
// an asset's deletion: its custom report's "Deleted", or "Deleted At".
func deletedHeader(n string) bool { return n == "deleted" || n == "deleted at" }

// deletedOn says whether a cell of that column dates a deletion: Snipe-IT
// writes a date and time there (in the instance's format: 2024-05-01,
// 1/05/24 10:00AM), or nothing. A yes/no cell (a column of someone's own
// under that name: no, 0, false) deletes nothing.
func deletedOn(c string) bool {
	switch strings.ToLower(strings.TrimSpace(c)) {
	case "", "0", "1", "no", "yes", "n", "y", "false", "true":
		return false
	}
	// MySQL's zero date ("0000-00-00 00:00:00", as old exports write an
	// empty one) dates nothing: a live asset.
	return strings.ContainsAny(strings.Trim(c, "0-:/. T"), "123456789")
}

// keptName is the custom field a Snipe-IT column is kept as.
func keptName(f sfield) string {
	if f == fID {
		return SnipeITIDField
	}
	return fieldDefOf(f).label
}

func fieldDefOf(f sfield) fieldDef {
	for _, d := range snipeFields {
		if d.f == f {
			return d
		}
	}
	return fieldDef{f: f}
}

// snipeStatus maps a Snipe-IT status label to a tagdesk status. Snipe-IT
// exports may write "Ready to Deploy (Deployed)"-style labels; either part
// may carry the meaning.
func snipeStatus(s string) (Status, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	try := func(v string) (Status, bool) {
		switch normalizeWord(v) {
		case "rtd", "ready to deploy", "deployable", "in stock", "spare", "available":
			return StatusInStock, true
		case "deployed", "assigned", "checked out", "in use":
			return StatusDeployed, true
		case "pending":
			// Snipe-IT's Pending (its importer's default status too): on
			// hand, not yet deployable (being set up, back from repair
			// soon), not to be delivered (readSnipeRow tells of it).
			return StatusInStock, true
		case "on order", "ordered", "awaiting delivery":
			return StatusOnOrder, true
		case "archived", "retired", "undeployable", "un-deployable", "broken - not fixable", "broken not fixable", "end of life":
			return StatusRetired, true
		case "out for repair", "out for diagnostics", "in repair", "repair", "broken", "being repaired":
			return StatusInRepair, true
		case "lost/stolen", "lost", "stolen", "lost or stolen", "missing":
			return StatusMissing, true
		case "disposed", "disposed of", "destroyed", "recycled":
			return StatusDisposed, true
		}
		if st, err := ParseStatus(v); err == nil {
			return st, true
		}
		return "", false
	}
	if st, ok := try(s); ok {
		return st, nil
	}
	if open := strings.IndexByte(s, '('); open > 0 && strings.HasSuffix(s, ")") { // ("Ready to Deploy (RTD)")
		if st, ok := try(s[:open]); ok {
			return st, nil
		}
		if st, ok := try(s[open+1 : len(s)-1]); ok {
			return st, nil
		}
	}
	return "", invalid("unknown status %q (Snipe-IT labels: Ready to Deploy, Deployed, Pending, Archived, Out for Repair, Broken, Lost/Stolen; or one of tagdesk's; a label of your own: import with --statuses \"%s=in_stock\", say)", clip(s), clip(s))
}

// snipeStatusLabel is the Snipe-IT status label our export writes. A
// deployed asset is "Ready to Deploy" plus its checkout columns, as in
// Snipe-IT; a disposed one is "Archived" plus its disposal columns.
func snipeStatusLabel(s Status) string {
	switch s {
	case StatusOnOrder:
		return "Pending"
	case StatusInStock, StatusDeployed:
		return "Ready to Deploy"
	case StatusInRepair:
		return "Out for Repair"
	case StatusMissing:
		return "Lost/Stolen"
	case StatusRetired, StatusDisposed:
		return "Archived"
	}
	return string(s)
}

var snipeDateLayouts = func() []string {
	out := []string{"2006-01-02 15:04", "2006-01-02 03:04 PM", "2006-01-02 3:04 PM", "2006-01-02 03:04PM", "2006-01-02 3:04PM",
		"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05 MST", "2006-01-02 15:04:05-07:00",
		"2006-01-02 15:04:05 -07:00", "2006-01-02 15:04:05 -0700"} // (our export's Checkout Date: the desk's time and its offset)
	// Snipe-IT's display formats (its localisation settings: Y-m-d,
	// D M d, Y, M j, Y, d M, Y, m/d/Y, d.m.Y, Y.m.d. and the like, read
	// elsewhere when numeric), each alone or with its time formats (g:iA,
	// h:iA, H:i), and a spreadsheet's spellings of them.
	days := []string{"Mon Jan 2, 2006", "Mon, Jan 2, 2006", "Mon Jan 2 2006", "Jan 2, 2006", "Jan 2 2006", "2 Jan, 2006", "2 Jan 2006",
		"Mon, 2 Jan 2006", "2 January 2006", "January 2, 2006", "2-Jan-2006", "2-Jan-06", "2006.01.02", "2006.01.02."}
	for _, d := range days {
		for _, t := range []string{"", " 3:04PM", " 3:04 PM", " 15:04", " 15:04:05"} {
			out = append(out, d+t)
		}
	}
	return out
}()

// date reads a date of row r as snipeDate does, except that a slash date
// whose day and month could swap is read as the rest of the file writes
// them: day first if its other slash dates show it (13/03/2024) and none
// shows the opposite. Until the whole file is read, such a date is read
// month first and noted (r.swappable); settleSlashDates reads the row again if
// the file turns out to write day first.
func (h *csvHeader) date(r *srow, v string) (string, error) {
	if a, b, rest, ok := slashParts(v); ok {
		switch {
		case a > 12 && b <= 12:
			if h.dayFirstSeen.line == 0 {
				h.dayFirstSeen = slashDate{r.line, clip(strings.TrimSpace(v))}
			}
		case b > 12 && a <= 12:
			if h.monthFirstSeen.line == 0 {
				h.monthFirstSeen = slashDate{r.line, clip(strings.TrimSpace(v))}
			}
		case a != b && a >= 1 && b >= 1:
			r.swappable = append(r.swappable, strings.TrimSpace(v))
			if h.dayFirst {
				v = strconv.Itoa(b) + "/" + strconv.Itoa(a) + "/" + rest
			}
		}
	}
	return snipeDate(v)
}

// localDayTime is a stored moment as an export writes a check-out's: the
// desk's day and time with its zone's offset ("2024-03-20 10:00:00
// +11:00"), so that an import in another zone reads the same moment (it
// read the time as its own: hours off, or a morning in Sydney refused in
// New York as in the future). Snipe-IT's importer reads the offset
// (Carbon::parse; strtotime before) and keeps the time as written. A day
// alone (stored as midnight UTC) is that day wherever the desk is.
func localDayTime(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil || strings.HasSuffix(ts, "T00:00:00Z") {
		return LocalDay(ts)
	}
	return t.Local().Format("2006-01-02 15:04:05 -07:00")
}

// cellClock is the time of day a date cell ends with, in any of the
// forms its date may take ("2024-03-20 10:00", "…T10:00:00Z",
// "20.03.2024 10:00", "3/20/2024 1:45 PM", "…T01:30:00+02:00"): hour,
// minute, second, AM/PM and zone.
var cellClock = regexp.MustCompile(`(?i)(?:^|[\sT])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([ap](?:\.\s?)?m\.?)?\s*(` + offsetZone + `|z|utc|gmt)?$`)

// offsetZone is a zone written as its offset: "+01:00", "-0500", or from
// UTC or GMT ("UTC+1", "GMT+01:00", "UTC-5", "UTC+5:30"); zoneOffset reads it.
const offsetZone = `(?:utc|gmt)\s*[+-]\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}`

// zoneOffset reads a zone a date cell names by its offset (offsetZone, or
// Z, UTC, GMT) as seconds east of UTC; ok is false for anything else, and
// for an offset no zone has (before -12:00 or past +14:00, or minutes
// past 59).
func zoneOffset(z string) (secs int, ok bool) {
	z = strings.ToUpper(strings.TrimSpace(z))
	switch z {
	case "Z", "UTC", "GMT":
		return 0, true
	}
	z = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(z, "UTC"), "GMT"))
	if z == "" || z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	d := strings.Replace(z[1:], ":", "", 1)
	var h, m int
	var err1, err2 error
	switch len(d) {
	case 1, 2:
		h, err1 = strconv.Atoi(d)
	case 3, 4:
		h, err1 = strconv.Atoi(d[:len(d)-2])
		m, err2 = strconv.Atoi(d[len(d)-2:])
	default:
		return 0, false
	}
	if secs = h*3600 + m*60; z[0] == '-' {
		secs = -secs
	}
	if err1 != nil || err2 != nil || m > 59 || secs > 14*3600 || secs < -12*3600 {
		return 0, false
	}
	return secs, true
}

// offsetNamed is a time's offset followed by its zone's name, as Go's
// time.String writes it ("10:00:00 +0000 UTC", "10:00:00 +0100 CET");
// unixDate is the form of date(1) and Go's time.UnixDate ("Wed Mar 20
// 10:00:00 UTC 2024"), its zone between the time and the year.
var (
	offsetNamed = regexp.MustCompile(`(?i)(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:` + offsetZone + `))\s+([a-z]{1,5}|[+-]\d{2}(?:\d{2})?)$`)
	unixDate    = regexp.MustCompile(`(?i)^([a-z]{3},?\s+[a-z]{3}\s+\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s+(` + offsetZone + `|[a-z]{1,5})\s+(\d{4})$`)
)

// zoneForms writes a date cell's zone where the date patterns read it: a
// name after an offset is dropped when it is one the offset may stand for
// (a zone name, UTC, GMT, Z, or the offset again as Go writes it for a
// zone without a name, "+0300 +03"), the offset saying which; date(1)'s
// zone before the year goes after the time, with the year before it
// ("Wed Mar 20 2024 10:00:00 UTC"). Anything else is left as it is.
func zoneForms(v string) string {
	if !strings.Contains(v, ":") {
		return v // (no time: a date alone, as most cells are, not matched)
	}
	if m := offsetNamed.FindStringSubmatchIndex(v); m != nil {
		name := strings.ToUpper(v[m[4]:m[5]])
		secs, off := zoneOffset(name)
		if at, _ := zoneOffset(cellZone.FindStringSubmatch(v[:m[3]])[1]); off && secs == at || zoneNames[name] {
			return v[:m[3]]
		}
	}
	if m := unixDate.FindStringSubmatch(v); m != nil {
		return m[1] + " " + m[4] + " " + m[2] + " " + m[3]
	}
	return v
}

// cellSpaces makes the no-break spaces spreadsheets put in dates and times
// plain ones ("10:00 a. m." in Spanish, "10:00 AM" with a narrow no-break
// space in newer English formats), which the date patterns read as spaces;
// plainSpaces applies it to a cell that may hold one (most are ASCII, and
// a 100k-row file has several date cells a row).
var cellSpaces = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ")

func plainSpaces(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return cellSpaces.Replace(v)
		}
	}
	return v
}

// ampmMarks are what an AM or PM may be written with besides its letters
// ("a.m.", "p. m.").
var ampmMarks = strings.NewReplacer(".", "", " ", "")

// dayTime is the moment a date cell gives beside its day, as RFC 3339 UTC:
// its time of day read in the zone the cell names (Z, UTC, +02:00), else in
// the desk's zone, as Snipe-IT writes its own; "" when the cell gives no
// time (or midnight without a zone). day is the cell's date as read;
// zoned says the cell named a zone (the desk's day may then differ).
func dayTime(day, cell string) (at string, zoned bool) {
	d, err := time.Parse(dateLayout, day)
	if err != nil || !strings.Contains(cell, ":") {
		return "", false // (no time: not matched, as most cells)
	}
	m := cellClock.FindStringSubmatch(dropClockWord(zoneForms(strings.TrimSpace(plainSpaces(cell)))))
	if m == nil {
		return "", false
	}
	h, mi, sec, ok := clockOf(m)
	if !ok {
		return "", false
	}
	loc := time.Local
	switch z := strings.ToUpper(m[5]); z {
	case "":
		if h == 0 && mi == 0 && sec == 0 {
			return "", false
		}
	case "Z", "UTC", "GMT":
		loc = time.UTC
	default:
		secs, ok := zoneOffset(z)
		if !ok {
			return "", false // (snipeDate refuses it)
		}
		loc = time.FixedZone(z, secs)
	}
	at = timestamp(time.Date(d.Year(), d.Month(), d.Day(), h, mi, sec, 0, loc))
	if m[5] != "" && strings.HasSuffix(at, "T00:00:00Z") {
		at = at[:len(at)-len("T00:00:00Z")] + midnightMoment // (not a day alone)
	}
	return at, m[5] != ""
}

// clockOf is the time of day cellClock's match m gives, on a 24-hour
// clock; ok is false for one no clock shows (25:00, 13:00 PM, 10:60).
func clockOf(m []string) (h, mi, sec int, ok bool) {
	h, _ = strconv.Atoi(m[1])
	mi, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	switch ampm := strings.ToLower(ampmMarks.Replace(m[4])); {
	case ampm != "" && (h < 1 || h > 12):
		return 0, 0, 0, false
	case ampm == "pm" && h < 12:
		h += 12
	case ampm == "am" && h == 12:
		h = 0
	}
	return h, mi, sec, h <= 23 && mi <= 59 && sec <= 59
}

// dayBeforeTime is the day of a cell that is a day followed by a time of
// day as dayTime reads it ("2024-05-13 9:30:00 PM", "Mon May 13, 2024
// 9:30 p. m."): its date layouts have the day's forms with only some of
// the time's (seconds, AM or PM written in capitals); the day is read
// alone, and the time by dayTime.
func dayBeforeTime(v string) (string, error) {
	at := cellTime.FindStringIndex(v)
	if at == nil || at[0] == 0 {
		return "", invalid("no day before the time")
	}
	day := strings.TrimRight(strings.TrimSpace(v[:at[0]]), "T,")
	m := cellClock.FindStringSubmatch(v[at[0]-1:])
	if m == nil || strings.Contains(day, ":") {
		return "", invalid("no time after the day")
	}
	if _, _, _, ok := clockOf(m); !ok {
		return "", invalid("not a time of day")
	}
	return snipeDate(day)
}

// slashParts splits a/b/rest (rest: the year, and any time after it), for
// one- or two-digit a and b.
func slashParts(v string) (a, b int, rest string, ok bool) {
	p := strings.SplitN(strings.TrimSpace(v), "/", 3)
	if len(p) != 3 || len(p[0]) == 0 || len(p[0]) > 2 || len(p[1]) == 0 || len(p[1]) > 2 {
		return 0, 0, "", false
	}
	a, err1 := strconv.Atoi(p[0])
	b, err2 := strconv.Atoi(p[1])
	if err1 != nil || err2 != nil {
		return 0, 0, "", false
	}
	return a, b, p[2], true
}

// snipeDate accepts the date forms spreadsheets and Snipe-IT write and
// returns YYYY-MM-DD. A numeric date whose day and month could swap is
// read as Snipe-IT's importer (PHP's strtotime) reads it: month first with
// slashes (03/04/2024 is 4 March), day first with dashes or dots.
func snipeDate(v string) (string, error) {
	v = strings.TrimSpace(plainSpaces(v))
	if v == "" || strings.HasPrefix(v, "0000-00-00") {
		return "", nil // (MySQL's zero date, in old Snipe-IT exports: no date)
	}
	// A time's zone: UTC, GMT, Z or an offset (+01:00, UTC+1) is read
	// (dayTime; the day is the one written); a name (EST, CET) is refused,
	// as one name may be several zones (CST, IST) and Go's parser takes
	// any for UTC.
	// A clock word after the time ("10:00 Uhr") is no zone: the time
	// is read without it.
	cell := v
	v = dropClockWord(zoneForms(v))
	zone, cut := "", v
	if m := timedZone(v); m != nil {
		zone, cut = strings.ToUpper(v[m[2]:m[3]]), strings.TrimSpace(v[:m[2]])
		_, offset := zoneOffset(zone)
		switch {
		case offset:
		case strings.ContainsAny(zone, "+-"):
			return "", invalid("%q gives its time at %s, an offset from UTC no zone has (from -12:00 to +14:00, minutes below 60)", clip(cell), zone)
		case !zoneNames[zone]:
			// AM or PM (its clock's), or a word that names no zone
			// tagdesk knows: read as before zone names were refused.
			zone, cut = "", v
		default:
			return "", invalid("%q gives its time in the zone %s, a name that may mean several (CST, IST): give the time with its offset from UTC (e.g. +01:00), in UTC, or without a zone (the desk's own)", clip(cell), zone)
		}
	}
	if w := afterTime(v); w != "" {
		// "20.03.2024 10:00 abc": the day alone was read, the time dropped.
		return "", invalid("%q: %q after the time is neither a UTC offset nor a clock word (Uhr, h, o'clock): give the time without it, with AM or PM, or with its offset from UTC (e.g. +01:00)", clip(cell), clip(w))
	}
	d, ok, err := numericDate(v, true)
	if !ok {
		d, err = parseDate(v)
	}
	if err != nil {
		for _, l := range snipeDateLayouts {
			if t, perr := time.Parse(l, v); perr == nil {
				d, err = t.Format(dateLayout), nil
				break
			}
		}
	}
	if err != nil {
		if day, derr := dayBeforeTime(v); derr == nil {
			d, err = day, nil
		}
	}
	if err != nil && zone != "" {
		// "2024-03-20 10:00 +01:00": the day of the date and time before
		// the zone (a form the layouts lack).
		return snipeDate(cut)
	}
	if err != nil {
		return "", invalid("%q is not a date (want YYYY-MM-DD)", clip(cell))
	}
	return d, dateInRange(cell, d)
}

// clockWord is a word that says "o'clock" after a time ("10:00 Uhr",
// "10:00 h", "10:00 hrs", "10:00 o'clock", "10:00 horas"): no zone.
var clockWord = regexp.MustCompile(`(?i)(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[ap](?:\.\s?)?m\.?)?)\s*(?:uhr|h|hs|hr|hrs|o['’]?clock|horas?|heures?|ore|uur)\.?$`)

// dropClockWord is a date cell without the clock word its time ends
// with, if any.
func dropClockWord(v string) string {
	if !strings.Contains(v, ":") {
		return v // (no time: a date alone, as most cells are, not matched)
	}
	return clockWord.ReplaceAllString(v, "$1")
}

// cellTime is a date cell's time of day (hour and minute, perhaps seconds
// and their fraction); afterAMPM is the AM or PM a time may be followed by.
var (
	cellTime  = regexp.MustCompile(`\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?`)
	afterAMPM = regexp.MustCompile(`(?i)^[ap](?:\.\s?)?m(?:\.|\b)`)
)

// afterTime is what a date cell (its clock word dropped) has after its
// first time, its AM or PM and its zone, if the zone is Z, UTC, GMT or an
// offset zoneOffset reads: "" for a cell read whole, or without a time.
// snipeDate refuses the rest ("10:00 abc"), which a date read day first
// left out, dropping the time without a word.
func afterTime(v string) string {
	if !strings.Contains(v, ":") {
		return "" // (no time: a date alone, as most cells are, not matched)
	}
	at := cellTime.FindStringIndex(v)
	if at == nil {
		return ""
	}
	rest := strings.TrimSpace(v[at[1]:])
	if m := afterAMPM.FindStringIndex(rest); m != nil {
		rest = strings.TrimSpace(rest[m[1]:])
	}
	if _, ok := zoneOffset(rest); rest == "" || ok {
		return ""
	}
	return rest
}

// timedZone is cellZone's match in a date cell with a time; a cell
// without one (most: a date alone) is not matched, as a 100k-row file
// has several dates a row.
func timedZone(v string) []int {
	if !strings.Contains(v, ":") {
		return nil
	}
	return cellZone.FindStringSubmatchIndex(v)
}

// zoneNames are the zone abbreviations a time may be given in (the tz
// database's, and German MEZ and MESZ): a date cell naming one is refused
// (snipeDate), as one name may be several zones (CST, IST). A word after
// a time that is none of them (nor a clock word, nor AM or PM) is not
// taken for a zone: the cell is read as before zones were refused.
var zoneNames = func() map[string]bool {
	m := map[string]bool{}
	for _, z := range strings.Fields(`
		EST EDT CST CDT MST MDT PST PDT AKST AKDT HST HDT AST ADT NST NDT ET CT MT PT
		WET WEST CET CEST EET EEST BST IST MSK MSD WEZ WESZ MEZ MESZ OEZ OESZ
		TRT GST IRST IRDT PKT NPT BDT ICT WIB WITA WIT MYT SGT HKT PHT PHST
		JST KST AWST ACST ACDT AEST AEDT NZST NZDT CHST SST WAT CAT EAT SAST
		BRT BRST ART CLT CLST COT PET VET UYT PYT BOT ECT GFT SRT FNT AMT
		IDT WAST WAKT`) {
		m[z] = true
	}
	return m
}()

// cellZone is the zone a date cell's time ends with ("10:00 EST",
// "…T10:00:00Z", "1:45 PM +02:00"): letters or an offset after a clock.
var cellZone = regexp.MustCompile(`(?i)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap](?:\.\s?)?m(?:\.|\b))?\s*(` + offsetZone + `|[a-z]{1,5})$`)

// sameLinesAsStored takes out of an update's fields the notes and custom
// values that differ from the asset's (notes, and custom as stored, JSON)
// only by a CR before a line break: a CSV reader reads a quoted cell's CR
// LF as LF, so a note typed on Windows came back from the desk's own
// export otherwise, and --update rewrote it (its lines the same).
func sameLinesAsStored(fields map[string]string, notes, custom string) error {
	lf := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	var have map[string]string
	for k, v := range fields {
		if !strings.Contains(v, "\n") {
			continue // (most: no line break)
		}
		if k == "notes" {
			if notes != v && lf(notes) == lf(v) {
				delete(fields, k)
			}
			continue
		}
		name, ok := strings.CutPrefix(k, "custom:")
		if !ok {
			continue
		}
		if have == nil {
			if err := json.Unmarshal([]byte(custom), &have); err != nil {
				return fmt.Errorf("read asset's custom fields: %w", err)
			}
		}
		h, ok := have[name]
		for n, hv := range have {
			if !ok && strings.EqualFold(n, name) {
				h, ok = hv, true // (the field's name in another case: knownFields)
			}
		}
		if ok && h != v && lf(h) == lf(v) {
			delete(fields, k)
		}
	}
	return nil
}

// snipeCost accepts ParseCost's forms plus an ISO currency code before or
// after the number ("USD 1,299.00", "1299 EUR").
func snipeCost(v string, dec byte) (cost, currency string, err error) {
	v = strings.TrimSpace(v)
	if f := strings.Fields(v); len(f) == 2 {
		for i, s := range f {
			if len(s) == 3 && strings.ToUpper(s) == s && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
				currency = s
				v = f[1-i]
				break
			}
		}
	}
	c, sym, err := ParseCostAs(v, dec)
	if err != nil {
		return "", "", err
	}
	if currency == "" {
		currency = sym
	}
	return c, currency, nil
}

// symbolCurrencies are the currencies a bare symbol of a cost may mean
// (ParseCostAs reads "$" as USD, "¥" as JPY, "£" as GBP), and how the
// symbol is said. Read-only.
var symbolCurrencies = []struct {
	sym, says string
	codes     []string
}{
	{"$", "dollars", []string{"USD", "AUD", "CAD", "NZD", "HKD", "SGD", "TWD", "MXN", "BRL", "ARS", "CLP", "COP", "CUP", "DOP", "UYU",
		"BBD", "BMD", "BND", "BSD", "BZD", "FJD", "GYD", "JMD", "KYD", "LRD", "NAD", "SBD", "SRD", "TTD", "XCD"}},
	{"¥", "yen or yuan", []string{"JPY", "CNY"}},
	{"£", "pounds", []string{"GBP", "EGP", "FKP", "GIP", "LBP", "SHP", "SSP", "SYP"}},
}

// costCurrency says which currency a cost cell names, read as cur by
// snipeCost: how to say it, and the codes it may be. A code ("100 EUR") or
// a country's dollar ("A$100") is that one currency; a bare "$", "¥" or
// "£" any of those that write it.
func costCurrency(cell, cur string) (says string, may []string) {
	if !dollarPrefix.MatchString(cell) && !strings.Contains(cell, cur) {
		for _, s := range symbolCurrencies {
			if strings.Contains(cell, s.sym) && slices.Contains(s.codes, cur) {
				return s.says, s.codes
			}
		}
	}
	return cur, []string{cur}
}

// warrantyMonths reads "36", "36 months", and a whole number as a
// spreadsheet's number format writes it, "36.0", "36,00" (a fraction of
// zeros: "36,5" is refused).
func warrantyMonths(v string) (int, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	for _, suf := range []string{"months", "month", "mos", "mo", "m"} {
		if t, ok := strings.CutSuffix(s, suf); ok {
			s = strings.TrimSpace(t)
			break
		}
	}
	if i := strings.LastIndexAny(s, ".,"); i > 0 && i+1 < len(s) && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1200 {
		return 0, invalid("%q is not a number of months", clip(v))
	}
	return n, nil
}

// addMonths adds n months to a YYYY-MM-DD date, overflowing like Snipe-IT
// (Carbon addMonths): 2024-01-31 + 1 month = 2024-03-02.
func addMonths(date string, n int) string {
	t, err := time.Parse(dateLayout, date)
	if err != nil {
		return ""
	}
	return t.AddDate(0, n, 0).Format(dateLayout)
}

// monthsBetween returns n when warranty end is exactly purchase date + n months.
func monthsBetween(purchase, end string) (int, bool) {
	p, err1 := time.Parse(dateLayout, purchase)
	e, err2 := time.Parse(dateLayout, end)
	if err1 != nil || err2 != nil || e.Before(p) {
		return 0, false
	}
	n := (e.Year()-p.Year())*12 + int(e.Month()) - int(p.Month())
	for _, m := range []int{n, n - 1} {
		if m >= 0 && p.AddDate(0, m, 0).Equal(e) {
			return m, true
		}
	}
	return 0, false
}

type checkoutKind int

const (
	coNone checkoutKind = iota
	coPerson
	coLocation
	coAsset
)

// noModel is the refusal of a new asset's row that names no model.
const noModel = "no model (Model Name or Model No.)"

// srow is one data row, validated.
type srow struct {
	line                               int
	tag                                string // normalised; "" = generate
	serial, name, model, modelNo       string
	category, manufacturer             string
	status                             Status // what it is received as
	location, locationCode, supplier   string
	home, homeCode                     string
	current, currentCode, currentUID   string // where it is, when a tagdesk export says (Current Location, its code)
	orderNo, cost, currency            string
	purchaseOrder                      string // tagdesk's Purchase Order column: the order the asset came on
	purchaseDate, warrantyEnd, eol     string
	notes, costCentre                  string
	custom                             map[string]string
	lastAudit, nextAudit, due          string
	checkoutDate                       string // Checkout Date: the day it was handed over
	checkoutAt                         string // and the moment, when the cell gives its time (RFC 3339, UTC)
	co                                 checkoutKind
	fullName, firstName, lastName      string
	email, username, badge, employeeNo string
	given                              [3]string // its email, username and employee number as the file has them (trimmed): an older tagdesk stored them so
	coLocation, coLocationCode         string
	parentTag                          string
	disposal                           *Disposal
	bad                                *RowError  // why the row is refused
	warns                              []RowError // imported all the same
	passWarns                          []RowError // warnings of this pass (its serial on an asset already in the register, its model's maker)
	uid                                string     // set once received
	received                           bool
	folded                             bool        // its check-out went into its receipt's row
	genTag                             bool        // its tag is generated (the file has none)
	failed                             bool        // refused while performing it, in this pass
	inRegister                         bool        // refused: it is an asset of the register already
	statusGiven                        bool        // its Status cell says one
	pending                            string      // its Status cell, Snipe-IT's Pending, read as in stock (pendingInStock)
	updated                            bool        // it updated an asset of the register, in this pass
	matched                            bool        // tagless, its tag is that of the register's asset it updated
	changed                            bool        // its update changed the asset
	later                              bool        // its update retires or disposes of it, after the other rows (retireOrDispose)
	place                              string      // the code of where its update puts it ("": it does not say)
	fill                               personFill  // what the file's other rows say of its holder (unifyPeople)
	costTwoWays                        string      // a cost that could be read two ways, for settleCosts
	idTwoWays                          []idReading // the two readings of an ID such as "1,000", for settleIDs
	idCell                             string      // its ID cell as written ("1.007"): an older tagdesk kept it so (registeredIDs)
	idKept                             bool        // its ID, of tagdesk's Snipe-IT ID column, is kept as written (keptIDs)
	swappable                          []string    // its slash dates that read either way (03/04/2024)
	holderUnread                       bool        // its Checked Out To names someone the row does not say how to find
	rec                                []string    // the record, kept when swappable is not empty
}

// csvHeader is the parsed header of a file.
type csvHeader struct {
	cols    []sfield
	custom  []string // custom field name per column ("" unless fCustom)
	names   []string // the header as written
	byField [numFields]int
	// holderText is the column (1-based) of Snipe-IT's list export's
	// "Checked Out To", which names a holder without saying what it is.
	holderText int
	// holderTyped says the file's "Type" says what "Checked Out To" is (a
	// custom report): the column then names a location or an asset too.
	holderTyped bool
	// The file's slash dates: the first that can only be day first
	// (13/03/2024) and the first that can only be month first
	// (03/13/2024), and whether its dates that read either way are read
	// day first (slashes).
	dayFirstSeen, monthFirstSeen slashDate
	statuses                     map[string]Status // the file's own status labels (ImportOptions.Statuses)
	updating                     bool              // ImportOptions.Update: a row may name no model (its asset's stands)
	// costPoint and costComma: the first cost cells that show '.' or ','
	// as their decimal separator (settleCosts).
	costPoint, costComma slashDate
	// idGroups and idDecimals: the first ID cells that show ',' ([0])
	// or '.' ([1]) grouping thousands, or as a decimal mark (settleIDs).
	idGroups, idDecimals [2]slashDate
	dayFirst             bool
	notes                []RowError // warnings about the header

	// idCustom: the ID column is tagdesk's custom field Snipe-IT ID (its
	// export's), whose cells parseSnipeID cannot read ("n/a", "1,000": an
	// older tagdesk stored them from a custom column) are kept as written,
	// not refused (srow.idKept), and noted once (keptIDs).
	idCustom bool

	// lowerTags counts the tags written in lower case (tagdesk's are upper
	// case), and lowerTag is the first.
	lowerTags int
	lowerTag  slashDate
	// deletedCol is the column (1-based) of Snipe-IT's deletion date; the
	// rows that have one are left out: deleted counts them, from the
	// first, deletedRow.
	deletedCol int
	deleted    int
	deletedRow slashDate
}

// slashDate is a date of the file, and its line (0: none seen).
type slashDate struct {
	line int
	text string
}

func (h *csvHeader) has(f sfield) bool { return h.byField[f] > 0 }

// namesHolders says the file has a column that says whom or what an
// asset is checked out to: a row that names none then says nobody has it.
func (h *csvHeader) namesHolders() bool {
	for _, f := range []sfield{fCheckoutType, fFullName, fFirstName, fLastName, fEmail, fUsername, fBadge, fEmployeeNo, fCheckoutLocation, fCheckoutLocationCode, fParentTag} {
		if h.has(f) {
			return true
		}
	}
	return h.holderText > 0
}

// colName is the header the file uses for f, or its English label.
func (h *csvHeader) colName(f sfield) string {
	if i := h.byField[f]; i > 0 {
		return strings.TrimSpace(strings.TrimLeft(h.names[i-1], "\ufeff"))
	}
	return fieldDefOf(f).label
}

func parseSnipeHeader(rec []string, rep *ImportReport, updating bool) (*csvHeader, error) {
	h := &csvHeader{cols: make([]sfield, len(rec)), custom: make([]string, len(rec)), names: rec}
	seenCustom := map[string]int{}
	for i, name := range rec {
		if !utf8.ValidString(name) {
			return nil, invalid("header column %d is %s", i+1, notUTF8)
		}
		if len(name) > maxNameCell {
			return nil, invalid("header column %d is %d characters long; at most %d", i+1, len(name), maxNameCell)
		}
		f := matchHeader(name)
		h.cols[i] = f
		clean := strings.TrimSpace(strings.TrimLeft(name, "\ufeff"))
		col := ImportColumn{Header: clean}
		if f == fCustom && deletedHeader(normHeader(name)) && h.deletedCol == 0 {
			// Snipe-IT's custom report, told to include deleted assets,
			// dates their deletion here: such a row is not an asset of
			// the register (and its tag may be on a live one).
			h.cols[i], h.deletedCol = fIgnored, i+1
			col.Field = "deleted (a row with a date here is left out)"
			rep.Columns = append(rep.Columns, col)
			continue
		}
		if f == fCustom && snipeComputed[normHeader(name)] {
			f = fIgnored
			h.cols[i] = f
			if normHeader(name) == "checked out to" {
				h.holderText = i + 1
			}
		}
		switch f {
		case fIgnored:
			col.Field = "ignored"
			switch {
			case h.holderText == i+1:
				// Read as the holder's name (by Type or Checkout Type, or
				// beside Username or Email); a row where nothing says
				// what it is warns that it is not read.
				col.Field = "holder's name"
			case clean != "":
				col.Field = "ignored (computed by Snipe-IT, or not an asset field)"
			}
		case fCustom:
			n := normHeader(name)
			// Our export suffixes a custom field named like a column.
			h.custom[i] = strings.TrimSpace(strings.TrimSuffix(clean, customSuffix))
			if j, dup := seenCustom[n]; dup {
				// Two columns of one name (Snipe-IT's custom report writes
				// "Address" twice, for the location's two address lines):
				// the later one is kept under a numbered name.
				base := h.custom[i]
				for k := 2; ; k++ {
					h.custom[i] = fmt.Sprintf("%s (%d)", base, k)
					if _, taken := seenCustom[normHeader(h.custom[i])]; !taken && !slices.ContainsFunc(rec, func(c string) bool { return normHeader(c) == normHeader(h.custom[i]) }) {
						break
					}
				}
				n = normHeader(h.custom[i])
				h.notes = append(h.notes, RowError{Line: 1, Column: h.custom[i], Reason: fmt.Sprintf("column %d is named %q, as column %d is: it is kept as the custom field %q", i+1, clean, j, h.custom[i])})
			}
			seenCustom[n] = i + 1
			col.Field, col.Custom = "custom", h.custom[i]
		default:
			if j := h.byField[f]; j > 0 {
				return nil, invalid("columns %d (%q) and %d (%q) both mean %s", j, strings.TrimSpace(rec[j-1]), i+1, clean, fieldDefOf(f).label)
			}
			h.byField[f] = i + 1
			col.Field = fieldDefOf(f).key
			switch f {
			case fImage, fLastCheckin, fModelNotes:
				col.Field += " (ignored)"
			case fCompany, fRequestable, fBYOD:
				col.Field += " (kept as a custom field)"
			case fID:
				// (Its labels' QR codes link to it: resolve.go.)
				col.Field += " (kept as the custom field " + SnipeITIDField + ")"
			}
		}
		rep.Columns = append(rep.Columns, col)
	}
	// Snipe-IT's custom report names the holder in "Checked Out To" and
	// says what it is in "Type" (user, location or asset), the column
	// right after it; a "Type" elsewhere is a custom field of that name.
	if i := h.holderText; i > 0 && i < len(rec) && !h.has(fCheckoutType) && h.cols[i] == fCustom && normHeader(rec[i]) == "type" {
		h.cols[i], h.custom[i], h.byField[fCheckoutType] = fCheckoutType, "", i+1
		h.holderTyped = true
		rep.Columns[len(rep.Columns)-len(rec)+i].Field = fieldDefOf(fCheckoutType).key
	}
	// tagdesk's export writes the Snipe-IT ID as its custom field: read
	// as the ID column is (parseSnipeID), its cells a spreadsheet may have
	// formatted ("1.007"), unless the file has Snipe-IT's own.
	if !h.has(fID) {
		for i := range rec {
			if h.cols[i] == fCustom && strings.EqualFold(h.custom[i], SnipeITIDField) {
				h.cols[i], h.custom[i], h.byField[fID] = fID, "", i+1
				h.idCustom = true
				rep.Columns[len(rep.Columns)-len(rec)+i].Field = fieldDefOf(fID).key + " (kept as the custom field " + SnipeITIDField + ")"
				rep.Columns[len(rep.Columns)-len(rec)+i].Custom = ""
				break
			}
		}
	}
	if kind := tableKind(rec); kind != "" && !h.has(fTag) && !h.has(fSerial) && !h.has(fModel) && !h.has(fModelNo) {
		return nil, invalid("no Asset Tag, Serial Number or Model column: this looks like a Snipe-IT %s file; import it with --type %s", kind, kind)
	}
	if !h.has(fModel) && !h.has(fModelNo) && !updating { // (an update's rows may all be of assets the register has)
		return nil, invalid(`missing column "Model Name" (or "Model No."): every asset needs a model; the header has %s`, clip(strings.Join(rec, ", ")))
	}
	if !h.has(fTag) {
		// Tags are generated then, as for new stock; but a column that
		// looks like the tags, under a name Snipe-IT does not use, would
		// leave every printed label naming another asset.
		for i, f := range h.cols {
			if f == fCustom && slices.ContainsFunc(strings.Fields(normHeader(rec[i])), func(w string) bool { return w == "tag" || w == "tags" }) {
				h.notes = append(h.notes, RowError{Line: 1, Column: h.custom[i], Reason: `not read as the asset tag (Snipe-IT's header is "Asset Tag"): every asset gets a new tag and this column is kept as a custom field; rename it to import the tags`})
			}
		}
	}
	return h, nil
}

// openCSV starts reading a CSV as spreadsheets write it and returns its
// header row (cells unescaped). Excel writes a byte-order mark before UTF-8
// ("CSV UTF-8") and writes UTF-16 for "Unicode Text": the text is decoded
// by its mark, and any mark left (a file saved twice) dropped before the
// header is read, whose first cell may be quoted. The delimiter is the
// header line's comma, semicolon (a locale with decimal commas) or tab,
// unless a first line "sep=;" says it (Excel's hint: sepHint), and lines
// may end in CR alone (Excel for Mac).
//
// A file in another encoding (enc, a label ParseEncoding reads) is decoded
// from it, unless it starts with a byte-order mark; one whose text is
// UTF-8 already is refused, as decoding it again would garble every
// accented letter.
func openCSV(r io.Reader, enc string) (*csv.Reader, []string, error) {
	var dec transform.Transformer = transform.Nop
	if e, err := textEncoding(enc); err != nil {
		return nil, nil, err
	} else if e != nil {
		raw := bufio.NewReaderSize(r, 256<<10)
		head, err := raw.Peek(256 << 10)
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, nil, fmt.Errorf("read file: %w", err)
		}
		r, dec = raw, e.NewDecoder()
		switch name, _ := htmlindex.Name(e); {
		case len(head) == 0 || hasBOM(head):
			// A byte-order mark says what the file is.
		case strings.HasPrefix(name, "utf-16"):
			// Latin text in UTF-16 is half zero bytes.
			if !bytes.Contains(head, []byte{0}) {
				return nil, nil, invalid("the file is not UTF-16 (it has no zero bytes, which UTF-16 text of Latin letters is half made of): import it without --encoding %s", enc)
			}
		default:
			// A code page's letters beyond ASCII seldom pair up as
			// UTF-8's do throughout a file: one that does is UTF-8, and
			// decoding it again would garble every accent. In a code of
			// two bytes a character (Shift JIS, GBK, EUC, Big5) a pair
			// may well read as a 2-byte UTF-8 letter (half-width
			// katakana: "ﾄｵ" is "ĵ"), but a whole file of 3-byte ones
			// (Japanese or Chinese written in UTF-8) is UTF-8: judged
			// by those.
			r = &utf8Watch{r: raw, enc: enc, wide: multiByte[name]}
		}
	}
	br := bufio.NewReaderSize(transform.NewReader(r, unicode.BOMOverride(dec)), 256<<10)
	for {
		if b, _ := br.Peek(len(utf8BOM)); !bytes.Equal(b, utf8BOM) {
			break
		}
		br.Discard(len(utf8BOM))
	}
	var src io.Reader = br
	comma := ','
	if head, _ := br.Peek(128); enc == "" {
		// "Unicode Text" saved without its byte-order mark: read as
		// UTF-8 its header is letters and zero bytes, and every column
		// "missing". (Judged by the header's start: Latin, as
		// Snipe-IT's is.)
		if le := utf16Order(head); le != "" {
			return nil, nil, invalid("the file looks like UTF-16 without a byte-order mark (every other byte is zero): import it with --encoding %s, or save it as CSV UTF-8", le)
		}
	}
	hint := sepHint(br)
	if first, err := br.Peek(4096); len(first) > 0 {
		line, _, _ := bytes.Cut(first, []byte("\n"))
		// Judged by the header's end: a line break inside a quoted cell
		// further on may be a lone LF (it made the file read as one line
		// of CSV, "extraneous or missing \" in quoted-field").
		// (A CR at the very end of what was peeked may be a CRLF's.)
		if i := bytes.IndexAny(first, "\r\n"); i >= 0 && first[i] == '\r' && i+1 < len(first) && first[i+1] != '\n' {
			// Lines ended by CR alone: Excel for Mac's "CSV (Macintosh)".
			src = crLines{br}
			line, _, _ = bytes.Cut(first, []byte("\r"))
		}
		commas := bytes.Count(line, []byte(","))
		if n := bytes.Count(line, []byte(";")); n > commas {
			comma = ';' // a spreadsheet in a locale with decimal commas
			commas = n
		}
		if bytes.Count(line, []byte("\t")) > commas {
			comma = '\t' // saved as "Text (Tab delimited)"
		}
		if hint != 0 {
			comma = hint
		}
	} else if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, fmt.Errorf("read file: %w", err)
	}
	cr := csv.NewReader(src)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, invalid("the file is empty: no header row")
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, nil, invalid("header (line %d): %v", pe.StartLine, pe.Err)
		}
		return nil, nil, fmt.Errorf("read file: %w", err)
	}
	for i, c := range header {
		header[i] = unescapeCell(c)
	}
	return cr, header, nil
}

// sepHint reads Excel's separator hint, a first line "sep=;" (or
// "sep=,", "sep=|", "sep=" and a tab, or "sep=\t" as typed; quoted too, as
// a CSV writer may put it), and returns its separator, or 0. The hint may
// be followed by spaces and by its separator again: a spreadsheet that
// kept the hint as a row writes it back padded to the row's width
// ("sep=;;;;;", "\"sep=;\";;;;"). The hint's
// text is dropped but not its line break: the CSV reader skips the empty
// line and counts it, so the header is line 2, as in the file.
func sepHint(br *bufio.Reader) rune {
	head, _ := br.Peek(4096)
	end := bytes.IndexAny(head, "\r\n")
	if end < 0 {
		return 0
	}
	line, rest, pad := string(head[:end]), "", " "
	if strings.HasPrefix(line, `"`) {
		pad += `"` // (its padding's empty cells may be quoted too)
		q := strings.IndexByte(line[1:], '"')
		if q < 0 {
			return 0
		}
		line, rest = strings.TrimRight(line[1:1+q], " "), line[2+q:]
	}
	if len(line) < 5 || !strings.EqualFold(line[:4], "sep=") {
		return 0
	}
	var sep rune
	switch c := line[4:]; {
	case strings.HasPrefix(c, `\t`):
		sep, rest = '\t', c[2:]+rest
	case c[0] == '\t':
		sep, rest = '\t', c[1:]+rest
	case c[0] > ' ' && c[0] < 0x7f && c[0] != '"' && !isAlnum(c[0]):
		sep, rest = rune(c[0]), c[1:]+rest
	default:
		return 0
	}
	if strings.Trim(rest, string(sep)+pad) != "" {
		return 0 // (more than a hint: the header)
	}
	br.Discard(end)
	return sep
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// readSnipeIT reads and validates the whole file: the rows, with a bad row
// marked by its error.
func readSnipeIT(r io.Reader, rep *ImportReport, opt ImportOptions) ([]*srow, *csvHeader, error) {
	cr, header, err := openCSV(r, opt.Encoding)
	if err != nil {
		return nil, nil, err
	}
	h, err := parseSnipeHeader(header, rep, opt.Update)
	if h != nil {
		h.statuses, h.updating = make(map[string]Status, len(opt.Statuses)), opt.Update
		for label, st := range opt.Statuses {
			h.statuses[normalizeWord(label)] = st
		}
	}
	if err != nil {
		return nil, nil, err
	}
	var rows []*srow
	tags, serials := map[string]int{}, map[string]int{}
	// Columns without a header: what is under one is not imported, and
	// the file's first such cell is named in a warning.
	var unnamed []int
	for i, name := range header {
		if normHeader(name) == "" {
			unnamed = append(unnamed, i)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad, err := badRecord(err)
			if err != nil {
				return nil, nil, err
			}
			rep.Rows++
			rows = append(rows, &srow{line: bad.Line, bad: bad})
			continue
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for i, c := range rec {
			rec[i] = unescapeCell(c) // (Snipe-IT's spreadsheet escape)
		}
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		for k, i := range unnamed {
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				h.notes = append(h.notes, RowError{Line: line, Reason: fmt.Sprintf("column %d has no header, so what is under it (here %q) is not imported: give it a header to keep it as a custom field", i+1, clip(rec[i]))})
				unnamed = slices.Delete(unnamed, k, k+1)
				break
			}
		}
		rep.Rows++
		if i := h.deletedCol; i > 0 && i <= len(rec) && deletedOn(rec[i-1]) {
			if h.deleted++; h.deleted == 1 {
				h.deletedRow = slashDate{line, clip(strings.TrimSpace(rec[i-1]))}
			}
			continue
		}
		row := h.row(line, rec)
		if i := h.byField[fTag]; row.bad == nil && i > 0 && i <= len(rec) {
			if t := strings.TrimSpace(rec[i-1]); t != row.tag {
				if h.lowerTags++; h.lowerTag.line == 0 {
					h.lowerTag = slashDate{line, clip(t)}
				}
			}
		}
		if row.bad == nil && row.tag != "" {
			if prev, dup := tags[row.tag]; dup {
				row.bad = &RowError{Line: line, Column: h.colName(fTag), Reason: fmt.Sprintf("tag %s is also on line %d", row.tag, prev)}
			} else {
				tags[row.tag] = line
			}
		}
		// Snipe-IT allows a serial on two assets (unless told otherwise),
		// so a repeated one is imported, with a warning: a scan of it then
		// asks for the tag.
		if row.bad == nil && row.serial != "" {
			key := strings.ToUpper(row.serial)
			if prev, dup := serials[key]; dup {
				row.warns = append(row.warns, RowError{Line: line, Column: h.colName(fSerial), Reason: fmt.Sprintf("serial %s is also on line %d", clip(row.serial), prev)})
			} else {
				serials[key] = line
			}
		}
		if len(row.swappable) > 0 {
			row.rec = rec
		}
		rows = append(rows, row)
	}
	h.settleSlashDates(rows)
	h.settleCosts(rows)
	h.settleIDs(rows)
	h.keptIDs(rows)
	h.pendingInStock(rows)
	if h.lowerTags > 0 {
		h.notes = append(h.notes, RowError{Line: h.lowerTag.line, Column: h.colName(fTag), Reason: fmt.Sprintf("%d tag(s) are in lower case (here %s): tagdesk keeps them in capitals (%s); their old labels scan either way", h.lowerTags, h.lowerTag.text, NormalizeTag(h.lowerTag.text))})
	}
	if h.deleted > 0 {
		rep.Deleted = h.deleted
		h.notes = append(h.notes, RowError{Line: h.deletedRow.line, Column: strings.TrimSpace(strings.TrimLeft(h.names[h.deletedCol-1], "\ufeff")), Reason: fmt.Sprintf("%d asset(s) were deleted in Snipe-IT (here on %s) and are left out", h.deleted, h.deletedRow.text)})
	}
	codesAreNotTags(h, rows)
	return rows, h, nil
}

var utf8BOM = []byte("\ufeff")

// notUTF8 is the reason given for a cell (or header) that is not UTF-8.
const notUTF8 = "not valid UTF-8 text (save the file as CSV UTF-8, or name the encoding it was saved in with --encoding: Excel's \"CSV (Comma delimited)\" is windows-1252 in Western Europe and the Americas)"

// ParseEncoding reads the label of a text encoding a CSV may be saved in
// (the labels web browsers take: "windows-1252", "latin1", "cp1252",
// "iso-8859-2", "windows-1251", "shift_jis", "gbk", "utf-16le", ...) and
// returns its canonical name.
func ParseEncoding(label string) (string, error) {
	e, err := textEncoding(label)
	if err != nil {
		return "", err
	}
	if e == nil {
		return "utf-8", nil
	}
	if n, err := htmlindex.Name(e); err == nil {
		return n, nil
	}
	return ianaindex.IANA.Name(e) // (cp850: a code page the web's index lacks)
}

// textEncoding finds the encoding label names; nil for UTF-8 (or none).
func textEncoding(label string) (encoding.Encoding, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil, nil
	}
	e, err := encodingNamed(label)
	if err != nil {
		return nil, invalid("unknown text encoding %q (say windows-1252, iso-8859-15, iso-8859-2, windows-1251, shift_jis or utf-16le)", clip(label))
	}
	if e == encoding.Replacement {
		return nil, invalid("text encoding %q cannot be read (it is refused as unsafe)", clip(label))
	}
	if n, _ := htmlindex.Name(e); n == "utf-8" {
		return nil, nil
	}
	return e, nil
}

// encodingNamed is the text encoding a label names: as the web's index
// has it (windows-1252, latin1, l9, cp1250), else by its IANA name or alias
// (latin-9, cp850), the label also tried without its spaces, hyphens and
// underscores, and with a hyphen before its number (latin9 as latin-9).
func encodingNamed(label string) (encoding.Encoding, error) {
	compact := strings.NewReplacer("-", "", "_", "", " ", "").Replace(label)
	hyphened := compact
	if i := strings.IndexAny(compact, "0123456789"); i > 0 {
		hyphened = compact[:i] + "-" + compact[i:]
	}
	for _, l := range []string{label, compact, hyphened} {
		if e, err := htmlindex.Get(l); err == nil {
			return e, nil
		}
		if e, err := ianaindex.IANA.Encoding(l); err == nil && e != nil {
			return e, nil
		}
	}
	return nil, invalid("unknown text encoding %q", clip(label))
}

// utf16Order says which UTF-16 b looks like when it is Latin text in it
// with no byte-order mark ("utf-16le": the odd bytes zero; "utf-16be": the
// even), or "".
func utf16Order(b []byte) string {
	if len(b) < 8 {
		return ""
	}
	b = b[:len(b)&^1]
	var even, odd int
	for i := 0; i < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := len(b) / 2
	switch {
	case odd*10 >= half*9 && even == 0:
		return "utf-16le"
	case even*10 >= half*9 && odd == 0:
		return "utf-16be"
	}
	return ""
}

// hasBOM reports whether b starts with a UTF-8 or UTF-16 byte-order mark.
func hasBOM(b []byte) bool {
	return bytes.HasPrefix(b, utf8BOM) || bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF})
}

// holderUnreadHow says what a file whose Checked Out To (Snipe-IT's list
// export) names a holder without saying what it is must add.
const holderUnreadHow = "(add Checkout Type and Checked Out to: Full Name, or Checkout to Location, to say who or where)"

// inColumn is an error of a row's cell in column f (a new person's
// employee number, where the row's holder is named by another column).
type inColumn struct {
	f   sfield
	err error
}

func (e inColumn) Error() string { return e.err.Error() }
func (e inColumn) Unwrap() error { return e.err }

// multiByte are the encodings (by htmlindex name) of two bytes a
// character, whose pairs may read as 2-byte UTF-8 (utf8Watch.wide).
var multiByte = map[string]bool{"shift_jis": true, "euc-jp": true, "gbk": true, "gb18030": true, "big5": true, "euc-kr": true}

// utf8Watch passes a file through, noting whether every byte beyond ASCII
// has formed UTF-8; at its end, a file that was UTF-8 throughout (with such
// bytes) is refused, before anything is imported (the rows are all read
// first).
type utf8Watch struct {
	r       io.Reader
	enc     string
	wide    bool   // only characters of 3 or 4 bytes count as high
	carry   []byte // an incomplete character, carried to the next read
	high    bool   // a byte beyond ASCII seen
	invalid bool   // not UTF-8
}

func (w *utf8Watch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if !w.invalid {
		b := p[:n]
		if len(w.carry) > 0 {
			b = append(w.carry, b...)
		}
		end := len(b)
		if err != io.EOF {
			// Hold back a character the read may have cut.
			for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
				if utf8.RuneStart(b[len(b)-i]) {
					if !utf8.FullRune(b[len(b)-i:]) {
						end = len(b) - i
					}
					break
				}
			}
		}
		w.high = w.high || slices.ContainsFunc(b[:end], func(c byte) bool { return c >= utf8.RuneSelf && (!w.wide || c >= 0xe0) })
		w.invalid = !utf8.Valid(b[:end])
		w.carry = append(w.carry[:0], b[end:]...)
	}
	if err == io.EOF && !w.invalid && w.high {
		return n, invalid("the file is UTF-8 text already (its letters beyond ASCII read as UTF-8): import it without --encoding %s", w.enc)
	}
	return n, err
}

// badRecord sorts an error reading a CSV record: a row that is not valid
// CSV (a bad row, with its line and why), or the whole file refused (err).
func badRecord(readErr error) (bad *RowError, err error) {
	var pe *csv.ParseError
	if se := (*Error)(nil); errors.As(readErr, &se) {
		return nil, readErr // the file refused whole (utf8Watch)
	}
	if !errors.As(readErr, &pe) {
		return nil, fmt.Errorf("read file: %w", readErr)
	}
	if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
		// A quoted cell that ran over the lines after it: the rows there
		// were read into it. Skipping "one bad row" would drop them
		// unseen, so the whole file is refused.
		return nil, invalid("line %d: a quoted cell that starts on this line has no closing quote where it should end, so lines %d to %d were read as one cell (the rows on them would be lost); fix the quotes in the file and import it again", pe.StartLine, pe.StartLine, pe.Line)
	}
	return &RowError{Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()}, nil
}

// overLimit says why cell c of field f is too long, or "". A name (of an
// asset, a model, a person, a place) is held to limit characters, as
// Snipe-IT holds its names to 255, whatever the script; a tag or serial,
// which a scanner types, and notes and custom fields to limit bytes of
// UTF-8 (as many characters in Latin text, a third as many in CJK).
func overLimit(c string, f sfield, limit int) string {
	switch f {
	case fTag, fSerial, fNotes, fCustom:
		if len(c) <= limit {
			return ""
		}
		if n := utf8.RuneCountInString(c); n == len(c) {
			return fmt.Sprintf("%d characters; at most %d", n, limit)
		}
		return fmt.Sprintf("%d bytes of UTF-8 text; at most %d", len(c), limit)
	}
	if n := utf8.RuneCountInString(c); n > limit {
		return fmt.Sprintf("%d characters; at most %d", n, limit)
	}
	return ""
}

// crLines reads a file whose lines end in CR alone as if they ended in LF.
// A CR inside a quoted field becomes a line break too, as it was meant.
type crLines struct{ r io.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// codesAreNotTags refuses a row whose tag is a badge, employee number or
// location code the same file names (a scan of it must name one thing; the desk's own codes
// are checked when the rows are performed).
func codesAreNotTags(h *csvHeader, rows []*srow) {
	codes := map[string]string{}
	for _, r := range rows {
		if r.bad != nil {
			continue
		}
		if r.badge != "" {
			codes[r.badge] = fmt.Sprintf("the badge on line %d", r.line)
		}
		if r.employeeNo != "" {
			codes[upperASCII(r.employeeNo)] = fmt.Sprintf("the employee number on line %d", r.line)
		}
		for _, c := range []string{r.locationCode, r.homeCode, r.coLocationCode, r.currentCode} {
			if c != "" {
				codes[c] = fmt.Sprintf("a location code on line %d", r.line)
			}
		}
	}
	if len(codes) == 0 {
		return
	}
	for _, r := range rows {
		if what, ok := codes[r.tag]; ok && r.bad == nil && r.tag != "" {
			r.bad = &RowError{Line: r.line, Column: h.colName(fTag), Reason: ErrorMessage(codeTaken(r.tag, what))}
		}
	}
}

// settleCosts reads the costs that could be read two ways ("1,299": a
// thousand and more, or one and a bit) as the file's other costs write
// theirs: a file whose costs show "." as their decimal point ("1,299.50",
// "12.5") groups thousands with ",", and the other way round. A file that
// shows neither, or both, cannot say: those rows are refused.
func (h *csvHeader) settleCosts(rows []*srow) {
	var dec byte
	var seen slashDate
	switch {
	case h.costPoint.line != 0 && h.costComma.line == 0:
		dec, seen = '.', h.costPoint
	case h.costComma.line != 0 && h.costPoint.line == 0:
		dec, seen = ',', h.costComma
	}
	told := false
	for _, r := range rows {
		if r.costTwoWays == "" || r.bad != nil {
			continue
		}
		cost, cur, err := snipeCost(r.costTwoWays, dec)
		if err != nil {
			r.bad = &RowError{Line: r.line, Column: h.colName(fCost), Reason: ErrorMessage(err)}
			continue
		}
		r.cost = cost
		if r.currency == "" { // (a Currency column wins, as in row)
			r.currency = cur
		}
		if !told {
			told = true
			h.notes = append(h.notes, RowError{Line: r.line, Column: h.colName(fCost), Reason: fmt.Sprintf("%q read as %s, as line %d's %s shows this file writes its costs (and so its other such costs)", clip(r.costTwoWays), r.cost, seen.line, seen.text)})
		}
	}
}

// markIndex is a decimal mark's index in csvHeader's idGroups and
// idDecimals, and other the other mark's.
func markIndex(m byte) (i, other int) {
	if m == '.' {
		return 1, 0
	}
	return 0, 1
}

// idMarks notes which separators the ID cell v (read as rd) shows as a
// thousands separator or a decimal mark, for settleIDs.
func (h *csvHeader) idMarks(line int, v string, rd idReading) {
	seen := slashDate{line, clip(strings.TrimSpace(v))}
	if rd.group != 0 {
		if i, _ := markIndex(rd.group); h.idGroups[i].line == 0 {
			h.idGroups[i] = seen
		}
	}
	if rd.dec != 0 {
		if i, _ := markIndex(rd.dec); h.idDecimals[i].line == 0 {
			h.idDecimals[i] = seen
		}
	}
}

// idThousands is the ID cell that shows this file groups its IDs'
// thousands by the mark m ("1,001" for ','; or the other mark as its
// decimal mark, "1007.0"); line 0 when none does, or another cell shows m
// as a decimal mark (or the other grouping). settleIDs reads a two-way ID
// ("1,000") as thousands by it, and registeredIDs counts such a stored
// form of an ID only by it.
func (h *csvHeader) idThousands(m byte) slashDate {
	i, o := markIndex(m)
	if h.idDecimals[i].line != 0 || h.idGroups[o].line != 0 {
		return slashDate{} // (shown both ways)
	}
	if h.idGroups[i].line != 0 {
		return h.idGroups[i]
	}
	return h.idDecimals[o]
}

// settleIDs reads the IDs that could be read two ways ("1,000": a
// thousand, or 1 with three decimals) as the file's other IDs write
// theirs: as thousands when another shows that separator grouping them
// ("1,001", "1,000,000"; or the other mark as its decimal mark, "1007.0")
// and none shows it as a decimal mark (or the other grouping). A file
// that shows neither, or both, cannot say: those rows are refused, or in
// tagdesk's Snipe-IT ID column (idCustom) kept as written (keptIDs).
func (h *csvHeader) settleIDs(rows []*srow) {
	told := false
	for _, r := range rows {
		if r.idTwoWays == nil || r.bad != nil {
			continue
		}
		var id string
		var seen slashDate
		for _, rd := range r.idTwoWays {
			if rd.group == 0 || rd.dec != 0 {
				continue
			}
			if _, err := strconv.ParseUint(rd.id, 10, 64); err == nil {
				if seen = h.idThousands(rd.group); seen.line != 0 {
					id = rd.id
				}
			}
		}
		if id == "" && !h.idCustom {
			_, err := parseSnipeID(r.idCell)
			r.bad = &RowError{Line: r.line, Column: h.colName(fID), Reason: ErrorMessage(err)}
			continue
		}
		if r.custom == nil {
			r.custom = map[string]string{}
		}
		if id == "" {
			r.custom[keptName(fID)], r.idKept = r.idCell, true // (as it was stored)
			continue
		}
		r.custom[keptName(fID)] = id
		if !told {
			told = true
			h.notes = append(h.notes, RowError{Line: r.line, Column: h.colName(fID), Reason: fmt.Sprintf("%q read as %s, as line %d's %s shows this file writes its IDs (and so its other such IDs)", clip(r.idCell), id, seen.line, seen.text)})
		}
	}
}

// keptIDs notes once the lines whose Snipe-IT ID column of tagdesk's
// export holds a value parseSnipeID cannot read as one whole number, kept
// as written (an older tagdesk stored it so from a custom column; its own
// export brought back in was refused whole).
func (h *csvHeader) keptIDs(rows []*srow) {
	first, n, which := rowsWhere(rows, func(r *srow) bool { return r.idKept })
	if n == 0 {
		return
	}
	_, err := parseSnipeID(first.idCell)
	h.notes = append(h.notes, RowError{Line: first.line, Column: h.colName(fID), Reason: fmt.Sprintf("%s: not read as one whole number (line %d: %s): kept as written, as a custom value; a label's /hardware/ link does not find such a value", which, first.line, ErrorMessage(err))})
}

// rowsWhere finds the good rows (none bad) that are so: the first, how
// many, and which as a note names them ("line 4", "lines 4, 9 and 3
// more": the first 20 lines).
func rowsWhere(rows []*srow, so func(*srow) bool) (first *srow, n int, which string) {
	var lines []string
	for _, r := range rows {
		if r.bad != nil || !so(r) {
			continue
		}
		if n++; first == nil {
			first = r
		}
		if len(lines) < 20 {
			lines = append(lines, strconv.Itoa(r.line))
		}
	}
	switch {
	case n == 0:
	case n == 1:
		which = "line " + lines[0]
	default:
		which = "lines " + strings.Join(lines, ", ")
		if n > len(lines) {
			which += fmt.Sprintf(" and %d more", n-len(lines))
		}
	}
	return first, n, which
}

// snipePending says whether a status cell is Snipe-IT's Pending, alone or
// as one of "Label (meta)", the way snipeStatus reads it.
func snipePending(s string) bool {
	s = strings.TrimSpace(s)
	if normalizeWord(s) == "pending" {
		return true
	}
	if open := strings.IndexByte(s, '('); open > 0 && strings.HasSuffix(s, ")") {
		if _, err := snipeStatus(s[:open]); err == nil {
			return normalizeWord(s[:open]) == "pending"
		}
		return normalizeWord(s[open+1:len(s)-1]) == "pending"
	}
	return false
}

// pendingInStock notes once the rows whose status, Snipe-IT's Pending,
// was read as in stock (an asset on hand not yet deployable there, which
// tagdesk has no status for): a file that means "still to be delivered"
// by it says so with --statuses.
func (h *csvHeader) pendingInStock(rows []*srow) {
	first, n, which := rowsWhere(rows, func(r *srow) bool { return r.pending != "" })
	if n == 0 {
		return
	}
	h.notes = append(h.notes, RowError{Line: first.line, Column: h.colName(fStatus), Reason: fmt.Sprintf("%d row(s) say %q (%s): read as in stock, as Snipe-IT's Pending is an asset on hand not yet deployable; if they are still to be delivered, import with --statuses %q",
		n, clip(first.pending), which, first.pending+"=on_order")})
}

// settleSlashDates reads again, day first, the dates that could be either
// way of a file that writes its slash dates day first; a file that writes
// them both ways cannot say which such a date is, and its rows are refused.
func (h *csvHeader) settleSlashDates(rows []*srow) {
	dm, md := h.dayFirstSeen, h.monthFirstSeen
	if dm.line == 0 {
		// Month first, as Snipe-IT reads them. When nothing in the file
		// shows which way it writes (its only slash dates could be
		// either), say so once: an office that writes day first would
		// otherwise get every such date swapped without a word.
		if md.line != 0 {
			return
		}
		for _, r := range rows {
			if len(r.swappable) > 0 {
				h.notes = append(h.notes, RowError{Line: r.line, Reason: fmt.Sprintf("%q read month first, as Snipe-IT reads slash dates; nothing in this file shows which way it writes them: if it writes day first, write its dates as YYYY-MM-DD and import it again", clip(r.swappable[0]))})
				return
			}
		}
		return
	}
	h.dayFirst = true
	told := false
	for i, r := range rows {
		if len(r.swappable) == 0 {
			continue
		}
		if md.line != 0 {
			if r.bad == nil {
				r.bad = &RowError{Line: r.line, Reason: fmt.Sprintf("%q could be day or month first, and this file writes dates both ways (line %d: %s, line %d: %s): write them as YYYY-MM-DD",
					clip(r.swappable[0]), dm.line, dm.text, md.line, md.text)}
			}
			continue
		}
		again := h.row(r.line, r.rec)
		if r.bad != nil && again.bad == nil {
			again.bad = r.bad // refused for its tag, found after the row was read
		}
		again.warns, again.rec = r.warns, nil
		if !told && again.bad == nil {
			// Said once, on the first such date: the rest follow it. A
			// note of the file's, so that it stays said if this row is
			// refused later (its tag already on the desk).
			told = true
			h.notes = append(h.notes, RowError{Line: r.line, Reason: fmt.Sprintf("%q read day first, as line %d's %s shows this file writes its dates (and so its other such dates)", clip(r.swappable[0]), dm.line, dm.text)})
		}
		rows[i] = again
	}
}

// excelRounded is how Excel (and LibreOffice) writes a long number a
// spreadsheet took from a CSV, a serial or an IMEI of digits: "3.54679E+14",
// "1E+11", or "3,54679E+14" where the decimal mark is a comma; its digits
// past the first few are gone. Only that form: one digit, perhaps a
// decimal mark and digits, and an exponent with its plus sign of 11 or
// more (Excel's General format writes numbers of 12 digits or more so).
// A product's serial may well be "12E34" or "1E5" (never how a
// spreadsheet writes a number), and "1.5E+3" is a number as written.
var excelRounded = regexp.MustCompile(`^[0-9]([.,][0-9]+)?[Ee]\+(1[1-9]|[2-9][0-9]|[0-9]{3,})$`)

// row validates one record.
func (h *csvHeader) row(line int, rec []string) *srow {
	r := &srow{line: line}
	fail := func(f sfield, format string, args ...any) *srow {
		col := ""
		if f != fIgnored {
			col = h.colName(f)
		}
		r.bad = &RowError{Line: line, Column: col, Reason: fmt.Sprintf(format, args...)}
		return r
	}
	if len(rec) > len(h.cols) {
		for _, c := range rec[len(h.cols):] {
			if strings.TrimSpace(c) != "" {
				return fail(fIgnored, "%d cells, but the header has %d columns", len(rec), len(h.cols))
			}
		}
	}
	var v [numFields]string
	for i, c := range rec {
		if i >= len(h.cols) {
			break
		}
		f := h.cols[i]
		col := strings.TrimSpace(strings.TrimLeft(h.names[i], "\ufeff"))
		if !utf8.ValidString(c) {
			r.bad = &RowError{Line: line, Column: col, Reason: notUTF8}
			return r
		}
		c = strings.TrimSpace(c)
		limit := maxNameCell
		switch f {
		case fNotes:
			limit = maxNotes // as the desk takes them (text.go)
		case fCustom:
			limit = maxCustom
		}
		if msg := overLimit(c, f, limit); msg != "" {
			r.bad = &RowError{Line: line, Column: col, Reason: msg}
			return r
		}
		if (f == fSerial || f == fCustom || f == fTag) && excelRounded.MatchString(c) {
			what := "value"
			switch f {
			case fSerial:
				what = "serial"
			case fTag:
				what = "tag"
			}
			r.bad = &RowError{Line: line, Column: col, Reason: fmt.Sprintf("%s is a long number Excel rounded (it kept only the first digits): the real %s is not in the file; export it again and open it with this column as text (Excel: Data > From Text/CSV, column format Text), or import the export as it came", c, what)}
			return r
		}
		switch f {
		case fModel, fModelNo, fCategory, fManufacturer, fSupplier, fCompany, fLocation, fHome, fCheckoutLocation, fCurrent:
			// A name's spaces are one space ("Madrid  Office" is Madrid
			// Office), as the desk stores it (catalog.go).
			c = nameSpaces(c)
		}
		switch f {
		case fIgnored:
		case fCustom:
			if c != "" {
				if r.custom == nil {
					r.custom = map[string]string{}
				}
				r.custom[h.custom[i]] = c
			}
		default:
			v[f] = c
		}
	}
	if v[fID] != "" {
		r.idCell = v[fID]
		id, err := parseSnipeID(v[fID])
		rs := snipeIDReadings(v[fID])
		switch {
		case err == nil:
			h.idMarks(line, v[fID], rs[0])
		case len(rs) == 2 && rs[0].id != "0" && rs[0].id != rs[1].id:
			r.idTwoWays = rs // "1,000": the file's other IDs say (settleIDs)
		case h.idCustom:
			id, r.idKept = v[fID], true // (as it was stored: keptIDs)
		default:
			return fail(fID, "%s", ErrorMessage(err))
		}
		v[fID] = id // (a label's link, and a later file's clean ID, find it)
	}
	// Snipe-IT fields we keep as custom fields.
	for _, f := range []sfield{fCompany, fRequestable, fBYOD, fID} {
		if v[f] != "" {
			if r.custom == nil {
				r.custom = map[string]string{}
			}
			r.custom[keptName(f)] = v[f]
		}
	}
	if v[fTag] != "" {
		r.tag = NormalizeTag(v[fTag])
		if err := ValidateTag(r.tag); err != nil {
			return fail(fTag, "%s (to give such assets new tags and keep these as a custom field, rename the column, e.g. to \"Old Tag\")", ErrorMessage(err))
		}
	}
	r.serial, r.name, r.model, r.modelNo = dropInvisible(v[fSerial]), v[fName], v[fModel], v[fModelNo]
	r.category, r.manufacturer = v[fCategory], v[fManufacturer]
	r.location, r.locationCode, r.supplier, r.orderNo, r.purchaseOrder = v[fLocation], v[fLocationCode], v[fSupplier], v[fOrderNo], strings.TrimSpace(v[fPurchaseOrder])
	r.notes, r.costCentre = v[fNotes], v[fCostCentre]
	if r.model == "" && r.modelNo == "" && !h.updating && r.tag == "" {
		return fail(fModel, noModel) // (a tag's row is told first if the tag is taken: receive)
	}
	r.home, r.homeCode, r.coLocationCode, r.current, r.currentCode = v[fHome], v[fHomeCode], v[fCheckoutLocationCode], v[fCurrent], v[fCurrentCode]
	for _, c := range []struct {
		f   sfield
		dst *string
	}{{fLocationCode, &r.locationCode}, {fHomeCode, &r.homeCode}, {fCheckoutLocationCode, &r.coLocationCode}, {fCurrentCode, &r.currentCode}} {
		if *c.dst != "" {
			*c.dst = NormalizeTag(*c.dst)
			if err := ValidateCode(*c.dst); err != nil {
				return fail(c.f, "%s", ErrorMessage(err))
			}
		}
	}
	var err error
	if r.cost, r.currency, err = snipeCost(v[fCost], 0); err != nil {
		if !strings.Contains(ErrorMessage(err), twoWaysReason) {
			return fail(fCost, "%s", ErrorMessage(err))
		}
		r.costTwoWays = v[fCost] // "1,299": the file's other costs say (settleCosts)
	} else if d := CostDecimal(v[fCost]); d == '.' && h.costPoint.line == 0 {
		h.costPoint = slashDate{line, clip(strings.TrimSpace(v[fCost]))}
	} else if d == ',' && h.costComma.line == 0 {
		h.costComma = slashDate{line, clip(strings.TrimSpace(v[fCost]))}
	}
	if c := v[fCurrency]; c != "" {
		r.currency = strings.ToUpper(strings.TrimSpace(c))
		if !isCurrencyCode(r.currency) {
			return fail(fCurrency, "currency %q is not a three-letter code such as EUR, USD or GBP; if this column is a custom field of yours, rename it %q", clip(c), h.colName(fCurrency)+customSuffix)
		}
		// The cost's own currency ("€100", "A$100", "100 EUR") must be
		// the column's: which of the two is wrong is not for the import
		// to guess. (Only its currency is wanted here, the same in
		// either reading: read with a decimal point, else with a decimal
		// comma, "€1.299" in a file that writes them; the cost settles
		// later, settleCosts.)
		_, cur, err := snipeCost(v[fCost], '.')
		if err != nil {
			_, cur, err = snipeCost(v[fCost], ',')
		}
		if err == nil && cur != "" {
			if in, may := costCurrency(v[fCost], cur); !slices.Contains(may, r.currency) {
				return fail(fCost, "purchase cost %q is in %s, but the %s column says %s: correct one of them", clip(v[fCost]), in, h.colName(fCurrency), r.currency)
			}
		}
	}
	for _, d := range []struct {
		f   sfield
		dst *string
	}{{fPurchaseDate, &r.purchaseDate}, {fWarrantyEnd, &r.warrantyEnd}, {fEOL, &r.eol}, {fLastAudit, &r.lastAudit},
		{fNextAudit, &r.nextAudit}, {fExpectedCheckin, &r.due}} {
		if *d.dst, err = h.date(r, v[d.f]); err != nil {
			return fail(d.f, "%s", ErrorMessage(err))
		}
	}
	if r.checkoutDate, err = h.date(r, v[fLastCheckout]); err != nil {
		return fail(fLastCheckout, "%s", ErrorMessage(err))
	}
	var zoned bool
	if r.checkoutAt, zoned = dayTime(r.checkoutDate, v[fLastCheckout]); zoned {
		// A zone the cell names may move the desk's day ("…T01:30+02:00").
		if t, err := time.Parse(time.RFC3339Nano, r.checkoutAt); err == nil {
			r.checkoutDate = t.Local().Format(dateLayout)
		}
	}
	if _, err := h.date(r, v[fLastCheckin]); err != nil {
		return fail(fLastCheckin, "%s", ErrorMessage(err))
	}
	if v[fWarrantyMonths] != "" {
		n, err := warrantyMonths(v[fWarrantyMonths])
		if err != nil {
			return fail(fWarrantyMonths, "%s", ErrorMessage(err))
		}
		switch {
		case r.warrantyEnd != "":
			// An explicit warranty end (our export) wins; one at odds with
			// the months (an export's months edited alone) is said.
			if r.purchaseDate != "" && addMonths(r.purchaseDate, n) != r.warrantyEnd {
				r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fWarrantyEnd), Reason: fmt.Sprintf("warranty end %s is not %d month(s) after the purchase date %s: the end date is kept", r.warrantyEnd, n, r.purchaseDate)})
			}
		case r.purchaseDate == "":
			r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fWarrantyMonths), Reason: "warranty months without a purchase date: no warranty end recorded"})
		default:
			r.warrantyEnd = addMonths(r.purchaseDate, n)
		}
	}
	st, ok := h.statuses[normalizeWord(v[fStatus])]
	if !ok {
		var serr error
		if st, serr = snipeStatus(v[fStatus]); serr != nil {
			return fail(fStatus, "%s", ErrorMessage(serr))
		}
		if st == StatusInStock && snipePending(v[fStatus]) {
			if h.has(fCurrentCode) {
				st = StatusOnOrder // tagdesk's export (its Current Location Code) writes an asset on order so: snipeStatusLabel
			} else {
				r.pending = strings.TrimSpace(v[fStatus]) // read as in stock: pendingInStock tells of it
			}
		}
	}
	r.statusGiven = st != ""
	err = nil // (a cost read two ways left its error, settled later)

	// Who or what it is checked out to.
	// A name's spaces are one space ("Ana  Silva" is Ana Silva).
	r.fullName, r.firstName, r.lastName = oneSpace(v[fFullName]), oneSpace(v[fFirstName]), oneSpace(v[fLastName])
	if parts := oneSpace(r.firstName + " " + r.lastName); r.fullName != "" && parts != "" && !namesAgree(r.fullName, r.firstName, r.lastName) {
		r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fFullName), Reason: fmt.Sprintf("full name %s, first and last names %s: the full name is taken", clip(r.fullName), clip(parts))})
	}
	// (Codes as a scan reads them, as the badge is: codeText.)
	r.email, r.username, r.employeeNo = strings.ToLower(codeText(v[fEmail])), codeText(v[fUsername]), codeText(v[fEmployeeNo])
	r.given = [3]string{strings.ToLower(strings.TrimSpace(v[fEmail])), strings.TrimSpace(v[fUsername]), strings.TrimSpace(v[fEmployeeNo])}
	r.badge = NormalizeTag(v[fBadge])
	r.coLocation, r.parentTag = v[fCheckoutLocation], NormalizeTag(v[fParentTag])
	if r.coLocation == "" {
		r.coLocation = r.coLocationCode
	}
	if i := h.holderText; h.holderTyped && i > 0 && i <= len(rec) {
		text := strings.TrimSpace(rec[i-1])
		switch normalizeWord(v[fCheckoutType]) {
		case "user", "person", "users":
			if r.fullName == "" && r.firstName == "" && r.lastName == "" {
				r.fullName = text
			}
		case "location", "locations":
			if r.coLocation == "" {
				r.coLocation = text
			}
		case "asset", "assets":
			if r.parentTag == "" {
				// An asset is shown as "Name (TAG)", or by its tag.
				if j := strings.LastIndex(text, "("); j >= 0 && strings.HasSuffix(text, ")") {
					text = text[j+1 : len(text)-1]
				}
				r.parentTag = NormalizeTag(text)
			}
		}
	}
	personData := r.fullName != "" || r.firstName != "" || r.lastName != "" || r.email != "" || r.username != "" || r.badge != "" || r.employeeNo != ""
	switch normalizeWord(v[fCheckoutType]) {
	case "":
		switch {
		case personData:
			r.co = coPerson
		case r.coLocation != "":
			r.co = coLocation
		case r.parentTag != "":
			r.co = coAsset
		}
	case "user", "person", "users":
		if !personData {
			return fail(fCheckoutType, "checkout to a user, but no Full Name, First/Last Name, Email or Username says who")
		}
		r.co = coPerson
	case "location", "locations":
		if r.coLocation == "" {
			return fail(fCheckoutLocation, "checkout to a location, but Checkout to Location is empty")
		}
		r.co = coLocation
	case "asset", "assets":
		if r.parentTag == "" {
			return fail(fParentTag, "checkout to an asset, but Checked Out to: Asset Tag is empty")
		}
		r.co = coAsset
	default:
		return fail(fCheckoutType, "unknown checkout type %q (want User, Location or Asset)", clip(v[fCheckoutType]))
	}
	if i := h.holderText; r.co == coNone && i > 0 && i <= len(rec) && strings.TrimSpace(rec[i-1]) != "" {
		r.warns = append(r.warns, RowError{Line: line, Column: strings.TrimSpace(h.names[i-1]), Reason: fmt.Sprintf("%q is not read %s: a new asset is not checked out, and one of the register keeps its holder", clip(strings.TrimSpace(rec[i-1])), holderUnreadHow)})
		r.holderUnread = true
	}
	if i := h.holderText; r.co == coPerson && r.fullName == "" && r.firstName == "" && r.lastName == "" && i > 0 && i <= len(rec) {
		// A list export names the user in "Checked Out To" and identifies
		// them in Username / Email: the name is theirs.
		r.fullName = strings.TrimSpace(rec[i-1])
	}
	if r.co == coPerson {
		if r.email != "" && !validEmail(r.email) {
			return fail(fEmail, "%q is not an email address", clip(r.email))
		}
		if r.badge != "" {
			if err := ValidateCode(r.badge); err != nil {
				return fail(fBadge, "%s", ErrorMessage(err))
			}
		}
	}
	if r.co == coNone && r.due != "" {
		// (A due date is a loan's: with no one to have it, it would be
		// dropped unseen.)
		r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fExpectedCheckin), Reason: fmt.Sprintf("expected back %s on a row checked out to no one: left out", r.due)})
	}
	switch {
	case r.co == coNone && r.checkoutDate != "":
		r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fLastCheckout), Reason: fmt.Sprintf("checkout date %s on a row checked out to no one: left out", r.checkoutDate)})
	case r.co != coNone && r.due != "" && r.checkoutDate != "" && r.due < r.checkoutDate:
		r.warns = append(r.warns, RowError{Line: line, Column: h.colName(fExpectedCheckin), Reason: fmt.Sprintf("expected back %s, before its checkout date %s: overdue from the start", r.due, r.checkoutDate)})
	}
	if r.co == coAsset {
		if err := ValidateTag(r.parentTag); err != nil {
			return fail(fParentTag, "%s", ErrorMessage(err))
		}
		if r.parentTag == r.tag {
			return fail(fParentTag, "an asset cannot be checked out to itself")
		}
	}
	if m := v[fDisposalMethod]; m != "" {
		r.disposal = &Disposal{Method: m, Certificate: v[fDisposalCertificate], Vendor: v[fDisposalVendor]}
		if r.disposal.DisposedAt, err = h.date(r, v[fDisposalDate]); err != nil {
			return fail(fDisposalDate, "%s", ErrorMessage(err))
		}
	} else if v[fDisposalDate] != "" {
		return fail(fDisposalDate, "a disposal date without a Disposal Method")
	}

	// The status it is received as, then what happens to it.
	switch {
	case r.disposal != nil:
		if st != "" && st != StatusRetired && st != StatusDisposed {
			// A disposal is final: a Disposal Method beside a status that
			// says the asset is in use is more likely a custom field of
			// that name than a disposal.
			return fail(fDisposalMethod, "a disposal method on an asset that is %s (a disposed asset's status is Archived); if this column is a custom field of yours, rename it %q", st.Label(), h.colName(fDisposalMethod)+customSuffix)
		}
		if r.co != coNone {
			return fail(fDisposalMethod, "a disposed asset cannot be checked out")
		}
		r.status = StatusRetired
	case st == StatusDisposed:
		return fail(fStatus, "disposed, but no Disposal Method says how")
	case r.co != coNone:
		if st != "" && st != StatusInStock && st != StatusDeployed {
			return fail(fStatus, "the row checks the asset out, but its status %q (%s) cannot be checked out", clip(v[fStatus]), st.Label())
		}
		r.status = StatusInStock
	case st == StatusDeployed && r.holderUnread:
		// (A list export's Checked Out To: a bare name, whom it is not
		// guessed, as the rows not deployed are told.)
		i := h.holderText
		r.bad = &RowError{Line: line, Column: strings.TrimSpace(h.names[i-1]), Reason: fmt.Sprintf("deployed to %q, who is not read %s", clip(strings.TrimSpace(rec[i-1])), holderUnreadHow)}
		return r
	case st == StatusDeployed:
		return fail(fStatus, "deployed, but no Checkout Type / Checked Out to columns say to whom")
	case st == "":
		r.status = StatusInStock
	default:
		r.status = st
	}
	return r
}

// importer performs the validated rows inside one write transaction, with
// name→uid caches so that each model, location or person is looked up once.
type importer struct {
	source    string // ImportOptions.Source, as history shows it
	w         *wtx
	h         *csvHeader
	named     map[string]string      // table + "\x00" + lower(name)
	models    map[string]string      // lower(name) + "\x00" + lower(number)
	locs      map[string]locRef      // "c:" + code or "n:" + lower(name)
	people    map[string]personRef   // by badge, employee number, username or email
	byName    map[string][]personRef // lower(name) → the people of that name
	tags      map[string]string      // tags received by this import → uid
	inFile    map[string]bool        // every tag the file names
	taken     map[string]string      // the file's tags the register already uses
	codeNames map[string]codeName    // location code → the first name a row gives it
	tagless   map[string]int         // the file's tagless rows per serial and model (taglessKey)
	// formerNames caches formerLocationName by code and lower(name).
	formerNames map[string]bool
	// modelNumbers are the model numbers the file gives each model name
	// (lower-cased): a desk's model of that name without a number is the
	// rows' only when they give it one.
	modelNumbers map[string]map[string]bool
	serials      map[string]string       // upper-cased serials of the file's the register has → a tag with it
	serialCodes  map[string]string       // upper-cased serials a new badge or location code must not be → whose (registered)
	tagSerials   map[string]serialOf     // the file's new tags that are another asset's serial → that asset (registered)
	snipeIDs     map[string]registeredID // the file's Snipe-IT IDs (snipeID) → the one asset imported with it, tag "" if several (registered)
	pos          map[string]string       // upper-cased purchase order number → uid (read on first use)
	codes        map[string]string       // location codes and badges the desk has → what they are
	modelInfo    map[string][3]string    // model uid → name, manufacturer, category (read on first use)
	updating     bool                    // ImportOptions.Update
	auditMonths  int                     // the desk's audit interval (nextAudit)
	newPeople    map[string]string       // uid → name (lower case) of the people this import made
	scheme       TagScheme
	nextN        int64
	gen          int
}

// poUID is the uid of the desk's purchase order with that number, or "".
func (im *importer) poUID(number string) (string, error) {
	if im.pos == nil {
		im.pos = map[string]string{}
		rows, err := im.w.tx.QueryContext(im.w.ctx, `SELECT number, uid FROM purchase_orders`)
		if err != nil {
			return "", fmt.Errorf("read purchase orders: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var n, uid string
			if err := rows.Scan(&n, &uid); err != nil {
				return "", fmt.Errorf("read purchase orders: %w", err)
			}
			im.pos[strings.ToUpper(n)] = uid
		}
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("read purchase orders: %w", err)
		}
	}
	return im.pos[strings.ToUpper(strings.TrimSpace(number))], nil
}

// makePO makes the purchase order row r names, which the desk does not
// have: its number and supplier (a file has no ordered quantities: the
// order has no lines, and says so in po show).
func (im *importer) makePO(r *srow) (string, error) {
	uid, err := im.w.addPO(r.purchaseOrder, r.supplier, nil)
	if err != nil {
		return "", err
	}
	im.pos[strings.ToUpper(r.purchaseOrder)] = uid
	return uid, nil
}

// locRef is a location an import found or made (made: by this import,
// under the name the file gives its code first).
type locRef struct {
	uid, code, name string
	made            bool
}

// codeName is the first name a file gives a location code: on which line,
// in which column.
type codeName struct {
	name string
	line int
	f    sfield
}

// placeCodeColumn is the column that gives the code of the place a name
// column names.
var placeCodeColumn = map[sfield]sfield{fLocation: fLocationCode, fHome: fHomeCode, fCurrent: fCurrentCode, fCheckoutLocation: fCheckoutLocationCode}

// personRef is a person an import found or created: their uid, how
// check-outs name them, their home location's uid, and what identifies
// them.
type personRef struct {
	uid, name, label, loc              string
	badge, employeeNo, username, email string
}

func (im *importer) rowErr(r *srow, f sfield, err error) error {
	if ErrorCode(err) == EINTERNAL {
		return err
	}
	if ic, ok := err.(inColumn); ok {
		f, err = ic.f, ic.err // (a cell of another column than the caller's)
	}
	col := ""
	if f != fIgnored {
		col = im.h.colName(f)
	}
	r.bad = &RowError{Line: r.line, Column: col, Reason: ErrorMessage(err)}
	r.failed = true
	return nil
}

func (im *importer) ensureNamed(table, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	key := table + "\x00" + strings.ToLower(name)
	if uid, ok := im.named[key]; ok {
		return uid, nil
	}
	uid, err := im.w.ensureNamed(table, name)
	if err != nil {
		return "", err
	}
	im.named[key] = uid
	return uid, nil
}

// modelUID finds the row's model (by name and number, by name alone, or by
// number alone), creating it with its manufacturer and category if missing.
func (im *importer) modelUID(r *srow) (string, error) {
	uid, created, err := im.findModel(r)
	if err != nil || created {
		return uid, err
	}
	// A model the register has: its manufacturer and category stand. A row
	// that says otherwise is imported, with a warning, not silently.
	info, ok := im.modelInfo[uid]
	if !ok {
		if err := im.w.queryRow(`SELECT m.name, coalesce(mf.name, ''), coalesce(c.name, '') FROM models m
			LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id LEFT JOIN categories c ON c.id = m.category_id WHERE m.uid = ?`, uid).
			Scan(&info[0], &info[1], &info[2]); err != nil {
			return "", fmt.Errorf("read model: %w", err)
		}
		im.modelInfo[uid] = info
	}
	for _, d := range []struct {
		f         sfield
		what, has string
		row       string
	}{{fManufacturer, "made by", info[1], r.manufacturer}, {fCategory, "in category", info[2], r.category}} {
		if d.row != "" && !strings.EqualFold(strings.TrimSpace(d.row), d.has) {
			r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(d.f), Reason: fmt.Sprintf("model %s is %s %s; this row says %s: the model's stands", clip(info[0]), d.what, orNone(d.has), clip(d.row))})
		}
	}
	return uid, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// findModel finds the row's model, or creates it (created) with the
// manufacturer and category the row names.
func (im *importer) findModel(r *srow) (uid string, created bool, err error) {
	name, number := r.model, r.modelNo
	key := strings.ToLower(name) + "\x00" + strings.ToLower(number)
	if uid, ok := im.models[key]; ok {
		return uid, false, nil
	}
	var q, arg string
	switch {
	case name != "" && number != "":
		q, arg = `SELECT uid FROM models WHERE name = ? AND model_number = ? LIMIT 2`, name
	case name != "":
		q, arg = `SELECT uid FROM models WHERE name = ? ORDER BY model_number <> '' LIMIT 2`, name
	default:
		q, arg = `SELECT uid FROM models WHERE model_number = ? LIMIT 2`, number
	}
	st, err := im.w.prepared(q)
	if err != nil {
		return "", false, err
	}
	args := []any{arg}
	if name != "" && number != "" {
		args = append(args, number)
	}
	rows, err := st.QueryContext(im.w.ctx, args...)
	if err != nil {
		return "", false, fmt.Errorf("look up model: %w", err)
	}
	var uids []string
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return "", false, fmt.Errorf("look up model: %w", err)
		}
		uids = append(uids, uid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", false, fmt.Errorf("look up model: %w", err)
	}
	if len(uids) == 0 {
		// (One stored with a run of spaces, before names had one.)
		if uids, err = im.w.spacedMatches("models", name, number, name != "", number != ""); err != nil {
			return "", false, err
		}
	}
	if len(uids) == 0 && name != "" && number == "" {
		// A name with no number that is one model's number (a file that
		// writes model numbers in Model Name): that model, not a second
		// one that would take its receipts (receive --model reads names
		// first).
		byNum, err := im.w.texts("look up model", `SELECT uid FROM models WHERE model_number = ? LIMIT 2`, name)
		if err != nil {
			return "", false, err
		}
		if len(byNum) == 1 {
			uids = byNum
		}
	}
	if len(uids) == 0 && name != "" && number != "" && len(im.modelNumbers[strings.ToLower(name)]) <= 1 {
		// The model the desk has by this name, without a number (made by
		// a file without a Model No. column): this row's, not a second
		// model of one name that a name could not tell apart.
		var other string
		err := im.w.queryRow(`SELECT uid FROM models WHERE name = ?1 AND model_number = '' AND NOT EXISTS (SELECT 1 FROM models WHERE name = ?1 AND model_number <> '')`, name).Scan(&other)
		switch {
		case err == nil:
			uids = []string{other}
			r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fModelNo),
				Reason: fmt.Sprintf("model %s has no model number at the desk: this row's %s is not recorded", clip(name), clip(number))})
		case !errors.Is(err, sql.ErrNoRows):
			return "", false, fmt.Errorf("look up model: %w", err)
		}
	}
	switch {
	case len(uids) == 1:
		uid = uids[0]
	case len(uids) > 1 && name == "":
		return "", false, invalid("model number %q names more than one model: add a Model Name column", clip(number))
	case len(uids) > 1:
		uid = uids[0] // the one without a model number, else the first
		r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fModel),
			Reason: fmt.Sprintf("model %s names more than one model at the desk: took the first (add a Model No. column to choose)", clip(name))})
	default:
		p := ModelPayload{UID: im.w.db.newUID(), Name: name, ModelNumber: number}
		if p.Name == "" {
			p.Name = number
		}
		if p.ManufacturerUID, err = im.ensureNamed("manufacturers", r.manufacturer); err != nil {
			return "", false, err
		}
		if p.CategoryUID, err = im.ensureNamed("categories", r.category); err != nil {
			return "", false, err
		}
		if err := im.w.emit(EvModelCreated, p.UID, p); err != nil {
			return "", false, err
		}
		uid, created = p.UID, true
	}
	im.models[key] = uid
	return uid, created, nil
}

// location finds a location by code (creating it with that code) or by
// code-or-name (creating it with a code derived from the name). A name
// the row gives with the code (in column f) must be that place's
// (sameLocationName).
func (im *importer) location(r *srow, f sfield, code, name string) (locRef, error) {
	key := "n:" + strings.ToLower(name)
	if code != "" {
		key = "c:" + code
	}
	if l, ok := im.locs[key]; ok {
		if code == "" {
			return l, nil // (a name, which may be read as a code: locationByName)
		}
		return l, im.sameLocationName(r, f, l, name)
	}
	var l locRef
	var err error
	if code != "" {
		err = im.w.queryRow(`SELECT uid, code, name FROM locations WHERE code = ?`, code).Scan(&l.uid, &l.code, &l.name)
		if err == nil {
			err = im.sameLocationName(r, f, l, name)
		}
		if errors.Is(err, sql.ErrNoRows) {
			// Made under the name the file gives it first (a row may
			// give none), which every row naming it must give.
			l = locRef{uid: im.w.db.newUID(), code: code, name: im.codeNames[code].name, made: true}
			if l.name == "" {
				l.name = code
			}
			if err = im.sameLocationName(r, f, l, name); err == nil {
				err = im.w.codeFree(code, "location")
			}
			name = l.name
			if err == nil {
				err = im.notASerial(code)
			}
			if err == nil {
				err = im.w.emit(EvLocationCreated, l.uid, LocationPayload{UID: l.uid, Code: code, Name: name})
			}
		}
	} else {
		if l.uid, err = im.w.ensureLocation(name); err == nil {
			err = im.w.queryRow(`SELECT code, name FROM locations WHERE uid = ?`, l.uid).Scan(&l.code, &l.name)
		}
	}
	if err != nil {
		if ErrorCode(err) == EINTERNAL {
			return l, fmt.Errorf("location %s: %w", clip(name), err)
		}
		return l, err
	}
	im.locs[key] = l
	return l, nil
}

// sameLocationName checks that name, which the row's column f gives with
// l's code, is l's: its name, case and spaces aside (as location lookups
// compare names), or, for a place the register had, a name it had before
// a rename that no place has now (an export written before it). Else the
// row names two places (a name edited, its code not) and the code would
// win unsaid: a bad row naming both, in the code's column. A place this
// import makes has the name the file gives its code first.
func (im *importer) sameLocationName(r *srow, f sfield, l locRef, name string) error {
	if name == "" || strings.EqualFold(nameSpaces(name), nameSpaces(l.name)) {
		return nil
	}
	col := placeCodeColumn[f]
	if first := im.codeNames[l.code]; l.made && first.line > 0 {
		where := fmt.Sprintf("line %d", first.line)
		if first.line == r.line {
			where = "this row's " + im.h.colName(first.f)
		}
		return inColumn{col, invalid("%s %q is not the name %s gives %s (%s): clear one of them, or give the code of the place meant",
			im.h.colName(f), clip(name), where, l.code, clip(l.name))}
	}
	if !l.made {
		key := l.code + "\x00" + strings.ToLower(nameSpaces(name))
		former, ok := im.formerNames[key]
		if !ok {
			var err error
			if former, err = im.formerLocationName(l.uid, name); err != nil {
				return err
			}
			if im.formerNames == nil {
				im.formerNames = map[string]bool{}
			}
			im.formerNames[key] = former
		}
		if former {
			return nil
		}
	}
	return inColumn{col, invalid("%s %q is not %s's name (%s): clear one of them, or give the code of the place meant",
		im.h.colName(f), clip(name), l.code, clip(l.name))}
}

// formerLocationName says whether the place uid was named name before a
// rename (its location.updated events), and no place is named so now.
// (Asked only of a row whose name is not the place's: places are few.)
func (im *importer) formerLocationName(uid, name string) (bool, error) {
	same := func(s string) bool { return strings.EqualFold(nameSpaces(s), nameSpaces(name)) }
	olds, err := im.w.texts("look up location", `SELECT json_extract(payload, '$.changes.name.old') FROM events
		WHERE subject = ? AND type = ? AND json_extract(payload, '$.changes.name.old') IS NOT NULL`, uid, string(EvLocationUpdated))
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(olds, same) {
		return false, nil
	}
	names, err := im.w.texts("look up location", `SELECT name FROM locations`)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(names, same), nil
}

// person finds the row's custodian by badge, employee number, username or
// email, then by full name (or first + last name), creating them if
// missing. Two people may share a name: one found by name alone is the
// row's only if nothing the row says contradicts them (a badge, employee
// number, username or email both have, and differ in). What such a row
// adds (an email the desk has no record of for them) identifies them for
// the rest of the file, so that a later row with another email is someone
// else whatever the order of the rows; it is not stored.
func (im *importer) person(r *srow) (personRef, error) {
	name := r.rowName()
	if name == "" {
		name = r.fill.name // the file's name for them, given on another row
	}
	// (A code is looked up as the file has it, which an older tagdesk
	// may have stored so, and as a scan reads it: personIs.)
	type probe struct{ key, col, given, v string }
	var probes []probe
	if r.badge != "" {
		probes = append(probes, probe{personKey("b:", r.badge), "badge", r.badge, r.badge})
	}
	if r.employeeNo != "" {
		probes = append(probes, probe{personKey("#:", r.employeeNo), "employee_no", r.given[2], r.employeeNo})
	}
	if r.username != "" {
		probes = append(probes, probe{personKey("u:", r.username), "username", r.given[1], r.username})
	}
	if r.email != "" {
		probes = append(probes, probe{personKey("e:", r.email), "email", r.given[0], r.email})
	}
	// Found by what identifies them; a name the row gives that is not
	// theirs is said (a row copied from another, or a shared mailbox).
	byKey := func(ref personRef, p probe) personRef {
		if name != "" && !strings.EqualFold(strings.Join(strings.Fields(name), " "), strings.Join(strings.Fields(ref.name), " ")) {
			r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fFullName),
				Reason: fmt.Sprintf("checked out to %s, whose %s %s this row gives, though it names %q", ref.label, strings.ReplaceAll(p.col, "_no", " number"), clip(p.v), clip(name))})
		}
		return ref
	}
	// who is the person a probe finds, if anyone.
	// (A code with invisible characters is looked up each time: who it
	// names as given, an older tagdesk's, is not who p.key names.)
	who := func(p probe) (personRef, bool, error) {
		if ref, ok := im.people[p.key]; ok && p.given == p.v {
			return ref, true, nil
		}
		found, err := im.lookPeople(p.col, p.given, p.v)
		if err != nil || len(found) == 0 {
			return personRef{}, false, err
		}
		if p.given != p.v {
			return found[0], true, nil
		}
		im.people[p.key] = found[0]
		return found[0], true, nil
	}
	for i, p := range probes {
		ref, ok, err := who(p)
		if err != nil {
			return personRef{}, err
		}
		if !ok {
			continue
		}
		// The row's other identifiers may not be someone else's: the
		// asset went to whoever came first (a users file refuses such a
		// row as well).
		for _, q := range probes[i+1:] {
			other, ok, err := who(q)
			if err != nil {
				return personRef{}, err
			}
			if ok && other.uid != ref.uid {
				return personRef{}, conflict("the row's %s %s is %s's, and its %s %s is %s's: one row, one person",
					strings.ReplaceAll(p.col, "_no", " number"), clip(p.v), ref.label, strings.ReplaceAll(q.col, "_no", " number"), clip(q.v), other.label)
			}
		}
		return byKey(ref, p), nil
	}
	if name != "" {
		namesakes, err := im.namesakes(name)
		if err != nil {
			return personRef{}, err
		}
		var match []int
		for i := range namesakes {
			if !namesakes[i].contradicts(r) {
				match = append(match, i)
			}
		}
		switch {
		case len(match) == 1:
			ref := &namesakes[match[0]]
			ref.learn(r)
			for _, p := range probes {
				im.people[p.key] = *ref
			}
			return *ref, nil
		case len(match) > 1 && len(probes) == 0:
			return personRef{}, invalid("%q names more than one person: add an Email or Username column", clip(name))
		}
		if v := strings.TrimSpace(name); len(probes) == 0 && len(strings.Fields(v)) == 1 {
			// A holder's name that is how the desk knows someone (a
			// Checked Out To cell holding a username or an email, as
			// Snipe-IT's own importer looks a holder up): them, not a
			// new person of that name. Written as the register has it
			// (an email in any case): a new "Ana" is not the username ana.
			for _, col := range []string{"username", "email", "badge", "employee_no"} {
				found, err := im.lookPeople(col, v, v)
				if err != nil {
					return personRef{}, err
				}
				if len(found) != 1 {
					continue
				}
				have := map[string]string{"username": found[0].username, "email": found[0].email, "badge": found[0].badge, "employee_no": found[0].employeeNo}[col]
				if have == v || col == "email" && strings.EqualFold(have, v) {
					return found[0], nil
				}
			}
		}
	}
	// Nobody: create them, with what the file's other rows say of them
	// where this row says nothing (and no one has it already).
	pp := PersonPayload{UID: im.w.db.newUID(), Name: name, Badge: r.badge, EmployeeNo: r.employeeNo, Username: r.username, Email: r.email}
	for _, f := range []struct {
		dst      *string
		key, col string
		v        string
	}{{&pp.Badge, "b:", "badge", r.fill.badge}, {&pp.EmployeeNo, "#:", "employee_no", r.fill.employeeNo},
		{&pp.Username, "u:", "username", r.fill.username}, {&pp.Email, "e:", "email", r.fill.email}} {
		if *f.dst != "" || f.v == "" {
			continue
		}
		if _, taken := im.people[personKey(f.key, f.v)]; taken {
			continue
		}
		found, err := im.lookPeople(f.col, f.v, f.v)
		if err != nil {
			return personRef{}, err
		}
		if len(found) > 0 {
			continue
		}
		if f.key == "b:" {
			err := im.w.codeFree(f.v, "person")
			if err == nil {
				err = im.notASerial(f.v)
			}
			if err != nil {
				if ErrorCode(err) == EINTERNAL {
					return personRef{}, err
				}
				continue
			}
		}
		*f.dst = f.v
	}
	if pp.Name == "" {
		pp.Name = pp.Username
	}
	if pp.Name == "" {
		pp.Name = pp.Email
	}
	if pp.Name == "" {
		// A badge or an employee number alone names no one new: the
		// column may well be a custom field of the same name.
		f, v := fBadge, r.badge
		if v == "" {
			f, v = fEmployeeNo, r.employeeNo
		}
		return personRef{}, invalid("%q is no one's on this desk, and the row gives no name, username or email for a new person: add one (or, if column %q is a custom field of yours, rename it %q)", clip(v), im.h.colName(f), im.h.colName(f)+customSuffix)
	}
	namesakes, err := im.namesakes(pp.Name) // (before the person exists)
	if err != nil {
		return personRef{}, err
	}
	if pp.Badge != "" {
		if err := im.w.codeFree(pp.Badge, "person"); err != nil {
			return personRef{}, err
		}
		if err := im.notASerial(pp.Badge); err != nil {
			return personRef{}, err
		}
	}
	if err := im.w.codesApart(pp.Badge, pp.EmployeeNo, pp.Username, pp.Email, pp.UID); err != nil {
		for i, f := range []sfield{fBadge, fEmployeeNo, fUsername, fEmail} {
			if errors.Is(err, clashOf[i]) {
				return personRef{}, inColumn{f, err}
			}
		}
		return personRef{}, err
	}
	if err := im.w.employeeNoFree(pp.EmployeeNo, pp.UID); err != nil {
		return personRef{}, inColumn{fEmployeeNo, err}
	}
	if err := im.w.emit(EvPersonCreated, pp.UID, pp); err != nil {
		return personRef{}, err
	}
	im.newPeople[pp.UID] = strings.ToLower(oneSpace(pp.Name))
	ref := personRef{uid: pp.UID, name: pp.Name, label: pp.Name, badge: pp.Badge, employeeNo: pp.EmployeeNo, username: pp.Username, email: pp.Email}
	if pp.Badge != "" {
		ref.label += " (" + pp.Badge + ")"
	}
	for _, p := range probes {
		im.people[p.key] = ref
	}
	// Found again by whatever identifies them, the filled-in too (their
	// events are written at the end: the database does not know them yet).
	for _, k := range []struct{ p, v string }{{"b:", pp.Badge}, {"#:", pp.EmployeeNo}, {"u:", pp.Username}, {"e:", pp.Email}} {
		if k.v != "" {
			im.people[personKey(k.p, k.v)] = ref
		}
	}
	im.byName[strings.ToLower(pp.Name)] = append(namesakes, ref)
	return ref, nil
}

// personKey is a person's identifier as an import keys the people it
// finds and makes (prefix b: badge, #: employee number, u: username, e:
// email): an employee number upper-cased as SQLite's upper() does, a
// username lower-cased (it is theirs case aside); a badge and an email
// as rows hold them (upper- and lower-cased already).
func personKey(prefix, v string) string {
	switch prefix {
	case "#:":
		v = upperASCII(v)
	case "u:":
		v = strings.ToLower(v)
	}
	return prefix + v
}

// upperASCII upper-cases a-z only, as SQLite's upper() does: the keys of
// employee numbers within a file match as the register's index does.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// oneSpace trims s and makes each run of spaces in it one space.
func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// nameSpaces is a name as the desk keeps a place's or a catalogue entry's:
// trimmed, a run of spaces one space, its accents composed (NFC: a name
// typed or filed on a Mac, "e" and a combining accent, is found by one
// typed "é"). (A tab or a line break inside stays, to be refused as a
// control character: checkText.)
func nameSpaces(s string) string {
	if !isASCII(s) && utf8.ValidString(s) { // (invalid text is refused as such, not mended by Map)
		// A no-break or other Unicode space (U+00A0 from a spreadsheet or
		// a web page) is a space: else "Dublin\u00a0Office" is a second
		// place that looks like the first.
		s = strings.Map(func(r rune) rune {
			if r == 0xa0 || r == 0x1680 || r >= 0x2000 && r <= 0x200a || r == 0x202f || r == 0x205f || r == 0x3000 {
				return ' '
			}
			return r
		}, s)
	}
	s = strings.TrimSpace(s)
	for strings.Contains(s, "  ") {
		s = strings.ReplaceAll(s, "  ", " ")
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

// namesAgree reports whether a full name holds a row's first and last
// names (either may be blank), case aside: "Ana Maria Silva" holds Ana and
// Silva, "Anna Lee" does not hold Anne.
func namesAgree(full, first, last string) bool {
	// Words as a code spells them: accents, case and punctuation aside
	// ("Silva, Ana" holds Ana; "José Núñez" holds Jose Nunez).
	words := nameWords(full)
	for _, part := range []string{first, last} {
		for _, w := range nameWords(part) {
			if !slices.Contains(words, w) {
				return false
			}
		}
	}
	return true
}

// rowName is the name a row gives its holder: the full name, or the first
// and last names.
func (r *srow) rowName() string {
	if r.fullName != "" {
		return r.fullName
	}
	return oneSpace(r.firstName + " " + r.lastName)
}

// personFill is what the file's other rows say of a row's holder, for the
// fields the row leaves blank.
type personFill struct{ name, badge, employeeNo, username, email string }

// unifyPeople finds, for each row checked out to a person, what the file's
// other rows say of that person: rows that share a badge, an employee
// number, a username or an email are one person, and a row that names them
// by name alone is theirs when no one else in the file has that name. A
// field the rows give two values for is said by none. It is used when
// the import creates the person (person): made from a first row that gave
// only an email, they were named by their email, and from a name-only
// first row they had no email, whatever the later rows said; and to rule
// out a namesake its identifiers contradict (contradicts). It never finds
// a row's holder by them: that is still the row's own badge, employee
// number, username, email, then name. Rows refused in an earlier pass say
// nothing (it runs again at each pass).
func unifyPeople(rows []*srow) {
	var mentions []*srow
	for _, r := range rows {
		r.fill = personFill{}
		if r.bad == nil && r.co == coPerson {
			mentions = append(mentions, r)
		}
	}
	parent := make([]int, len(mentions))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	keys := func(r *srow) []string {
		var k []string
		for _, f := range []struct{ p, v string }{{"b:", r.badge}, {"#:", r.employeeNo}, {"u:", r.username}, {"e:", r.email}} {
			if f.v != "" {
				k = append(k, personKey(f.p, f.v))
			}
		}
		return k
	}
	first := map[string]int{}
	for i, r := range mentions {
		for _, k := range keys(r) {
			if j, ok := first[k]; ok {
				if a, b := find(i), find(j); a != b {
					parent[max(a, b)] = min(a, b)
				}
			} else {
				first[k] = i
			}
		}
	}
	// What each person is said to be; a field given two ways is dropped.
	const twoWays = "\x00"
	people := map[int]*personFill{}
	for i, r := range mentions {
		if len(keys(r)) == 0 {
			continue
		}
		p := people[find(i)]
		if p == nil {
			p = &personFill{}
			people[find(i)] = p
		}
		for _, f := range []struct {
			have *string
			v    string
		}{{&p.name, r.rowName()}, {&p.badge, r.badge}, {&p.employeeNo, r.employeeNo}, {&p.username, r.username}, {&p.email, r.email}} {
			switch {
			case f.v == "" || *f.have == twoWays:
			case *f.have == "":
				*f.have = f.v
			case !strings.EqualFold(*f.have, f.v):
				*f.have = twoWays
			}
		}
	}
	byName := map[string][]int{}
	for root, p := range people {
		if p.name != "" && p.name != twoWays {
			k := strings.ToLower(p.name)
			byName[k] = append(byName[k], root)
		}
	}
	for i, r := range mentions {
		var p *personFill
		if len(keys(r)) > 0 {
			p = people[find(i)]
		} else if roots := byName[strings.ToLower(r.rowName())]; len(roots) == 1 && r.rowName() != "" {
			p = people[roots[0]]
		}
		if p == nil {
			continue
		}
		for _, f := range []struct {
			dst       *string
			row, file string
		}{{&r.fill.name, r.rowName(), p.name}, {&r.fill.badge, r.badge, p.badge}, {&r.fill.employeeNo, r.employeeNo, p.employeeNo},
			{&r.fill.username, r.username, p.username}, {&r.fill.email, r.email, p.email}} {
			if f.row == "" && f.file != twoWays {
				*f.dst = f.file
			}
		}
	}
}

// namesakes returns the people named name (the desk's, then those this
// import created), read from the database once.
func (im *importer) namesakes(name string) ([]personRef, error) {
	key := strings.ToLower(name)
	if refs, ok := im.byName[key]; ok {
		return refs, nil
	}
	refs, err := im.lookPeople("name", name, name)
	if err != nil {
		return nil, err
	}
	im.byName[key] = refs
	return refs, nil
}

// lookPeople finds the people whose col is v, or given (personIs).
func (im *importer) lookPeople(col, given, v string) ([]personRef, error) {
	st, err := im.w.prepared(`SELECT p.uid, p.name, coalesce(p.badge, ''), coalesce(p.employee_no, ''), coalesce(p.username, ''), coalesce(p.email, ''), coalesce(l.uid, '')
		FROM people p LEFT JOIN locations l ON l.id = p.location_id WHERE ` + personIs("p.", col) + ` ORDER BY p.` + col + ` = ?1 DESC, p.id`) // (as given first)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(im.w.ctx, given, v)
	if err != nil {
		return nil, fmt.Errorf("look up person: %w", err)
	}
	defer rows.Close()
	var found []personRef
	for rows.Next() {
		var ref personRef
		if err := rows.Scan(&ref.uid, &ref.name, &ref.badge, &ref.employeeNo, &ref.username, &ref.email, &ref.loc); err != nil {
			return nil, fmt.Errorf("look up person: %w", err)
		}
		ref.label = ref.name
		if ref.badge != "" {
			ref.label += " (" + ref.badge + ")"
		}
		found = append(found, ref)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up person: %w", err)
	}
	return found, nil
}

// learn fills in what p lacks of what row r says about them.
func (p *personRef) learn(r *srow) {
	for _, f := range []struct {
		have *string
		row  string
	}{{&p.badge, r.badge}, {&p.employeeNo, r.employeeNo}, {&p.username, r.username}, {&p.email, r.email}} {
		if *f.have == "" {
			*f.have = f.row
		}
	}
}

// contradicts says whether row r names someone other than p: a badge,
// employee number, username or email both have, and differ in. Where the
// row is blank, what the file's other rows say of its holder (r.fill)
// counts: a row naming "Ana Silva" alone is the file's Ana Silva, whose
// username another row gives, not a namesake of the register with
// another username, whichever row comes first (found by name first, the
// register's took the asset, and after the other row had made the file's
// Ana Silva, the name named two people).
func (p personRef) contradicts(r *srow) bool {
	differ := func(row, fill, have string) bool {
		if row == "" {
			row = fill
		}
		return row != "" && have != "" && !strings.EqualFold(row, have)
	}
	return differ(r.badge, r.fill.badge, p.badge) || differ(r.employeeNo, r.fill.employeeNo, p.employeeNo) ||
		differ(r.username, r.fill.username, p.username) || differ(r.email, r.fill.email, p.email)
}

// taglessKey is a row's serial and model as the file writes them.
func taglessKey(r *srow) string {
	return strings.ToUpper(r.serial) + "\x00" + strings.ToLower(r.model) + "\x00" + strings.ToLower(r.modelNo)
}

// sameDevice is the tag of the one asset of model modelUID with serial (as
// written, upper- or lower-cased), or "" (none, or several); modelUID ""
// is any model.
func (im *importer) sameDevice(serial, modelUID string) (string, error) {
	var tag sql.NullString
	err := im.w.queryRow(`SELECT CASE WHEN count(*) = 1 THEN min(a.tag) END FROM assets a LEFT JOIN models m ON m.id = a.model_id
		WHERE a.serial IN (?, upper(?), lower(?)) AND (m.uid = ?4 OR ?4 = '')`, serial, serial, serial, modelUID).Scan(&tag)
	if err != nil {
		return "", fmt.Errorf("check serial: %w", err)
	}
	return tag.String, nil
}

// nextTag generates a tag from the device's scheme that neither the
// database nor the file uses.
func (im *importer) nextTag() (string, error) {
	for tries := 0; tries < 1_000_000; tries++ {
		// From this desk's leased blocks, as a receipt's tag (sync.go):
		// another desk of the server is numbering the others.
		n, err := im.w.leasedTagNumber(im.nextN)
		if err != nil {
			return "", err
		}
		im.nextN = n + 1
		tag := im.scheme.Format(n)
		if _, code := im.codes[tag]; im.inFile[tag] || code {
			continue
		}
		var one int
		err = im.w.queryRow(`SELECT 1 FROM assets WHERE tag = ?`, tag).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			if err := ValidateTag(tag); err != nil {
				return "", invalid("tag prefix %q makes invalid tags: %s", im.scheme.Prefix, ErrorMessage(err))
			}
			im.gen++
			return tag, nil
		}
		if err != nil {
			return "", fmt.Errorf("check tag: %w", err)
		}
	}
	return "", conflict("no free tag after %s", im.scheme.Format(im.scheme.Next))
}

// sourceName is a file's name as history shows it: its base name, printable,
// at most 80 characters.
func sourceName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strconv.IsPrint(r) {
			return r
		}
		return '?'
	}, filepath.Base(strings.TrimSpace(name)))
	if name == "." || name == "/" {
		return ""
	}
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80]) + "…"
	}
	return name
}

// receive emits the row's asset.received (and whatever it names first).
func (im *importer) receive(r *srow) error {
	if _, err := im.past(r.lastAudit, "last audit"); err != nil {
		// (An audit is a count made: not one to come, which is Next Audit.)
		return im.rowErr(r, fLastAudit, err)
	}
	rec := AssetRecord{
		Serial: r.serial, Name: r.name, Kind: KindHardware, Status: r.status, OrderNumber: r.orderNo,
		PurchaseDate: r.purchaseDate, PurchaseCost: r.cost, Currency: r.currency, WarrantyEnd: r.warrantyEnd,
		EOLDate: r.eol, CostCentre: r.costCentre, Notes: r.notes, Custom: r.custom, LastAudit: r.lastAudit, NextAudit: im.nextAudit(r, ""),
	}
	if im.source != "" {
		rec.Imported = im.source + " line " + strconv.Itoa(r.line)
	}
	if r.model == "" && r.modelNo == "" { // (an update's row may leave it out)
		if _, taken := im.taken[r.tag]; taken && r.tag != "" {
			r.inRegister = true // (what it is: an asset of the register, not a new one without a model)
			return im.rowErr(r, fTag, conflict("tag %s is already in use", r.tag))
		}
		return im.rowErr(r, fModel, invalid(noModel))
	}
	var err error
	if rec.ModelUID, err = im.modelUID(r); err != nil {
		return im.rowErr(r, fModel, err)
	}
	// An Order Number is a purchase order's number in Snipe-IT: one the
	// desk has links the asset to it (a desk's own export, re-imported).
	// tagdesk's export says the order apart (Purchase Order: an asset may
	// have both, and an empty desk has no orders): the order is made if
	// the desk has none of that number.
	switch {
	case r.purchaseOrder != "":
		if rec.POUID, err = im.poUID(r.purchaseOrder); err == nil && rec.POUID == "" {
			rec.POUID, err = im.makePO(r)
		}
		if err != nil {
			return im.rowErr(r, fPurchaseOrder, err)
		}
	case r.orderNo != "":
		if rec.POUID, err = im.poUID(r.orderNo); err != nil {
			return err
		}
	}
	if r.purchaseOrder != "" && strings.EqualFold(strings.TrimSpace(r.orderNo), r.purchaseOrder) {
		rec.OrderNumber = "" // the order's number, which the export writes there for Snipe-IT
	}
	if r.location != "" || r.locationCode != "" {
		l, err := im.location(r, fLocation, r.locationCode, r.location)
		if err != nil {
			return im.rowErr(r, fLocation, err)
		}
		rec.LocationUID, rec.HomeLocationUID = l.uid, l.uid
	}
	if r.home != "" || r.homeCode != "" {
		l, err := im.location(r, fHome, r.homeCode, r.home)
		if err != nil {
			return im.rowErr(r, fHome, err)
		}
		rec.HomeLocationUID = l.uid
		if rec.LocationUID == "" && r.currentCode == "" {
			// No Location: a new asset is at its default location, as
			// Snipe-IT's own importer puts it (else it is nowhere: in no
			// place's list, in no count of its home).
			rec.LocationUID = l.uid
		}
	}
	if r.currentCode != "" {
		// A tagdesk export says where it is apart from Location (which is
		// its home while it is checked out, as Snipe-IT reads it).
		name, f := r.current, fCurrent // else the row's name for that code, if another column gives it
		for _, c := range []struct {
			f          sfield
			code, name string
		}{{fLocation, r.locationCode, r.location}, {fHome, r.homeCode, r.home}, {fCheckoutLocation, r.coLocationCode, r.coLocation}} {
			if name != "" {
				break
			}
			if c.code == r.currentCode && c.name != "" {
				name, f = c.name, c.f
				break
			}
		}
		l, err := im.location(r, f, r.currentCode, name)
		if err != nil {
			return im.rowErr(r, fCurrentCode, err)
		}
		if rec.HomeLocationUID == "" {
			rec.HomeLocationUID = l.uid
		}
		rec.LocationUID, r.currentUID = l.uid, l.uid
	}
	if im.h.has(fHomeCode) && r.home == "" && r.homeCode == "" {
		// A tagdesk export says the home apart from Location: blank
		// there is no home (else a round trip gave one).
		rec.HomeLocationUID = ""
	}
	if rec.SupplierUID, err = im.ensureNamed("suppliers", r.supplier); err != nil {
		return im.rowErr(r, fSupplier, err)
	}
	generated := r.tag == ""
	if generated && r.serial != "" {
		// A row without a tag whose serial an asset of the same model has
		// is that asset, imported before (the file run again after its
		// bad rows were fixed): not a second one.
		// (A serial the file gives two tagless rows of one model, or the
		// register two assets of it, is a placeholder such as "N/A".)
		if _, ok := im.serials[strings.ToUpper(r.serial)]; ok && im.tagless[taglessKey(r)] < 2 {
			same, err := im.sameDevice(r.serial, rec.ModelUID)
			if err != nil {
				return err
			}
			if same != "" {
				r.inRegister = true
				return im.rowErr(r, fSerial, conflict("serial %s of this model is asset %s already: this row is that asset, imported before (the file run again?); if it is another device, give the row a tag of its own", clip(r.serial), same))
			}
		}
	}
	if generated {
		r.genTag = true
		if r.tag, err = im.nextTag(); err != nil {
			return im.rowErr(r, fTag, err)
		}
	} else if s := im.scheme; s.Check && s.Prefix != "" && strings.HasPrefix(r.tag, s.Prefix) && !CheckTag(r.tag) {
		return im.rowErr(r, fTag, invalid("tag %s fails its check character", r.tag))
	}
	rec.Tag = r.tag
	rec.UID = im.w.db.newUID()
	row := assetRow{rec: &rec}
	if row.ids, row.custom, err = im.w.checkReceipt(&rec); err != nil {
		return im.rowErr(r, fTag, err)
	}
	if _, taken := im.taken[rec.Tag]; taken && !generated {
		r.inRegister = true
		return im.rowErr(r, fTag, conflict("tag %s is already in use", rec.Tag))
	}
	if what, ok := im.codes[rec.Tag]; ok && !generated {
		return im.rowErr(r, fTag, codeTaken(rec.Tag, what))
	}
	if other, ok := im.tagSerials[rec.Tag]; ok && !generated && (other.row == nil || other.row.bad == nil && !other.row.failed) {
		// (Not for a row of the file refused itself: it is no asset.)
		return im.rowErr(r, fTag, codeTaken(rec.Tag, "the serial of "+other.what))
	}
	if id := snipeID(customValue(r.custom, SnipeITIDField)); id != "" && im.snipeIDs[id].tag != "" {
		// The register's asset of that ID (a tagless row's, a retagged
		// one's): not a second one.
		r.inRegister = true
		how := "--update updates it"
		if im.updating {
			how = "the row's tag is another's"
		}
		return im.rowErr(r, fTag, conflict("Snipe-IT ID %s is asset %s here already (%s; for an asset of another Snipe-IT, whose IDs are its own, rename the file's ID column)", clip(id), im.snipeIDs[id].tag, how))
	}
	if what, ok := im.codes[NormalizeTag(r.serial)]; ok && r.serial != "" {
		// (Its scans would find the asset: a serial is read before a badge.)
		return im.rowErr(r, fSerial, conflict("%s is %s, not a serial", clip(r.serial), what))
	}
	if t := NormalizeTag(r.serial); r.serial != "" && t != rec.Tag {
		// (A new tag of the file is tagsThatAreSerials'; one of the
		// register's is refused here, its row in the file or not.)
		if _, ok := im.taken[t]; ok {
			// (A scan of it would find that asset: a tag is read first.)
			return im.rowErr(r, fSerial, conflict("%s is asset %s's tag, not a serial: give the serial on the device (or its maker's label)", clip(r.serial), t))
		}
	}
	at := timestamp(im.w.at)
	row.status, row.created, row.updated = rec.Status, at, at
	r.uid = rec.UID
	// A check-out to a person or a place is folded into the new row; one
	// into another asset waits until every asset is in, and a disposal is
	// applied after the receipt.
	var co *CheckOutPayload
	if r.disposal == nil && (r.co == coPerson || r.co == coLocation) {
		p, col, err := im.checkOut(r)
		if err == nil {
			err = im.w.foldCheckOut(&row, &p)
		}
		if err != nil {
			return im.rowErr(r, col, err)
		}
		co = &p
	}
	e, err := im.w.newEvent(EvAssetReceived, rec.UID, rec)
	if err != nil {
		return im.rowErr(r, fIgnored, err) // text the event refuses: this row's
	}
	err = im.w.deferApplied(e)
	if err == nil && co != nil {
		if e, err = im.w.newEvent(EvAssetCheckedOut, rec.UID, *co); err != nil {
			return im.rowErr(r, fIgnored, err)
		}
		err = im.w.deferApplied(e)
	}
	if err == nil {
		err = im.w.addRow(&row)
	}
	if err != nil {
		return err
	}
	r.received, r.folded = true, co != nil
	if tag, ok := im.serials[strings.ToUpper(r.serial)]; ok && r.serial != "" {
		r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fSerial), Reason: fmt.Sprintf("serial %s is already on asset %s", clip(r.serial), tag)})
	}
	im.tags[r.tag] = rec.UID
	return nil
}

// nextAudit is the row's Next Audit Date, or, when it is blank and the row
// gives a Last Audit later than the asset's (lastAudit, "" for a new
// asset), that audit plus the desk's audit interval, as a stocktake sets
// it (the KPIs count audits overdue by it; Snipe-IT leaves the date blank
// where no audit schedule is set). An asset whose audit the row repeats
// keeps its next audit (an export re-imported changes nothing).
func (im *importer) nextAudit(r *srow, lastAudit string) string {
	if r.nextAudit != "" || r.lastAudit == "" || r.lastAudit <= lastAudit {
		return r.nextAudit // (the audit the desk has: its next stands)
	}
	return addMonths(r.lastAudit, im.auditMonths)
}

// registerTag is the tag of the register's asset the row is (Update): the
// one asset imported with the row's Snipe-IT ID, else its tag, or for a
// tagless row the one asset of its model with its serial; "" when it is a
// new asset. tagdesk does not retag: a row whose ID is an asset of another
// tag (retagged in Snipe-IT), or whose tag is an asset imported with
// another ID (a tag Snipe-IT gave another asset since), is refused rather
// than made a second asset or taken for another.
func (im *importer) registerTag(r *srow) (string, error) {
	id := snipeID(customValue(r.custom, SnipeITIDField))
	if a := im.snipeIDs[id]; id != "" && a.tag != "" {
		if r.tag != "" && r.tag != a.tag {
			return "", im.rowErr(r, fTag, conflict("Snipe-IT ID %s is asset %s here, and this row tags it %s (retagged in Snipe-IT?): an update does not change an asset's tag, which its labels carry; give the row the tag %s to update it (or, for an asset of another Snipe-IT, whose IDs are its own, rename the file's ID column)", clip(id), a.tag, r.tag, a.tag))
		}
		if r.tag == "" && r.serial != "" && a.serial != "" && !strings.EqualFold(r.serial, a.serial) {
			// (A tagless row is its asset by the ID alone: one whose serial
			// says otherwise is another Snipe-IT's asset of that ID.)
			return "", im.rowErr(r, fSerial, conflict("Snipe-IT ID %s is asset %s here, whose serial is %s, not %s: an asset of another Snipe-IT? give the row its tag (or rename the file's ID column, whose IDs are that Snipe-IT's own)", clip(id), a.tag, clip(a.serial), clip(r.serial)))
		}
		return a.tag, nil
	}
	if r.tag != "" {
		if _, ok := im.taken[r.tag]; !ok {
			return "", nil
		}
		if id == "" {
			return r.tag, nil
		}
		// (Not found by its ID: is the asset of its tag another's?)
		var have string
		if err := im.w.queryRow(`SELECT coalesce(json_extract(custom, '$."Snipe-IT ID"'), '') FROM assets WHERE tag = ?`, r.tag).Scan(&have); err != nil {
			return "", fmt.Errorf("read asset: %w", err)
		}
		if have != "" && snipeID(have) != id && !slices.Contains(snipeIDForms(id, r.idCell), have) {
			return "", im.rowErr(r, fTag, conflict("%s is the asset imported with Snipe-IT ID %s, and this row's ID is %s: in Snipe-IT the tag is on another asset now (retagged?); an update does not change an asset's tag, nor which Snipe-IT asset it is", r.tag, clip(have), clip(id)))
		}
		return r.tag, nil
	}
	if r.serial == "" || im.tagless[taglessKey(r)] > 1 {
		return "", nil
	}
	if _, ok := im.serials[strings.ToUpper(r.serial)]; !ok {
		return "", nil
	}
	model := "" // a row that names no model is the one asset with its serial
	if r.model != "" || r.modelNo != "" {
		var err error
		if model, err = im.modelUID(r); err != nil {
			return "", im.rowErr(r, fModel, err)
		}
	}
	return im.sameDevice(r.serial, model)
}

// update makes the register's asset tag what the row says of it (Update):
// the fields its cells give, its status, its disposal, and whom it is
// checked out to (one into another asset waits, as a new asset's does:
// updateCustody). A blank cell changes nothing. An asset checked out here
// whose row names no holder came back if the file has holder columns (it
// says who has each asset), and stays out if it has none. changed says
// whether it changed the asset.
func (im *importer) update(r *srow, tag string) (changed bool, err error) {
	w := im.w
	r.updated = true
	if r.tag == "" {
		r.tag, r.matched = tag, true
	}
	uid, a, err := w.assetByTag(tag)
	if err != nil {
		if w.queryRow(`SELECT uid FROM assets WHERE tag = ? AND status = ?`, tag, StatusDisposed).Scan(&uid) != nil {
			return false, im.rowErr(r, fTag, err)
		}
		// A disposal is final: a row that has it gone changes nothing (a
		// disposal, or a status of Archived: Snipe-IT has no disposed
		// status, and an export writes a disposed asset so); one that has
		// it in use is refused.
		if r.co != coNone || r.statusGiven && r.status != StatusRetired {
			return false, im.rowErr(r, fStatus, err)
		}
		r.uid, im.tags[r.tag] = uid, uid
		// Its other cells are not applied either: said where they differ
		// (an edit made in the file to a disposed asset was counted
		// "unchanged").
		var name, serial, notes, costCentre, orderNo, bought, cost, warranty, eol, po string
		if err := w.queryRow(`SELECT a.name, coalesce(a.serial, ''), a.notes, a.cost_centre, a.order_number, a.purchase_date, a.purchase_cost, a.warranty_end, a.eol_date, coalesce(o.number, '')
			FROM assets a LEFT JOIN purchase_orders o ON o.id = a.po_id WHERE a.uid = ?`, uid).
			Scan(&name, &serial, &notes, &costCentre, &orderNo, &bought, &cost, &warranty, &eol, &po); err != nil {
			return false, fmt.Errorf("read asset: %w", err)
		}
		rowOrderNo := r.orderNo
		if r.purchaseOrder != "" && strings.EqualFold(strings.TrimSpace(rowOrderNo), r.purchaseOrder) {
			rowOrderNo = "" // the order's number, written there for Snipe-IT (as for an asset in use)
		}
		var differ []string
		for _, c := range []struct {
			f         sfield
			row, have string
		}{{fName, r.name, name}, {fSerial, r.serial, serial}, {fNotes, r.notes, notes}, {fCostCentre, r.costCentre, costCentre},
			{fOrderNo, rowOrderNo, orderNo}, {fPurchaseDate, r.purchaseDate, bought}, {fCost, r.cost, cost},
			{fWarrantyEnd, r.warrantyEnd, warranty}, {fEOL, r.eol, eol}, {fPurchaseOrder, r.purchaseOrder, po}} {
			v, have := strings.TrimSpace(c.row), strings.TrimSpace(c.have)
			if c.f == fNotes {
				v, have = strings.ReplaceAll(v, "\r\n", "\n"), strings.ReplaceAll(have, "\r\n", "\n") // (sameLinesAsStored)
			}
			if v != "" && v != have && !((c.f == fSerial || c.f == fPurchaseOrder) && strings.EqualFold(v, have)) {
				differ = append(differ, im.h.colName(c.f))
			}
		}
		if len(differ) > 0 {
			r.warns = append(r.warns, RowError{Line: r.line, Column: differ[0], Reason: fmt.Sprintf("%s is disposed, and a disposal is final: %s not changed", tag, strings.Join(differ, ", "))})
		}
		return false, nil
	}
	r.uid, im.tags[r.tag] = uid, uid
	if _, err := im.past(r.lastAudit, "last audit"); err != nil {
		return false, im.rowErr(r, fLastAudit, err)
	}
	var lastAudit, po, notes, custom string
	if err := w.queryRow(`SELECT a.last_audit, coalesce(o.number, ''), a.notes, a.custom FROM assets a LEFT JOIN purchase_orders o ON o.id = a.po_id WHERE a.id = ?`, a.id).Scan(&lastAudit, &po, &notes, &custom); err != nil {
		return false, fmt.Errorf("read asset: %w", err)
	}
	fields, refs := map[string]string{}, map[string]string{}
	// The order it came on, read as receive reads it: the Purchase Order
	// column's (made if the desk has none of that number), else an Order
	// Number that is the number of an order the desk has. A blank cell,
	// or an Order Number of no order here, leaves the asset's order alone.
	orderNo := r.orderNo
	switch {
	case r.purchaseOrder != "":
		if strings.EqualFold(strings.TrimSpace(orderNo), r.purchaseOrder) {
			orderNo = "" // the order's number, written there for Snipe-IT (as receive reads it)
		}
		if !strings.EqualFold(po, r.purchaseOrder) {
			uid, err := im.poUID(r.purchaseOrder)
			if err == nil && uid == "" {
				uid, err = im.makePO(r)
			}
			if err != nil {
				return false, im.rowErr(r, fPurchaseOrder, err)
			}
			refs["purchase_order"] = uid
		}
	case orderNo != "":
		uid, err := im.poUID(orderNo)
		if err != nil {
			return false, err
		}
		if uid != "" {
			refs["purchase_order"] = uid
		}
	}
	for k, v := range map[string]string{"name": r.name, "serial": r.serial, "notes": r.notes, "cost_centre": r.costCentre,
		"order_number": orderNo, "purchase_date": r.purchaseDate, "purchase_cost": r.cost, "currency": r.currency,
		"warranty_end": r.warrantyEnd, "eol_date": r.eol, "last_audit": r.lastAudit, "next_audit": im.nextAudit(r, lastAudit)} {
		if v != "" {
			fields[k] = v
		}
	}
	for k, v := range r.custom {
		fields["custom:"+k] = v
	}
	if err := sameLinesAsStored(fields, notes, custom); err != nil {
		return false, err
	}
	if r.model != "" || r.modelNo != "" {
		if refs["model"], err = im.modelUID(r); err != nil {
			return false, im.rowErr(r, fModel, err)
		}
	}
	if r.supplier != "" {
		if refs["supplier"], err = im.ensureNamed("suppliers", r.supplier); err != nil {
			return false, im.rowErr(r, fSupplier, err)
		}
	}
	// Where it belongs: Home, else Location (Snipe-IT's default
	// location); where it is: Current Location (a tagdesk export), else,
	// unless it is checked out, Location.
	var place string
	for _, c := range []struct {
		f          sfield
		code, name string
	}{{fLocation, r.locationCode, r.location}, {fHome, r.homeCode, r.home}, {fCurrentCode, r.currentCode, r.current}} {
		if c.code == "" && (c.name == "" || c.f == fCurrentCode) {
			continue // (a current place is read by its code, as a receipt reads it)
		}
		nameCol := c.f
		if c.f == fCurrentCode {
			nameCol = fCurrent
		}
		l, err := im.location(r, nameCol, c.code, c.name)
		if err != nil {
			return false, im.rowErr(r, c.f, err)
		}
		switch c.f {
		case fCurrentCode:
			place, r.currentUID = l.code, l.uid
		case fLocation:
			place = l.code
			if im.h.has(fHomeCode) {
				break // (a tagdesk export says the home in its own columns)
			}
			fallthrough
		default:
			refs["home_location"] = l.uid
		}
	}
	fail := func(f sfield, err error) (bool, error) { return false, im.rowErr(r, f, err) }
	if changed, err = w.updateAssetRefs(r.tag, fields, refs); err != nil {
		return fail(fIgnored, err)
	}
	r.place = place
	// Retiring and disposing of it wait until every other row is done
	// (retireOrDispose): a part the file takes out of it is out by then.
	r.later = r.disposal != nil || r.co == coNone && r.statusGiven && r.status == StatusRetired && a.status != StatusRetired
	switch {
	case r.later:
	case r.co != coNone:
		if r.co == coAsset {
			return changed, nil // updateCustody, once every asset is in
		}
		moved, err := im.updateCustody(r)
		return changed || moved, err
	case a.status == StatusDeployed && im.h.namesHolders() && !r.holderUnread: // (a holder it cannot read is not "nobody")
		// The file says who has each asset, and no one has this one: it
		// came back, in the state its status says.
		cond, ok := map[Status]string{StatusInStock: ConditionOK, StatusInRepair: ConditionRepair, StatusRetired: ConditionRetire, StatusMissing: ConditionMissing}[r.status]
		if !ok {
			return fail(fStatus, invalid("%s is checked out to %s here; the row names no holder, and a check-in cannot make it %s", a.tag, a.holder, r.status.Label()))
		}
		if err := w.checkIn(r.tag, CheckInOptions{Location: place, Condition: cond, reason: im.said("names no holder")}); err != nil {
			return fail(fStatus, err)
		}
		changed = true
	case !r.statusGiven || a.status == r.status || a.status == StatusDeployed && r.status == StatusInStock:
		// (Snipe-IT says Ready to Deploy of an asset checked out.)
	case a.status == StatusDeployed:
		return fail(fStatus, invalid("%s is checked out to %s here; the row says %s, and the file does not say to whom: check it in first, or give the file its holder columns", a.tag, a.holder, r.status.Label()))
	default:
		if err := w.setStatus(r.tag, r.status, im.said("says so")); err != nil {
			return fail(fStatus, err)
		}
		changed = true
	}
	if place != "" && (r.currentUID != "" && !r.later || a.status != StatusDeployed) {
		// (One checked out goes where its row says when it is checked in.)
		moved, err := w.move(r.tag, place)
		if err != nil {
			return fail(fLocation, err)
		}
		changed = changed || moved
	}
	return changed, nil
}

// retireOrDispose ends the update of a row that retires or disposes of
// its asset (update), once every other row is done: the parts the file
// takes out of it are out. One checked out here is checked in first if
// the file says who has each asset (and names no one for it).
func (im *importer) retireOrDispose(r *srow) error {
	w := im.w
	_, a, err := w.assetByTag(r.tag)
	if err != nil {
		return im.rowErr(r, fTag, err)
	}
	col := fStatus
	if r.disposal != nil {
		col = fDisposalMethod
	}
	switch {
	case a.status == StatusDeployed && im.h.namesHolders():
		err = w.checkIn(r.tag, CheckInOptions{Location: r.place, Condition: ConditionRetire, reason: im.said("names no holder")})
	case a.status == StatusDeployed && r.disposal == nil:
		err = invalid("%s is checked out to %s here; the row says %s, and the file does not say to whom: check it in first, or give the file its holder columns", a.tag, a.holder, r.status.Label())
	case a.status != StatusRetired:
		err = w.setStatus(r.tag, StatusRetired, im.said("says so"))
	}
	if err != nil {
		return im.rowErr(r, col, err)
	}
	if r.disposal == nil {
		return nil
	}
	p := DisposePayload{Method: r.disposal.Method, Certificate: r.disposal.Certificate, Vendor: r.disposal.Vendor}
	if p.On, err = im.past(r.disposal.DisposedAt, "disposal date"); err != nil {
		return im.rowErr(r, fDisposalDate, err)
	}
	if err := w.dispose(r.tag, p); err != nil {
		return im.rowErr(r, fDisposalMethod, err)
	}
	return nil
}

// said is what the import (of its file) did, as a check-in's reason says it.
func (im *importer) said(what string) string {
	if im.source != "" {
		return "the import of " + im.source + " " + what
	}
	return "the import " + what
}

// updateCustody checks an asset of the register out as its row says,
// checking it in first from anyone else (Update); changed is false when it
// is checked out to them already.
func (im *importer) updateCustody(r *srow) (changed bool, err error) {
	w := im.w
	_, a, err := w.assetByTag(r.tag)
	if err != nil {
		return false, err
	}
	p, col, err := im.checkOut(r)
	if err != nil {
		return false, im.rowErr(r, col, err)
	}
	switch a.status {
	case StatusDeployed:
		if a.held == p.To {
			if p.Due != "" {
				var due string
				if err := w.queryRow(`SELECT due_date FROM assets WHERE id = ?`, a.id).Scan(&due); err != nil {
					return false, fmt.Errorf("read due date: %w", err)
				}
				if due != p.Due {
					r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fExpectedCheckin), Reason: fmt.Sprintf("expected back %s here, %s in the file: kept (a loan is extended by checking it in and out again)", orNone(due), p.Due)})
				}
			}
			// Where a fresh import would have it: its Current Location,
			// else with a person, where they are (else the row's Location).
			place, col := r.currentCode, fCurrentCode
			if place == "" && r.co == coPerson {
				place, col = r.place, fLocation
				if p.LocationUID != "" {
					if err := w.queryRow(`SELECT code FROM locations WHERE uid = ?`, p.LocationUID).Scan(&place); err != nil {
						return false, fmt.Errorf("read location: %w", err)
					}
				}
			}
			if place == "" {
				return false, nil
			}
			moved, err := w.move(r.tag, place)
			if err != nil {
				return false, im.rowErr(r, col, err)
			}
			return moved, nil
		}
		if name, ok := im.newPeople[p.To]; ok && a.custP.Valid {
			// A person the import made, named as the one who has it here:
			// most likely that person, whose username or email changed.
			var holder string
			if err := w.queryRow(`SELECT name FROM people WHERE id = ?`, a.custP.Int64).Scan(&holder); err != nil {
				return false, fmt.Errorf("read holder: %w", err)
			}
			if strings.EqualFold(oneSpace(holder), name) {
				return false, im.rowErr(r, col, conflict("%s is checked out to %s here, and this row names another %s, whom this desk does not have (another username, email or badge): if it is the same person, change their details first (tagdesk person update), and import again", a.tag, a.holder, holder))
			}
		}
		if err := w.checkIn(r.tag, CheckInOptions{reason: im.said("checks it out to " + p.ToLabel)}); err != nil {
			return false, im.rowErr(r, col, err)
		}
	case StatusInStock:
	default:
		// In repair, missing or retired here; the file has it in use.
		if err := w.setStatus(r.tag, StatusInStock, im.said("checks it out to "+p.ToLabel)); err != nil {
			return false, im.rowErr(r, fStatus, err)
		}
	}
	if p.Since != "" {
		// A check-out dated before what this desk last recorded of the
		// asset's custody (its check-in, just now or earlier) is dated now:
		// history must not have it handed over before it came back.
		last := timestamp(w.at)
		if a.status == StatusInStock {
			if err := w.queryRow(`SELECT coalesce(max(at), '') FROM events WHERE subject = ? AND type IN (?, ?, ?, ?, ?)`, r.uid,
				EvAssetReceived, EvAssetCheckedIn, EvAssetCheckedOut, EvAssetStatus, EvAssetRetired).Scan(&last); err != nil {
				return false, fmt.Errorf("read history: %w", err)
			}
		}
		since := effectiveAt(p.Since, w.at)
		if len(p.Since) == len(dateLayout) { // a day alone: before only if an earlier day
			since, last = p.Since, LocalDay(last)
		}
		if since < last {
			r.passWarns = append(r.passWarns, RowError{Line: r.line, Column: im.h.colName(fLastCheckout), Reason: fmt.Sprintf("checkout date %s is before this desk's last record of the asset (%s): the check-out is dated now", p.Since, last[:min(len(last), 10)])})
			p.Since = ""
		}
	}
	if err := w.emit(EvAssetCheckedOut, r.uid, p); err != nil {
		return false, im.rowErr(r, col, err)
	}
	return true, w.carryParts(r.uid)
}

// after performs the row's check-out (unless folded into its receipt) or
// disposal.
func (im *importer) after(r *srow) (checkedOut, disposed bool, err error) {
	if r.disposal != nil {
		p := DisposePayload{UID: r.uid, Tag: r.tag, Method: r.disposal.Method, Certificate: r.disposal.Certificate, Vendor: r.disposal.Vendor}
		if p.On, err = im.past(r.disposal.DisposedAt, "disposal date"); err != nil {
			return false, false, im.rowErr(r, fDisposalDate, err)
		}
		if err := im.w.emit(EvAssetDisposed, r.uid, p); err != nil {
			return false, false, im.rowErr(r, fDisposalMethod, err)
		}
		return false, true, nil
	}
	if r.co == coNone || r.folded {
		return r.folded, false, nil
	}
	p, col, err := im.checkOut(r)
	if err == nil {
		err = im.w.emit(EvAssetCheckedOut, r.uid, p)
	}
	if err != nil {
		return false, false, im.rowErr(r, col, err)
	}
	return true, false, nil
}

// past returns day (YYYY-MM-DD, or "") if it has begun somewhere by the
// import's time: a check-out, audit or disposal cannot be dated in the
// future. A day a file gives alone is the day of the desk or the place
// that wrote it, which may be ahead of this desk's (a Sydney desk's export
// says the 29th while New York is still on the 28th); so it is in the
// future only once past today in the first zone of all (UTC+14).
func (im *importer) past(day, what string) (string, error) {
	if day > im.w.at.UTC().Add(14*time.Hour).Format(dateLayout) { // today at UTC+14, where each day begins first
		return "", invalid("%s %s is in the future", what, day)
	}
	return day, nil
}

// checkOut makes the row's check-out: its payload, and the column to blame
// if it fails.
func (im *importer) checkOut(r *srow) (CheckOutPayload, sfield, error) {
	p, col, err := im.checkOutTo(r)
	if err == nil && r.currentUID != "" {
		p.LocationUID = r.currentUID // where a tagdesk export says it is (moved since)
	}
	return p, col, err
}

// checkOutTo is checkOut's payload as the row's holder places it.
func (im *importer) checkOutTo(r *srow) (CheckOutPayload, sfield, error) {
	p := CheckOutPayload{UID: r.uid, Tag: r.tag, Due: r.due}
	var err error
	if p.Since, err = im.past(r.checkoutDate, "checkout date"); err != nil {
		return p, fLastCheckout, err
	}
	if at, err := time.Parse(time.RFC3339Nano, r.checkoutAt); p.Since != "" && err == nil && !at.After(im.w.at) {
		p.Since = r.checkoutAt // its time of day too ("2024-03-20 10:00:00")
	} else if p.Since > im.w.at.Local().Format(dateLayout) {
		// A day already begun where the file was written (Sydney's 29th,
		// New York's 28th): handed over by now, not at a midnight still
		// to come here, which a check-in a moment later would precede.
		p.Since = timestamp(im.w.at)
	}
	switch r.co {
	case coPerson:
		col := fFullName
		if !im.h.has(fFullName) {
			for _, f := range []sfield{fUsername, fEmail, fFirstName, fLastName, fBadge, fEmployeeNo} {
				if im.h.has(f) {
					col = f
					break
				}
			}
		}
		ref, err := im.person(r)
		if ic, ok := err.(inColumn); ok {
			if im.h.has(ic.f) {
				col = ic.f
			}
			err = ic.err
		}
		if err != nil {
			return p, col, err
		}
		p.ToKind, p.To, p.ToLabel, p.LocationUID = CustodianPerson, ref.uid, ref.label, ref.loc
		return p, col, nil
	case coLocation:
		l, err := im.location(r, fCheckoutLocation, r.coLocationCode, r.coLocation)
		if err != nil {
			return p, fCheckoutLocation, err
		}
		p.ToKind, p.To, p.ToLabel, p.LocationUID = CustodianLocation, l.uid, l.name+" ("+l.code+")", l.uid
		return p, fCheckoutLocation, nil
	case coAsset:
		if im.inFile[r.parentTag] && im.tags[r.parentTag] == "" {
			// Another row of the file names it, and that row was refused.
			return p, fParentTag, notFound("asset %s (on another row) was not imported", r.parentTag)
		}
		var parent, status string
		var loc sql.NullString
		err := im.w.queryRow(`SELECT a.uid, l.uid, a.status FROM assets a LEFT JOIN locations l ON l.id = a.location_id WHERE a.tag = ?`, r.parentTag).Scan(&parent, &loc, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return p, fParentTag, notFound("no asset with tag %s", r.parentTag)
		}
		if err != nil {
			return p, fParentTag, fmt.Errorf("look up %s: %w", r.parentTag, err)
		}
		if st := Status(status); st == StatusRetired || st == StatusDisposed {
			return p, fParentTag, invalid("%s is %s: nothing can be installed in it (check this asset in, or the parent out of retirement, first)", r.parentTag, st.Label())
		}
		// A parent on order was never received: nothing is in it yet (one
		// installed there already, by an older build, stays). A missing
		// parent is taken: the file says how things stand, and a part lost
		// with the server it is in (a desk's own export) comes in so.
		if st := Status(status); st == StatusOnOrder {
			var in bool
			if err := im.w.queryRow(`SELECT EXISTS (SELECT 1 FROM assets WHERE uid = ? AND custodian_asset_id = (SELECT id FROM assets WHERE uid = ?))`, r.uid, parent).Scan(&in); err != nil {
				return p, fParentTag, fmt.Errorf("read %s: %w", r.tag, err)
			}
			if !in {
				return p, fParentTag, parentAbsent(r.parentTag, st)
			}
		}
		p.ToKind, p.To, p.ToLabel, p.LocationUID = CustodianAsset, parent, r.parentTag, loc.String
		return p, fParentTag, nil
	}
	return p, fIgnored, Errorf(EINTERNAL, "line %d: no check-out to make", r.line)
}

// bulkIndexes drops the secondary indexes of table if a transaction is
// about to add at least as many rows as it holds, and at least
// bulkIndexRows: built once at the end, from sorted data, they cost less
// than kept up row by row. It returns the statements that rebuild them
// (rebuildIndexes), none if it kept them. Dropping an index drops its
// planner statistics too: if the table had some (a demo's, analysed when
// it was built), the rebuild ends by gathering them again, without the
// samples the store never keeps (dropSampleStats).
func bulkIndexes(w *wtx, table string, adding int) ([]string, error) {
	if adding < bulkIndexRows {
		return nil, nil
	}
	var have int
	if err := w.queryRow(`SELECT coalesce(max(id), 0) FROM ` + table).Scan(&have); err != nil {
		return nil, fmt.Errorf("count %s: %w", table, err)
	}
	if adding < have {
		return nil, nil
	}
	var stat1, stat4, stats bool
	if err := w.queryRow(`SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'),
		EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4')`).Scan(&stat1, &stat4); err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	if stat1 {
		if err := w.queryRow(`SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl = ?)`, table).Scan(&stats); err != nil {
			return nil, fmt.Errorf("read statistics: %w", err)
		}
	}
	qs, err := dropIndexes(w.ctx, w.tx, table)
	if err != nil || !stats {
		return qs, err
	}
	qs = append(qs, `ANALYZE "`+table+`"`)
	if stat4 {
		qs = append(qs, `DELETE FROM sqlite_stat4`, `ANALYZE sqlite_schema`)
	}
	return qs, nil
}

const bulkIndexRows = 10_000

// rebuildIndexes runs the statements bulkIndexes returned.
func rebuildIndexes(w *wtx, qs []string) error {
	for _, q := range qs {
		if _, err := w.tx.ExecContext(w.ctx, q); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	return nil
}

// customSuffix marks a custom field whose name is also a column's.
const customSuffix = " (custom field)"

// errRollback ends a write transaction without committing.
var errRollback = errors.New("roll back")

// ImportSnipeIT imports assets from a CSV file in Snipe-IT's asset import
// format. The whole file is validated first; if any row is bad, nothing is
// imported (unless opt.SkipInvalid) and the report lists every bad row.
// Everything else happens in one transaction, through events: the models,
// manufacturers, categories, suppliers, locations and people the file
// names, each asset's receipt, then the check-outs and disposals it
// describes.
// inRegister returns, of values, those some asset already has in col (tag
// or serial, compared upper-cased for serials as a scan is), each with the
// tag of an asset that has it: one statement rather than a query per row.
func inRegister(w *wtx, col string, values []string) (map[string]string, error) {
	found := map[string]string{}
	if len(values) == 0 {
		return found, nil
	}
	var any int
	if err := w.queryRow(`SELECT count(*) FROM (SELECT 1 FROM assets LIMIT 1)`).Scan(&any); err != nil {
		return nil, fmt.Errorf("check %ss: %w", col, err)
	}
	if any == 0 { // a first import: nothing to ask
		return found, nil
	}
	b, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("check %ss: %w", col, err)
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT `+col+`, tag FROM assets WHERE `+col+` IN (SELECT value FROM json_each(?)) ORDER BY id`, string(b))
	if err != nil {
		return nil, fmt.Errorf("check %ss: %w", col, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v, tag string
		if err := rows.Scan(&v, &tag); err != nil {
			return nil, fmt.Errorf("check %ss: %w", col, err)
		}
		if col == "serial" {
			v = strings.ToUpper(v)
		}
		if _, ok := found[v]; !ok {
			found[v] = tag
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("check %ss: %w", col, err)
	}
	return found, nil
}

// registered asks which of the file's tags and serials the register
// already uses. (The file's own tags are unique: readSnipeIT refuses a
// repeated one, and generated tags skip them.)
func (im *importer) registered(rows []*srow) error {
	tags := make([]string, 0, len(im.inFile))
	for t := range im.inFile {
		tags = append(tags, t)
	}
	var serials []string
	for _, r := range rows {
		if r.bad == nil && r.serial != "" {
			// As receive checks it: as written, upper- and lower-cased.
			serials = append(serials, r.serial)
			for _, v := range []string{strings.ToUpper(r.serial), strings.ToLower(r.serial)} {
				if v != r.serial {
					serials = append(serials, v)
				}
			}
		}
	}
	// The register's tags that are a new row's serial (receive's
	// notALabel): asked with the file's tags.
	for _, r := range rows {
		if t := NormalizeTag(r.serial); r.bad == nil && r.serial != "" && t != r.tag && !im.inFile[t] && ValidateTag(t) == nil {
			tags = append(tags, t)
		}
	}
	var err error
	if im.taken, err = inRegister(im.w, "tag", tags); err != nil {
		return err
	}
	// The codes a tag must not be (a scan names one thing): the desk's
	// location codes, badges and employee numbers (a scan finds them in
	// any case), few beside a file's rows, read at once.
	im.codes = map[string]string{}
	cr, err := im.w.tx.QueryContext(im.w.ctx, `SELECT code, `+locationCodeIs+` FROM locations
		UNION ALL SELECT badge, `+badgeIs+` FROM people WHERE badge IS NOT NULL
		UNION ALL SELECT upper(employee_no), 'the employee number of ' || name || ' (' || employee_no || ')' FROM people WHERE employee_no IS NOT NULL AND employee_no <> ''`)
	if err != nil {
		return fmt.Errorf("read codes: %w", err)
	}
	defer cr.Close()
	for cr.Next() {
		var code, what string
		if err := cr.Scan(&code, &what); err != nil {
			return fmt.Errorf("read codes: %w", err)
		}
		im.codes[code] = what
	}
	if err := cr.Err(); err != nil {
		return fmt.Errorf("read codes: %w", err)
	}
	if im.serials, err = inRegister(im.w, "serial", serials); err != nil {
		return err
	}
	// The serials a new badge or location code must not be (a scan reads
	// serials first): the file's, and the register's among the codes the
	// file names (asked now: a large import drops the serial index).
	im.serialCodes = map[string]string{}
	var codes []string
	for _, r := range rows {
		if r.bad != nil {
			continue
		}
		if r.serial != "" {
			what := "the asset on line " + strconv.Itoa(r.line)
			if r.tag != "" {
				what = "asset " + r.tag
			}
			im.serialCodes[strings.ToUpper(r.serial)] = what
		}
		for _, c := range []string{r.badge, r.locationCode, r.homeCode, r.coLocationCode, r.currentCode} {
			if c != "" {
				codes = append(codes, c, strings.ToLower(c))
			}
		}
		// (And the codes a location named without one would get.)
		for _, n := range [][2]string{{r.locationCode, r.location}, {r.homeCode, r.home}, {r.coLocationCode, r.coLocation}} {
			if n[0] == "" && n[1] != "" {
				c := codeFromName(n[1])
				codes = append(codes, c, strings.ToLower(c))
			}
		}
	}
	// The file's new tags may not be another asset's serial either, as
	// receive refuses a pre-printed one (checkTagScan): a scan of that
	// device's serial label would find the tagged asset. Asked with the
	// codes, as written and in lower case as notASerial asks.
	for t := range im.inFile {
		if _, update := im.taken[t]; !update {
			codes = append(codes, t, strings.ToLower(t))
		}
	}
	taken, err := inRegister(im.w, "serial", codes)
	for v, tag := range taken {
		im.serialCodes[v] = "asset " + tag
	}
	im.tagSerials = tagsThatAreSerials(rows, im.inFile, im.taken, taken)
	// A location made from a name takes none of them (ensureLocation).
	for code := range im.serialCodes {
		im.w.reserved[code] = true
	}
	if err != nil {
		return err
	}
	im.snipeIDs, err = im.registeredIDs(rows)
	return err
}

// registeredID is the asset of the register imported with a Snipe-IT ID:
// its tag ("" when several were) and serial.
type registeredID struct{ tag, serial string }

// snipeID is a Snipe-IT ID as compared: Snipe-IT's ids are numbers, and
// "012" is 12. An import keeps them so (parseSnipeID); an older tagdesk
// kept them as the file wrote them ("1007.0", "1,008"), read here as the
// number they are.
func snipeID(v string) string {
	v = strings.TrimSpace(v)
	if id, err := parseSnipeID(v); err == nil {
		return id
	}
	if t := strings.TrimLeft(v, "0"); v != "" && strings.Trim(v, "0123456789") == "" {
		if t == "" {
			return "0"
		}
		return t
	}
	return v
}

// parseSnipeID reads Snipe-IT's id of an asset (its ID column, a label's
// /hardware/ID link) as a spreadsheet may have written the number: with a
// zero fraction ("1007.0", "1007,00"), its thousands grouped ("1,008",
// "1.008", "1 008"), leading zeros ("01007"). It returns the number's
// digits ("1007"); a cell that no such reading makes one whole number
// from 1 ("10.5", "abc", "1,00,8") is refused, and so is one that two
// readings make two ("1,000": a thousand, or 1 with three decimals; an
// import settles those by the file's other IDs, settleIDs).
func parseSnipeID(v string) (string, error) {
	rs := snipeIDReadings(v)
	switch {
	case len(rs) == 0 || rs[0].id == "0":
		return "", invalid("%q is not a Snipe-IT asset id: a whole number from 1 (1007), as Snipe-IT writes it", clip(v))
	case len(rs) == 2 && rs[0].id != rs[1].id:
		return "", invalid("%q could be %s or %s (a spreadsheet's number format): write the ID as its digits alone", clip(v), rs[0].id, rs[1].id)
	}
	if _, err := strconv.ParseUint(rs[0].id, 10, 64); err != nil {
		return "", invalid("%q is too large for a Snipe-IT asset id (at most %d)", clip(v), uint64(math.MaxUint64))
	}
	return rs[0].id, nil
}

// idReading is a reading of an ID cell: the number's digits, and the
// marks it takes as a thousands separator and a decimal mark (0: none,
// or one that says nothing of the file's number format: a space).
type idReading struct {
	id         string
	group, dec byte
}

// snipeIDReadings are the readings parseSnipeID judges: the cell as
// digits grouped by one kind of separator, and as such a number with a
// zero fraction ("1,008.00").
func snipeIDReadings(v string) []idReading {
	s := strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u202f', '\'', '’':
			return ' ' // (a space, no-break or narrow, or an apostrophe, groups)
		}
		return r
	}, strings.TrimSpace(v))
	plain := func(d string) bool { return d != "" && strings.Trim(d, "0123456789") == "" }
	// whole reads digits grouped by one kind of separator (not but).
	whole := func(d string, but rune) (string, byte, bool) {
		var sep rune
		for _, r := range d {
			if r == ',' || r == '.' || r == ' ' {
				if sep != 0 && r != sep || r == but {
					return "", 0, false
				}
				sep = r
			}
		}
		if sep == 0 {
			return d, 0, plain(d)
		}
		g, ok := grouped(d, byte(sep))
		if sep == ' ' {
			sep = 0
		}
		return g, byte(sep), ok && plain(g)
	}
	var readings []idReading
	if n, g, ok := whole(s, 0); ok {
		readings = append(readings, idReading{id: n, group: g})
	}
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && i+1 < len(s) && strings.Trim(s[i+1:], "0") == "" {
		// A zero fraction: "1007.0", "1,008.00".
		if n, g, ok := whole(s[:i], rune(s[i])); ok {
			readings = append(readings, idReading{id: n, group: g, dec: s[i]})
		}
	}
	for i := range readings {
		if readings[i].id = strings.TrimLeft(readings[i].id, "0"); readings[i].id == "" {
			readings[i].id = "0"
		}
	}
	return readings
}

// twoWayID says whether parseSnipeID reads v two ways ("1,000", "2.000":
// a thousand, or 1 with three decimals), and the mark that groups its
// thousands in the reading as a thousand.
func twoWayID(v string) (byte, bool) {
	rs := snipeIDReadings(v)
	if len(rs) != 2 || rs[0].id == "0" || rs[0].id == rs[1].id {
		return 0, false
	}
	for _, rd := range rs {
		if rd.group != 0 && rd.dec == 0 {
			return rd.group, true
		}
	}
	return 0, true
}

// snipeIDForms are the ways an asset's Snipe-IT ID may be stored, for a
// lookup of id (as parseSnipeID gives it): so, or as an older tagdesk kept
// what the file wrote, in the forms parseSnipeID reads: a zero fraction
// ("1007.0", "1007,00"), thousands grouped ("1,007", "1.007", "1 007",
// with a no-break or narrow space, "1'007"), up to three leading zeros
// ("01007"), or raw, as written where it was read (a cell, a link).
func snipeIDForms(id, raw string) []string {
	forms := []string{id, id + ".0", id + ".00", id + ",0", id + ",00"}
	if len(id) > 3 {
		for _, sep := range []string{",", ".", " ", "\u00a0", "\u202f", "'", "’"} {
			var b strings.Builder
			for i, c := range id {
				if i > 0 && (len(id)-i)%3 == 0 {
					b.WriteString(sep)
				}
				b.WriteRune(c)
			}
			forms = append(forms, b.String())
		}
	}
	for z := "0"; len(z) <= 3; z += "0" {
		forms = append(forms, z+id)
	}
	if raw = strings.TrimSpace(raw); raw != "" && !slices.Contains(forms, raw) {
		forms = append(forms, raw)
	}
	return forms
}

// registeredIDs reads which of the file's Snipe-IT IDs the register's
// assets were imported with (the custom field Snipe-IT ID, index
// assets_snipeit_id), in one statement: each ID (snipeID) with its asset,
// tag "" when several have it (two Snipe-IT instances imported). An asset
// stored with the ID as it is ("1000") is the one; only when none is are
// the other forms an older tagdesk stored counted ("1000.0", "1 000"),
// and of those one that reads two ways ("1.000": a thousand, or 1) only
// when the file groups its IDs' thousands by that mark (idThousands).
func (im *importer) registeredIDs(rows []*srow) (map[string]registeredID, error) {
	found := map[string]registeredID{}
	var ids []string
	formOf := map[string]string{} // each form looked up: the ID it is a form of
	for _, r := range rows {
		if id := customValue(r.custom, SnipeITIDField); r.bad == nil && id != "" {
			id = snipeID(id)
			for _, f := range snipeIDForms(id, r.idCell) {
				if m, two := twoWayID(f); two && f != id && (m == 0 || im.h.idThousands(m).line == 0) {
					continue // ("1.000" may be 1: the file does not say)
				}
				if _, ok := formOf[f]; !ok {
					formOf[f] = id
					ids = append(ids, f)
				}
			}
		}
	}
	if len(ids) == 0 {
		return found, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("check Snipe-IT IDs: %w", err)
	}
	const id = `json_extract(custom, '$."Snipe-IT ID"')`
	q, err := im.w.tx.QueryContext(im.w.ctx, `SELECT `+id+`, tag, coalesce(serial, '') FROM assets WHERE `+id+` IN (SELECT value FROM json_each(?)) ORDER BY id`, string(b))
	if err != nil {
		return nil, fmt.Errorf("check Snipe-IT IDs: %w", err)
	}
	defer q.Close()
	exactly := map[string]bool{} // the IDs an asset is stored with as they are
	for q.Next() {
		var v string
		var a registeredID
		if err := q.Scan(&v, &a.tag, &a.serial); err != nil {
			return nil, fmt.Errorf("check Snipe-IT IDs: %w", err)
		}
		// (Keyed by the ID that looked it up: a stored "1,000", which
		// snipeID cannot read as one number, is the 1000 it matched.)
		id, ok := formOf[v]
		if !ok {
			id = snipeID(v)
		}
		switch exact := v == id; {
		case exact && !exactly[id]:
			exactly[id] = true
			found[id] = a // (the other forms' assets step aside)
		case !exact && exactly[id]:
		default:
			if _, two := found[id]; two {
				a.tag = ""
			}
			found[id] = a
		}
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("check Snipe-IT IDs: %w", err)
	}
	return found, nil
}

// tagsThatAreSerials maps each new tag of the file (inFile, not one of the
// register's, taken) that is another asset's serial to that asset: one of
// the register (found, by upper-cased serial, as inRegister gives them)
// or another row of the file (its serial upper-cased: a scan of "ft-9" is
// read as the tag FT-9). A row's own serial may be its tag.
func tagsThatAreSerials(rows []*srow, inFile map[string]bool, taken, found map[string]string) map[string]serialOf {
	out := map[string]serialOf{}
	for t := range inFile {
		if _, update := taken[t]; !update {
			if tag, ok := found[t]; ok {
				out[t] = serialOf{what: "asset " + tag}
			}
		}
	}
	for _, r := range rows {
		if r.bad != nil || r.serial == "" {
			continue
		}
		s := NormalizeTag(r.serial)
		if _, ok := out[s]; ok || s == r.tag || !inFile[s] {
			continue
		}
		if _, update := taken[s]; update {
			continue
		}
		if r.tag != "" {
			out[s] = serialOf{what: "asset " + r.tag, row: r}
		} else {
			out[s] = serialOf{what: "the asset on line " + strconv.Itoa(r.line), row: r}
		}
	}
	return out
}

// serialOf is the asset whose serial a tag is: said (what), and its row
// of the file (row; nil for the register's).
type serialOf struct {
	what string
	row  *srow
}

// notASerial refuses a new badge or location code that is a serial of the
// register or of the file (registered).
func (im *importer) notASerial(code string) error {
	if what, ok := im.serialCodes[code]; ok {
		return codeTaken(code, "the serial of "+what)
	}
	return nil
}

func (db *DB) ImportSnipeIT(ctx context.Context, r io.Reader, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{DryRun: opt.DryRun, Kind: KindAssets}
	rows, h, err := readSnipeIT(r, &rep, opt)
	if err != nil {
		return rep, err
	}
	if rep.Rows == 0 {
		return rep, invalid("the file has a header but no rows")
	}
	if err := db.read(ctx, func(w *wtx) error { return knownFields(w, h, rows) }); err != nil {
		return rep, err
	}
	inFile := make(map[string]bool, len(rows))
	reserved := map[string]bool{} // (codes a location made from a name must leave free)
	codeNames, tagless := map[string]codeName{}, map[string]int{}
	numbers := map[string]map[string]bool{} // model name → the numbers the file gives it
	for _, r := range rows {
		if r.bad == nil && r.tag == "" && r.serial != "" {
			tagless[taglessKey(r)]++
		}
		if r.bad == nil && r.model != "" && r.modelNo != "" {
			k := strings.ToLower(r.model)
			if numbers[k] == nil {
				numbers[k] = map[string]bool{}
			}
			numbers[k][strings.ToLower(r.modelNo)] = true
		}
		for _, c := range []struct {
			f          sfield
			code, name string
		}{{fLocation, r.locationCode, r.location}, {fHome, r.homeCode, r.home}, {fCheckoutLocation, r.coLocationCode, r.coLocation}, {fCurrent, r.currentCode, r.current}} {
			if c.code != "" && c.name != "" && codeNames[c.code].name == "" {
				codeNames[c.code] = codeName{c.name, r.line, c.f}
			}
		}
	}
	if opt.Update {
		// Rows --update cannot find in the register: each run adds them.
		// (A Snipe-IT ID the file gives one row finds its asset the next
		// time; one given to several rows finds none of them.)
		ids := map[string]int{}
		for _, r := range rows {
			if id := snipeID(customValue(r.custom, SnipeITIDField)); r.bad == nil && id != "" {
				ids[id]++
			}
		}
		n, first := 0, 0
		for _, r := range rows {
			if r.bad == nil && r.tag == "" && (r.serial == "" || tagless[taglessKey(r)] > 1) && ids[snipeID(customValue(r.custom, SnipeITIDField))] != 1 {
				if n++; n == 1 {
					first = r.line
				}
			}
		}
		if n > 0 {
			h.notes = append(h.notes, RowError{Line: first, Reason: fmt.Sprintf("%d row(s) have neither a tag nor a serial of their own (here line %d): --update cannot tell them from new assets, so each run of the file adds them again; give them tags", n, first)})
		}
	}
	for i := range rows {
		if rows[i].tag != "" {
			inFile[rows[i].tag] = true
			reserved[rows[i].tag] = true
		}
		if rows[i].badge != "" {
			reserved[rows[i].badge] = true
		}
	}
	badBefore := 0
	for i := range rows {
		if rows[i].bad != nil {
			badBefore++
		}
	}
	// Performing the rows can refuse some more (a tag already in the
	// database, an ambiguous name). Without SkipInvalid one pass finds them
	// all and rolls back; with it, the pass is redone without the bad rows
	// until one goes through (each retry drops at least one more row).
	const maxPasses = 8
	for pass := 1; badBefore < MaxReportedRows || opt.SkipInvalid; pass++ {
		// (With more bad rows than a report lists, and nothing to import,
		// performing the rest would only find more.)
		var done ImportReport
		newBad := 0
		// Progress counts the rows' steps and then the finish (the events
		// stored in bulk, the indexes rebuilt, the commit), as half as
		// many again: "100%" came with a third of the time still to run.
		span := 0
		unifyPeople(rows) // (without the rows refused so far)
		_, err := db.writeAlone(ctx, func(w *wtx) error {
			im := &importer{w: w, h: h, named: map[string]string{}, models: map[string]string{}, modelInfo: map[string][3]string{}, locs: map[string]locRef{},
				people: map[string]personRef{}, byName: map[string][]personRef{}, tags: make(map[string]string, len(rows)), inFile: inFile, codeNames: codeNames, tagless: tagless, modelNumbers: numbers,
				source: sourceName(opt.Source), updating: opt.Update, newPeople: map[string]string{}}
			// Ids found are cached (the search index is rebuilt once, at
			// commit), and the events are stored in bulk at the end.
			w.ids = map[string]int64{}
			w.reserved = maps.Clone(reserved) // (this pass's serials join it: registered)
			w.deferEvents, w.tally = true, map[EventType]int{}
			// New assets are written 64 rows to a statement, each row with
			// its check-out folded in (receive).
			w.receipts = wholeRows()
			var err error
			if im.scheme, err = w.tagScheme(); err != nil {
				return err
			}
			im.nextN = im.scheme.Next
			if im.auditMonths, err = w.auditMonths(); err != nil {
				return err
			}
			if err := im.registered(rows); err != nil {
				return err
			}
			total, good := 0, 0
			for i := range rows {
				if rows[i].bad == nil {
					total++
					good++
					if rows[i].co != coNone || rows[i].disposal != nil {
						total++
					}
				}
			}
			span = total + total/2
			w.deferred = slices.Grow(w.deferred, min(total, deferChunk)) // no copying as it grows
			for _, row := range rows {
				if row.bad != nil {
					continue
				}
				row.received, row.folded, row.uid, row.passWarns, row.updated, row.later, row.place = false, false, "", nil, false, false, ""
				if row.genTag || row.matched { // generated, or found, afresh in each pass
					row.tag, row.matched = "", false
				}
			}
			n := 0
			tick := func() error {
				n++
				if n%1000 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
					if opt.Progress != nil {
						opt.Progress(n, span)
					}
				}
				return nil
			}
			// finish performs a received row's check-out or disposal and counts it.
			finish := func(row *srow) error {
				out, gone, err := im.after(row)
				if err != nil {
					return err
				}
				switch {
				case row.failed:
					newBad++
				case out:
					done.CheckedOut++
				case gone:
					done.Disposed++
				}
				return tick()
			}
			// Rows of assets the register has update them first (their
			// lookups want the indexes a large import drops).
			for _, row := range rows {
				if row.bad != nil || !opt.Update {
					continue
				}
				tag, err := im.registerTag(row)
				if err != nil {
					return err
				}
				if tag == "" || row.failed {
					if row.failed {
						newBad++
					}
					continue
				}
				if row.changed, err = im.update(row, tag); err != nil {
					return err
				}
				switch {
				case row.failed:
					newBad++
				case row.co == coAsset || row.later: // (counted once done)
				case row.changed:
					done.Updated++
				default:
					done.Unchanged++
				}
				if err := tick(); err != nil {
					return err
				}
			}
			// A large import into a small register builds the secondary
			// indexes of the assets and the events once, at the end.
			assetIndexes, err := bulkIndexes(w, "assets", good-done.Updated-done.Unchanged)
			if err != nil {
				return err
			}
			eventIndexes, err := bulkIndexes(w, "events", total)
			if err != nil {
				return err
			}
			for i := range rows {
				row := rows[i]
				if row.bad != nil || row.updated {
					continue
				}
				if err := im.receive(row); err != nil {
					return err
				}
				if row.failed {
					newBad++
				} else {
					done.Imported++
				}
				if err := tick(); err != nil {
					return err
				}
				// Check-outs (folded into the receipt, but counted apart)
				// and disposals follow their receipt at once; a check-out
				// into another asset waits until every asset is in.
				if !row.received || row.co == coAsset || (row.co == coNone && row.disposal == nil) {
					continue
				}
				if err := finish(row); err != nil {
					return err
				}
			}
			if err := w.flushReceipts(); err != nil {
				return err
			}
			if err := rebuildIndexes(w, assetIndexes); err != nil {
				return err
			}
			for i := range rows {
				row := rows[i]
				switch {
				case row.bad != nil || row.co != coAsset:
				case row.updated:
					changed, err := im.updateCustody(row)
					if err != nil {
						return err
					}
					switch {
					case row.failed:
						newBad++
					case changed || row.changed:
						done.Updated++
					default:
						done.Unchanged++
					}
				case row.received:
					if err := finish(row); err != nil {
						return err
					}
				}
			}
			for _, row := range rows {
				if row.bad != nil || !row.later {
					continue
				}
				if err := im.retireOrDispose(row); err != nil {
					return err
				}
				if row.failed {
					newBad++
				} else {
					done.Updated++
				}
			}
			if opt.Progress != nil {
				opt.Progress(total, span)
			}
			if im.gen > 0 {
				if err := w.putSetting(SettingTagNext, strconv.FormatInt(im.nextN, 10)); err != nil {
					return err
				}
			}
			done.GeneratedTags = im.gen
			if err := w.flushDeferred(); err != nil {
				return err
			}
			if opt.Progress != nil {
				opt.Progress(total+(span-total)/2, span)
			}
			if err := rebuildIndexes(w, eventIndexes); err != nil {
				return err
			}
			if opt.Progress != nil {
				opt.Progress(span-1, span)
			}
			rollback := newBad > 0 || (badBefore > 0 && !opt.SkipInvalid) || opt.DryRun
			for _, e := range w.emitted {
				w.tally[e.Type]++
			}
			done.Created = ImportCreated{Models: w.tally[EvModelCreated], Manufacturers: w.tally[EvManufacturerCreated], Categories: w.tally[EvCategoryCreated],
				Suppliers: w.tally[EvSupplierCreated], Locations: w.tally[EvLocationCreated], People: w.tally[EvPersonCreated],
				PurchaseOrders: w.tally[EvPOCreated]}
			if rollback {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			return rep, err
		}
		if opt.Progress != nil && span > 0 {
			opt.Progress(span, span) // committed (or rolled back)
		}
		rep.Imported, rep.CheckedOut, rep.Disposed, rep.GeneratedTags, rep.Created = done.Imported, done.CheckedOut, done.Disposed, done.GeneratedTags, done.Created
		rep.Updated, rep.Unchanged = done.Updated, done.Unchanged
		if newBad == 0 {
			break
		}
		// Rows refused while performing them are bad rows from now on.
		for i := range rows {
			if rows[i].failed {
				rows[i].failed = false
				badBefore++
			}
		}
		if !opt.SkipInvalid {
			break
		}
		if pass == maxPasses {
			collectBad(rows, h.notes, &rep)
			return rep, invalid("gave up after %d passes: rows keep failing once others are skipped; nothing imported", pass)
		}
	}
	collectBad(rows, h.notes, &rep)
	if rep.BadRows > 0 && !opt.SkipInvalid {
		rep.Imported, rep.CheckedOut, rep.Disposed, rep.GeneratedTags, rep.Created = 0, 0, 0, 0, ImportCreated{}
		rep.Updated, rep.Unchanged = 0, 0
		return rep, invalid("%d bad row(s) of %d; nothing imported", rep.BadRows, rep.Rows)
	}
	return rep, nil
}

// knownFields names the file's custom columns as the desk's fields of the
// same name in another case ("os" is the field OS): an asset's values must
// sit under the one name, which the export writes.
func knownFields(w *wtx, h *csvHeader, rows []*srow) error {
	rename := map[string]string{}
	for i, name := range h.custom {
		if name == "" {
			continue
		}
		known, err := w.fieldName(name)
		if err != nil {
			return err
		}
		if known != name {
			rename[name], h.custom[i] = known, known
		}
	}
	for _, f := range []sfield{fCompany, fRequestable, fBYOD, fID} { // (Snipe-IT's, kept as custom fields)
		if name := keptName(f); h.has(f) {
			known, err := w.fieldName(name)
			if err != nil {
				return err
			}
			if known != name {
				rename[name] = known
			}
		}
	}
	if len(rename) == 0 {
		return nil
	}
	for _, r := range rows {
		for from, to := range rename {
			if v, ok := r.custom[from]; ok {
				delete(r.custom, from)
				r.custom[to] = v
			}
		}
	}
	return nil
}

func collectBad(rows []*srow, notes []RowError, rep *ImportReport) {
	rep.Bad, rep.Warnings, rep.BadRows, rep.InRegister = []RowError{}, append([]RowError{}, notes...), 0, 0
	rep.WarningCount = len(notes)
	for i := range rows {
		if rows[i].bad != nil {
			rep.BadRows++
			if rows[i].inRegister {
				rep.InRegister++
			}
			if len(rep.Bad) < MaxReportedRows {
				rep.Bad = append(rep.Bad, *rows[i].bad)
			}
		} else {
			for _, w := range append(rows[i].warns, rows[i].passWarns...) {
				rep.WarningCount++
				if len(rep.Warnings) < MaxReportedRows {
					rep.Warnings = append(rep.Warnings, w)
				}
			}
		}
	}
	sort.SliceStable(rep.Bad, func(i, j int) bool { return rep.Bad[i].Line < rep.Bad[j].Line })
}

// snipeExportColumns are the columns ExportSnipeIT writes before the
// custom fields (Snipe-IT's English labels), and after them (tagdesk's
// extras, which Snipe-IT treats as unknown custom fields).
var snipeExportColumns = []sfield{
	fTag, fName, fSerial, fModel, fModelNo, fCategory, fManufacturer, fStatus, fLocation, fSupplier, fOrderNo,
	fCost, fPurchaseDate, fWarrantyMonths, fEOL, fCheckoutType, fFullName, fEmail, fUsername, fCheckoutLocation,
	fLastCheckout, fExpectedCheckin, fLastAudit, fNextAudit, fNotes,
}

var snipeExportExtras = []sfield{
	fWarrantyEnd, fCurrency, fCostCentre, fLocationCode, fHome, fHomeCode, fCheckoutLocationCode, fBadge, fEmployeeNo, fParentTag,
	fDisposalMethod, fDisposalCertificate, fDisposalVendor, fDisposalDate, fCurrent, fCurrentCode, fPurchaseOrder,
}

const snipeExportQuery = `SELECT a.tag, coalesce(a.serial, ''), a.name, coalesce(m.name, ''), coalesce(m.model_number, ''),
	coalesce(cat.name, ''), coalesce(mf.name, ''), a.status,
	coalesce(l.code, ''), coalesce(l.name, ''), coalesce(hl.code, ''), coalesce(hl.name, ''),
	coalesce(s.name, ps.name, ''), coalesce(nullif(a.order_number, ''), po.number, ''), a.purchase_cost, a.currency, a.purchase_date, a.warranty_end, a.eol_date,
	coalesce(p.name, ''), coalesce(p.email, ''), coalesce(p.username, ''), coalesce(p.badge, ''), coalesce(p.employee_no, ''),
	a.custodian_person_id IS NOT NULL, coalesce(cl.name, ''), coalesce(cl.code, ''), coalesce(ca.tag, ''),
	a.checked_out_at, a.due_date, a.last_audit, a.next_audit, a.notes, a.custom, a.cost_centre,
	coalesce(d.method, ''), coalesce(d.certificate, ''), coalesce(d.vendor, ''), coalesce(d.disposed_at, ''), coalesce(po.number, '')
	FROM assets a
	LEFT JOIN models m ON m.id = a.model_id
	LEFT JOIN manufacturers mf ON mf.id = m.manufacturer_id
	LEFT JOIN categories cat ON cat.id = m.category_id
	LEFT JOIN locations l ON l.id = a.location_id
	LEFT JOIN locations hl ON hl.id = a.home_location_id
	LEFT JOIN people p ON p.id = a.custodian_person_id
	LEFT JOIN locations cl ON cl.id = a.custodian_location_id
	LEFT JOIN assets ca ON ca.id = a.custodian_asset_id
	LEFT JOIN suppliers s ON s.id = a.supplier_id
	LEFT JOIN purchase_orders po ON po.id = a.po_id
	LEFT JOIN suppliers ps ON ps.id = po.supplier_id
	LEFT JOIN disposals d ON d.asset_id = a.id
	ORDER BY a.id`

// ExportSnipeIT writes every asset as CSV in Snipe-IT's asset import
// headers (English labels), then one column per custom field, then
// tagdesk's extras (warranty end, currency, cost centre, location code,
// home location, badge, employee number, parent asset, disposal), which our import maps
// back. It streams: memory does not grow with the number of assets. It
// returns the number of assets written.
func (db *DB) ExportSnipeIT(ctx context.Context, out io.Writer) (int, error) {
	rep, err := db.ExportSnipeITReport(ctx, out)
	return rep.Rows, err
}

// ExportReport is what an export wrote, and what of it Snipe-IT or a
// re-import cannot take as it is.
type ExportReport struct {
	Rows     int      `json:"rows"`
	InAssets int      `json:"in_assets"` // checked out to other assets: Snipe-IT's importer leaves them unassigned
	Namesake []string `json:"namesakes"` // names of holders a re-import cannot tell from a namesake
	// Places is each name two or more places share (case aside), with
	// their codes: Snipe-IT knows a location by its name alone, so its
	// importer makes them one place (tagdesk's import reads the codes).
	Places []string `json:"shared_place_names,omitempty"`
}

// Warnings says in words what the report found.
func (r ExportReport) Warnings() []string {
	var out []string
	if r.InAssets > 0 {
		out = append(out, fmt.Sprintf("%d asset(s) are checked out to other assets (Checkout Type Asset): Snipe-IT's importer cannot check out to assets and leaves them unassigned; tagdesk's import reads them back", r.InAssets))
	}
	for _, n := range r.Namesake {
		out = append(out, fmt.Sprintf("%q holds assets and has no email, username, badge or employee number, and someone else has that name: a re-import cannot tell them apart (give them one first)", n))
	}
	for _, p := range r.Places {
		out = append(out, fmt.Sprintf("places share the name %s: Snipe-IT knows a location by its name and its importer makes them one place (tagdesk's import reads the codes; rename one to keep them apart there)", p))
	}
	return out
}

// sharedPlaceNames reads the names two or more places share, case and
// accents aside (as Snipe-IT's MySQL compares them: "Lager Süd" is "LAGER
// SUD"), each with the places' codes ("Store" (BER-STORE, DUB-STORE)), at
// most 20 of them. Places are few: read whole.
func sharedPlaceNames(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, code FROM locations ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("export: shared place names: %w", err)
	}
	defer rows.Close()
	type group struct {
		name  string
		codes []string
	}
	groups := map[string]*group{}
	var keys []string
	for rows.Next() {
		var name, code string
		if err := rows.Scan(&name, &code); err != nil {
			return nil, fmt.Errorf("export: shared place names: %w", err)
		}
		k := collateName(name)
		g := groups[k]
		if g == nil {
			g = &group{name: name}
			groups[k] = g
			keys = append(keys, k)
		}
		g.codes = append(g.codes, code)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: shared place names: %w", err)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		if g := groups[k]; len(g.codes) > 1 && len(out) < 20 {
			out = append(out, fmt.Sprintf("%q (%s)", g.name, strings.Join(g.codes, ", ")))
		}
	}
	return out, nil
}

// ExportSnipeITReport is ExportSnipeIT, with what Snipe-IT or a re-import
// cannot take as it is.
func (db *DB) ExportSnipeITReport(ctx context.Context, out io.Writer) (ExportReport, error) {
	var rep ExportReport
	n, err := db.exportSnipeIT(ctx, out, &rep)
	rep.Rows = n
	return rep, err
}

func (db *DB) exportSnipeIT(ctx context.Context, out io.Writer, rep *ExportReport) (int, error) {
	// One read transaction: the custom field columns and the rows come
	// from the same snapshot.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer tx.Rollback()
	var fields []string
	rows, err := tx.QueryContext(ctx, `SELECT name FROM custom_fields ORDER BY name`)
	if err != nil {
		return 0, fmt.Errorf("export: read custom fields: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("export: read custom fields: %w", err)
		}
		fields = append(fields, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("export: read custom fields: %w", err)
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	cw := csv.NewWriter(bw)
	header := make([]string, 0, len(snipeExportColumns)+len(fields)+len(snipeExportExtras))
	for _, f := range snipeExportColumns {
		header = append(header, fieldDefOf(f).label)
	}
	for _, n := range fields {
		// A custom field whose name is also a column's gets a suffix, so
		// that it comes back as the same custom field; so does one whose
		// name ends with the suffix (the import takes one off: "Serial"
		// and "Serial (custom field)" were one header twice).
		h := n
		switch matchHeader(h) {
		case fCustom, fCompany, fRequestable, fBYOD: // these come back as custom fields
			if norm := normHeader(h); snipeComputed[norm] || deletedHeader(norm) || strings.HasSuffix(h, customSuffix) { // unless read as Snipe-IT's own
				h = n + customSuffix
			}
		default:
			h = n + customSuffix
		}
		header = append(header, h)
	}
	for _, f := range snipeExportExtras {
		header = append(header, fieldDefOf(f).label)
	}
	if err := cw.Write(SpreadsheetRow(header)); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	// Holders named by name alone (no email, no username) whom a namesake
	// would take on a re-import.
	nrows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.name FROM people p
		WHERE coalesce(p.email, '') = '' AND coalesce(p.username, '') = '' AND coalesce(p.badge, '') = '' AND coalesce(p.employee_no, '') = ''
		AND EXISTS (SELECT 1 FROM assets a WHERE a.custodian_person_id = p.id)
		AND EXISTS (SELECT 1 FROM people o WHERE o.id != p.id AND lower(o.name) = lower(p.name))
		ORDER BY p.name LIMIT 20`)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	for nrows.Next() {
		var name string
		if err := nrows.Scan(&name); err != nil {
			nrows.Close()
			return 0, fmt.Errorf("export: %w", err)
		}
		rep.Namesake = append(rep.Namesake, name)
	}
	nrows.Close()
	if err := nrows.Err(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if rep.Places, err = sharedPlaceNames(ctx, tx); err != nil {
		return 0, err
	}
	rows, err = tx.QueryContext(ctx, snipeExportQuery)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	n := 0
	rec := make([]string, len(header))
	var v [numFields]string
	for rows.Next() {
		var status, locCode, locName, homeCode, homeName, custom, checkedOutAt string
		var person bool
		var custLocName, custLocCode string
		for i := range v {
			v[i] = ""
		}
		if err := rows.Scan(&v[fTag], &v[fSerial], &v[fName], &v[fModel], &v[fModelNo], &v[fCategory], &v[fManufacturer], &status,
			&locCode, &locName, &homeCode, &homeName, &v[fSupplier], &v[fOrderNo], &v[fCost], &v[fCurrency], &v[fPurchaseDate],
			&v[fWarrantyEnd], &v[fEOL], &v[fFullName], &v[fEmail], &v[fUsername], &v[fBadge], &v[fEmployeeNo],
			&person, &custLocName, &custLocCode, &v[fParentTag], &checkedOutAt, &v[fExpectedCheckin], &v[fLastAudit], &v[fNextAudit],
			&v[fNotes], &custom, &v[fCostCentre], &v[fDisposalMethod], &v[fDisposalCertificate], &v[fDisposalVendor], &v[fDisposalDate], &v[fPurchaseOrder]); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		v[fDisposalDate] = LocalDay(v[fDisposalDate])
		st := Status(status)
		v[fStatus] = snipeStatusLabel(st)
		// Location is Snipe-IT's default location: where an asset in
		// stock is (its importer puts it there), and the home of one
		// checked out (its place then follows whom it is checked out to).
		// tagdesk's home and current place have their own columns.
		v[fLocation], v[fLocationCode] = locName, locCode
		if locCode == "" || (st == StatusDeployed && homeCode != "") {
			v[fLocation], v[fLocationCode] = homeName, homeCode
		}
		v[fHome], v[fHomeCode], v[fCurrent], v[fCurrentCode] = homeName, homeCode, locName, locCode
		switch {
		case person:
			v[fCheckoutType] = "User"
		case custLocCode != "":
			v[fCheckoutType], v[fCheckoutLocation], v[fCheckoutLocationCode] = "Location", custLocName, custLocCode
		case v[fParentTag] != "":
			v[fCheckoutType] = "Asset"
			rep.InAssets++
		}
		v[fLastCheckout] = localDayTime(checkedOutAt)
		if v[fPurchaseDate] != "" && v[fWarrantyEnd] != "" {
			if m, ok := monthsBetween(v[fPurchaseDate], v[fWarrantyEnd]); ok {
				v[fWarrantyMonths] = strconv.Itoa(m)
			}
		}
		i := 0
		for _, f := range snipeExportColumns {
			rec[i] = v[f]
			i++
		}
		var cm map[string]string
		if custom != "" && custom != "{}" {
			if err := json.Unmarshal([]byte(custom), &cm); err != nil {
				return n, fmt.Errorf("export %s: bad custom fields: %w", v[fTag], err)
			}
		}
		for _, name := range fields {
			rec[i] = customValue(cm, name)
			i++
		}
		for _, f := range snipeExportExtras {
			rec[i] = v[f]
			i++
		}
		if err := cw.Write(SpreadsheetRow(rec)); err != nil {
			return n, fmt.Errorf("export: %w", err)
		}
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, flushCSV(cw, bw)
}

// customValue is an asset's value of the custom field name: under that
// name, or else under it in another case (one desk named the field "Size",
// another "size": the field is one, custom_fields comparing without case,
// and each desk's export dropped the other's values).
func customValue(cm map[string]string, name string) string {
	if v, ok := cm[name]; ok {
		return v
	}
	for k, v := range cm {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// isASCII reports whether s is all ASCII (a name's common case: nothing
// to fold).
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
