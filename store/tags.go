package store

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxTagLen is the longest tag accepted: long enough for any real scheme,
// short enough for a Code 128 on a 2" label.
const MaxTagLen = 32

// MaxScanLen bounds any scanned or typed code before it is even looked at.
const MaxScanLen = 256

// NormalizeTag upper-cases a scanned or typed tag, badge or place's code,
// trims spaces and drops invisible characters (isInvisible), as a scan
// reads it: a code copied from a web page (B\u200b300) names what it shows.
func NormalizeTag(s string) string { return strings.ToUpper(strings.TrimSpace(dropInvisible(s))) }

// ValidateTag checks a (normalised) tag: 1 to 32 characters of [0-9A-Z-],
// not starting or ending with '-'.
func ValidateTag(tag string) error {
	if tag == "" {
		return invalid("empty asset tag")
	}
	if len(tag) > MaxTagLen {
		return invalid("asset tag %q is %d characters; at most %d", clip(tag), len(tag), MaxTagLen)
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-') {
			return invalid("asset tag %q has %q; tags use only 0-9, A-Z and -", clip(tag), printable(tag[i:]))
		}
	}
	if tag[0] == '-' || tag[len(tag)-1] == '-' {
		return invalid("asset tag %q starts or ends with -", tag)
	}
	return nil
}

// ValidateCode checks a location code or a badge: like a tag, 1 to 32
// characters of [0-9A-Z-] once upper-cased.
func ValidateCode(code string) error {
	if err := ValidateTag(code); err != nil {
		msg := strings.Replace(ErrorMessage(err), "asset tag", "code", 1)
		return invalid("%s", strings.Replace(msg, "tags use only", "codes use only", 1))
	}
	return nil
}

// clip shortens a string for an error message.
func clip(s string) string { return clipAt(s, 40) }

// clipAt shortens s to at most n bytes (a whole rune), marking the cut.
func clipAt(s string, n int) string {
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "…"
	}
	return s
}

func printable(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return "invalid UTF-8"
	}
	return string(r)
}

// TagCheckChar returns the ISO 7064 MOD 37,36 check character of body
// (hyphens ignored), so that a mangled scan is detected, not stored.
func TagCheckChar(body string) byte {
	const m = 36
	p := m
	for i := 0; i < len(body); i++ {
		v := alnumValue(body[i])
		if v < 0 {
			continue
		}
		s := (p + v) % m
		if s == 0 {
			s = m
		}
		p = (s * 2) % (m + 1)
	}
	return base36[(m+1-p)%m]
}

// CheckTag reports whether a tag's last character is the check character of the rest.
func CheckTag(tag string) bool {
	if len(tag) < 2 {
		return false
	}
	return TagCheckChar(tag[:len(tag)-1]) == tag[len(tag)-1]
}

const base36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

func alnumValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// TagScheme is how this device generates tags.
type TagScheme struct {
	Prefix string // e.g. "TD-"
	Next   int64  // the next number
	Width  int    // zero-padded width
	Check  bool   // append a check character
}

// Format returns the tag for number n.
func (s TagScheme) Format(n int64) string {
	t := fmt.Sprintf("%s%0*d", s.Prefix, s.Width, n)
	if s.Check {
		t += string(TagCheckChar(t))
	}
	return t
}

func validateDate(name, v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(dateLayout, v); err != nil {
		return invalid("%s %q is not a date (want YYYY-MM-DD)", name, clip(v))
	}
	return nil
}

// ParseDue reads a due date as the desk takes one: a date in ParseDate's
// forms, or +N, N days after now's day in now's zone (+7: a week from
// today); callers pass the desk's local time.
func ParseDue(v string, now time.Time) (string, error) {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, "+"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 {
			return "", invalid("%q is not a number of days (+N)", clip(v))
		}
		if n >= 3650 {
			return "", invalid("%q is too far ahead (at most +3649 days)", clip(v))
		}
		return now.AddDate(0, 0, n).Format(dateLayout), nil
	}
	d, err := ParseDate(v)
	if err != nil && strings.Contains(ErrorMessage(err), "(want YYYY-MM-DD)") {
		// A due date may also be days from today: said.
		return "", invalid("%q is not a date (want YYYY-MM-DD, or +N days from today)", clip(v))
	}
	return d, err
}

