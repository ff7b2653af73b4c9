package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxTagLen is the longest tag accepted: long enough for any real scheme,
// short enough for a Code 128 on a 2" label.
const MaxTagLen = 32

// MaxScanLen bounds any scanned or typed code before it is even looked at.
const MaxScanLen = 256

// NormalizeTag upper-cases a scanned or typed tag and trims spaces.
func NormalizeTag(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

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
		return invalid("%s", strings.Replace(ErrorMessage(err), "asset tag", "code", 1))
	}
	return nil
}

// clip shortens a string for an error message.
func clip(s string) string {
	if len(s) > 40 {
		cut := 40
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

// ParseDate accepts the date forms found in spreadsheets and Snipe-IT exports
// and returns YYYY-MM-DD. An empty string stays empty.
func ParseDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	for _, layout := range []string{dateLayout, "2006-01-02 15:04:05", time.RFC3339, "2006/01/02", "02/01/2006", "2006-1-2", "02.01.2006", "Jan 2, 2006", "2 Jan 2006", "January 2, 2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(dateLayout), nil
		}
	}
	return "", invalid("%q is not a date (want YYYY-MM-DD)", clip(v))
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

// ParseCost accepts "1,299.00", "$1299", "1299" and returns "1299.00" style
// decimal text, with the currency symbol (if any) as a separate value.
func ParseCost(v string) (cost, currency string, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", "", nil
	}
	for sym, cur := range map[string]string{"$": "USD", "€": "EUR", "£": "GBP", "₹": "INR"} {
		if strings.Contains(v, sym) {
			v = strings.ReplaceAll(v, sym, "")
			currency = cur
		}
	}
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", "")
	f, perr := strconv.ParseFloat(v, 64)
	if perr != nil || f < 0 || strings.ContainsAny(v, "eEnN+") {
		return "", "", invalid("purchase cost %q is not a number", clip(v))
	}
	return strconv.FormatFloat(f, 'f', 2, 64), currency, nil
}

func normalizeWord(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "_", " "))), " ")
}