// ParseDate accepts the date forms found in spreadsheets and Snipe-IT exports
// and returns YYYY-MM-DD. An empty string stays empty. A numeric date whose
// day and month could swap (03/04/2024) is refused rather than guessed.
func ParseDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	d, err := parseDate(v)
	if err != nil {
		return "", err
	}
	return d, dateInRange(v, d)
}

func parseDate(v string) (string, error) {
	for _, layout := range []string{dateLayout, "2006-01-02 15:04:05", time.RFC3339, "2006/01/02", "2006-1-2", "Jan 2, 2006", "2 Jan 2006", "January 2, 2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(dateLayout), nil
		}
	}
	if d, ok, err := numericDate(v, false); ok {
		return d, err
	}
	return "", invalid("%q is not a date (want YYYY-MM-DD)", clip(v))
}

// dateInRange refuses a date (d, read from v) outside 1900 to 2199: a
// typing slip (9999-12-31, 0202-01-01), and one the Snipe-IT import, and
// so a re-import of the desk's own export, would refuse.
func dateInRange(v, d string) error {
	if d < "1900-01-01" || d > "2199-12-31" {
		return invalid("%q is out of range (1900 to 2199)", clip(v))
	}
	return nil
}

func validateCost(v string) error {
	if v == "" {
		return nil
	}
	if _, err := strconv.ParseFloat(v, 64); err != nil || strings.ContainsAny(v, "eEnN+") {
		return invalid("purchase cost %q is not a number", clip(v))
	}
	return nil
}

// ParseCost reads a purchase cost as people and spreadsheets write it:
// "1299", "1,299.00", "1.299,00", "1 299,00", "1'299.00", "0,99", "12,5",
// with or without a currency symbol ($ € £ ₹ ¥). It returns "1299.00" style
// decimal text and the symbol's currency, if any. A number that could be
// read two ways ("1,234": a thousand, or one and a bit written with three
// decimals), that has more than two decimals, or that is too large to
// keep every digit (maxCostDigits) is refused rather than guessed (an
// import settles the first from its other costs: ParseCostAs).
func ParseCost(v string) (cost, currency string, err error) {
	return ParseCostAs(v, 0)
}

// dollarPrefix is a dollar sign with its country's letters before it
// (A$, AU$, C$, CA$, NZ$, US$, HK$, S$, SG$, NT$, MX$, R$ for the real),
// at a word's start; dollarCurrency is each one's currency.
var dollarPrefix = regexp.MustCompile(`(?i)(?:^|\b)(AU|A|CA|C|NZ|US|HK|SG|S|NT|MX|R)\$`)

var dollarCurrency = map[string]string{"AU": "AUD", "A": "AUD", "CA": "CAD", "C": "CAD", "NZ": "NZD", "US": "USD", "HK": "HKD", "SG": "SGD", "S": "SGD", "NT": "TWD", "MX": "MXN", "R": "BRL"}

// errTwoWays marks a cost that could be read two ways.
const twoWaysReason = "could be read two ways"

// ParseCostAs is ParseCost for a cost whose decimal separator is known
// ('.' or ','; 0 for unknown): one separator before exactly three digits
// is then read as that separator says.
func ParseCostAs(v string, dec byte) (cost, currency string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "", nil
	}
	orig := v
	if m := dollarPrefix.FindStringSubmatchIndex(v); m != nil {
		// "A$1,299" is Australian, "C$" Canadian...: not "A" and dollars
		// (which was "not a number"), nor US dollars.
		currency = dollarCurrency[strings.ToUpper(v[m[2]:m[3]])]
		v = v[:m[0]] + v[m[1]:]
		if strings.Contains(v, "$") {
			return "", "", invalid("purchase cost %q names two currencies: write one", clip(orig))
		}
	}
	for _, c := range []struct{ sym, cur string }{{"$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"₹", "INR"}, {"¥", "JPY"}} {
		if strings.Contains(v, c.sym) {
			if currency != "" {
				// (Which one it took was a map's order: random.)
				return "", "", invalid("purchase cost %q names two currencies: write one", clip(orig))
			}
			v = strings.ReplaceAll(v, c.sym, "")
			currency = c.cur
		}
	}
	// Spaces (also no-break ones) and apostrophes only ever group digits.
	v = strings.Map(func(r rune) rune {
		if r == '\'' || r == '’' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, v)
	if strings.HasPrefix(v, "-") || strings.HasPrefix(v, "−") || strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		if _, _, ok := splitAmount(strings.Trim(v, "-−()")); ok {
			return "", "", invalid("purchase cost %q is negative: a cost is what was paid (0 or more)", clip(orig))
		}
	}
	whole, frac, ok := splitAmount(v)
	if !ok {
		return "", "", invalid("purchase cost %q is not a number", clip(orig))
	}
	if whole == "" && frac == "" {
		return "", "", invalid("purchase cost %q is not a number", clip(orig))
	}
	if frac == "?" {
		sep := v[strings.LastIndexAny(v, ".,")]
		switch {
		case dec == 0:
			return "", "", invalid("purchase cost %q %s: write it without a thousands separator (%s or %s)",
				clip(orig), twoWaysReason, strings.NewReplacer(",", "", ".", "").Replace(v), strings.NewReplacer(",", ".").Replace(v))
		case sep == dec: // decimals: "12.500" where "." is the decimal point
			i := strings.LastIndexByte(v, sep)
			whole, frac = v[:i], v[i+1:]
		default: // grouping: "1,299" where "." is the decimal point
			whole, frac = strings.ReplaceAll(v, string(sep), ""), ""
		}
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return "", "", invalid("purchase cost %q has more than two decimals", clip(orig))
	}
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if len(whole) > maxCostDigits-2 {
		return "", "", invalid("purchase cost %q is too large: at most 9999999999999.99 (%d digits, as many as a spreadsheet keeps)", clip(orig), maxCostDigits)
	}
	return whole + "." + frac + strings.Repeat("0", 2-len(frac)), currency, nil
}

// maxCostDigits bounds a cost's digits, its two decimals included. A cost
// is kept as decimal text, but read as a number of 15 significant digits
// (a float64's, a spreadsheet's): one with more would lose digits there.
const maxCostDigits = 15

// splitAmount splits digits with '.' and ',' separators into the whole
// part (separators removed) and the decimals. The last separator is the
// decimal one when both kinds appear or when it is not followed by exactly
// three digits; a separator that repeats groups thousands. One separator
// between one to three digits (not all zeros) and three digits is
// ambiguous: frac is then "?".
func splitAmount(v string) (whole, frac string, ok bool) {
	if v == "" || strings.Trim(v, "0123456789.,") != "" {
		return "", "", false
	}
	last := strings.LastIndexAny(v, ".,")
	if last < 0 {
		return v, "", true
	}
	dec := v[last]
	other := byte(',')
	if dec == ',' {
		other = '.'
	}
	head, tail := v[:last], v[last+1:]
	if strings.Count(v, string(dec)) > 1 {
		// "1,234,567" or "1.234.567": the separator groups thousands, and
		// there are no decimals (a decimal separator appears once).
		if strings.IndexByte(v, other) >= 0 {
			return "", "", false
		}
		g, ok := grouped(v, dec)
		return g, "", ok
	}
	if strings.Contains(tail, ",") || strings.Contains(tail, ".") || strings.Trim(tail, "0123456789") != "" {
		return "", "", false
	}
	if strings.IndexByte(head, other) >= 0 {
		// Both kinds: the last is the decimal separator, the other groups.
		g, ok := grouped(head, other)
		return g, tail, ok && tail != ""
	}
	if head == "" {
		return "", tail, tail != ""
	}
	if h := strings.TrimLeft(head, "0"); len(tail) == 3 && h != "" && len(head) <= 3 {
		return head, "?", true
	}
	return head, tail, true
}

// grouped removes sep from digits grouped in threes ("1,234,567") or the
// Indian way, twos before the last three ("1,23,45,678"); ok is false for
// other groupings.
func grouped(v string, sep byte) (string, bool) {
	parts := strings.Split(v, string(sep))
	last := len(parts) - 1
	if len(parts[0]) == 0 || len(parts[0]) > 3 || len(parts[last]) != 3 {
		return "", false
	}
	width := 3 // the middle groups': all threes, or all twos (lakh, crore)
	if last > 1 && len(parts[1]) == 2 {
		width = 2
	}
	if width == 2 && len(parts[0]) > 2 {
		return "", false
	}
	for _, p := range parts[1:last] {
		if len(p) != width {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// twoDigitYear is a two-digit year's century: 2000-2069, else 1970-1999.
func twoDigitYear(y int) int {
	y += 2000
	if y >= 2070 {
		y -= 100
	}
	return y
}

// numericDate reads a/b/yyyy, a-b-yyyy and a.b.yyyy with one- or two-digit
// parts and two- or four-digit years; ok says v has that form. A part
// above 12 is the day. When both could be the month, snipe reads them as
// Snipe-IT's importer does (month first with slashes, day first with dashes
// or dots); otherwise the date is refused as ambiguous.
func numericDate(v string, snipe bool) (date string, ok bool, err error) {
	if t, _, cut := strings.Cut(v, " "); cut {
		v = t // "3/14/2024 10:00"
	}
	var parts []string
	sep := ""
	for _, s := range []string{"/", "-", "."} {
		if p := strings.Split(v, s); len(p) == 3 {
			parts, sep = p, s
			break
		}
	}
	if parts == nil {
		return "", false, nil
	}
	var n [3]int
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 || (i < 2 && len(p) > 2) {
			return "", false, nil
		}
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return "", false, nil
		}
		n[i] = x
	}
	a, b, year := n[0], n[1], n[2]
	if a == 0 || b == 0 {
		return "", false, nil
	}
	day, month := a, b
	switch {
	case a > 12 || a == b:
	case b > 12, snipe && sep == "/":
		day, month = b, a
	case !snipe:
		return "", true, invalid("%q could be %s or %s: write the date as YYYY-MM-DD", clip(v),
			time.Month(b).String()[:3]+" "+strconv.Itoa(a), time.Month(a).String()[:3]+" "+strconv.Itoa(b))
	}
	if len(parts[2]) == 2 {
		year = twoDigitYear(year)
	} else if len(parts[2]) != 4 {
		return "", false, nil
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	valid := t.Day() == day && int(t.Month()) == month && month >= 1
	if !snipe && sep == "-" && len(parts[0]) == 2 && len(parts[2]) == 2 {
		// 24-03-15 typed at the desk reads as a year first too (ISO cut
		// short: 2024-03-15) as well as last (2015-03-24): refused rather
		// than guessed unless both readings are the one day (24-12-24).
		// Only the year first a date (31-04-24: no 31 April) is a guess
		// too: a typo of a day-first date, or a year cut short.
		yf := time.Date(twoDigitYear(a), time.Month(b), n[2], 0, 0, 0, 0, time.UTC)
		if yf.Day() == n[2] && int(yf.Month()) == b {
			switch {
			case !valid:
				return "", true, invalid("%q is not a date day first; year first it would be %s: write the date as YYYY-MM-DD", clip(v), yf.Format(dateLayout))
			case !yf.Equal(t):
				return "", true, invalid("%q could be %s or %s: write the date as YYYY-MM-DD", clip(v), yf.Format(dateLayout), t.Format(dateLayout))
			}
		}
	}
	if !valid {
		return "", false, nil
	}
	return t.Format(dateLayout), true, nil
}

func normalizeWord(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "_", " "))), " ")
}

// CostDecimal is the decimal separator a cost cell shows it uses ('.' or
// ','), or 0 when it does not show it ("1299", "1,299").
func CostDecimal(v string) byte {
	v = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '.' || r == ',' {
			return r
		}
		return -1
	}, v)
	last := strings.LastIndexAny(v, ".,")
	if last < 0 {
		return 0
	}
	sep, other := v[last], byte(',')
	if sep == ',' {
		other = '.'
	}
	switch {
	case strings.Count(v, string(sep)) > 1: // "1,234,567": it groups
		return other
	case strings.IndexByte(v[:last], other) >= 0: // "1,299.50": the last is the point
		return sep
	case len(v)-last-1 != 3: // "1299.5", "0,99"
		return sep
	}
	return 0
}
