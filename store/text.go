package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on the text an event records. An event is kept for ever and
// shipped to every desk, so a name pasted by mistake from a whole file, or
// bytes from a scanner on the wrong keyboard layout, are refused rather
// than stored (JSON would store invalid UTF-8 as U+FFFD, silently).
const (
	maxText   = 1024      // a name, a serial, a code, an operator
	maxNotes  = 16 * 1024 // notes
	maxCustom = 4096      // a custom field's value (as an import's cell may be)
)

// checkText checks the operator and every string in an event's payload
// (struct fields by their JSON names, map keys and values, slices): valid
// UTF-8, and not longer than its bound. body is the payload's JSON: the
// strings are walked only when it is longer than a single string may be or
// holds the escape \ufffd (what encoding/json writes for invalid UTF-8; a
// real U+FFFD stays raw), so an event's cost is a scan of its bytes.
func checkText(operator string, payload any, body []byte) error {
	if err := checkString("operator", operator); err != nil {
		return err
	}
	if len(body) <= maxText && !bytes.Contains(body, []byte(jsonReplacement)) && !mayHoldControl(body) {
		return nil
	}
	return checkValue("", reflect.ValueOf(payload))
}

// CheckPushed judges an event a desk pushes for what no tagdesk desk ever
// recorded: a type this tagdesk does not know, and a terminal escape (ESC,
// or a C1 control: CSI, OSC, DCS, ...) in its text, which would drive the
// terminal of every desk that lists it. A forged or broken client's push is refused
// whole, never stored. (The desk's other text rules, newer than some logs
// still waiting to be pushed, stay the desk's: a server refusing an old
// event would hold back every change after it for good.)
func CheckPushed(e *Event) error {
	if payloadTypes[e.Type] == nil {
		return invalid("event %s: unknown type %q (written by a newer tagdesk? upgrade the server first)", e.UID(), clip(string(e.Type)))
	}
	for _, f := range []struct{ name, v string }{{"operator", e.Operator}, {"subject", e.Subject}} {
		if hasEscape(f.v) {
			return invalid("event %s: its %s holds a terminal escape", e.UID(), f.name)
		}
	}
	if mayHoldEscape(e.Payload) {
		var v any
		if json.Unmarshal(e.Payload, &v) == nil && escapeIn(v) {
			return invalid("event %s: its payload holds a terminal escape", e.UID())
		}
	}
	return nil
}

// hasEscape reports whether s holds ESC or a C1 control (U+0080 to
// U+009F: CSI, OSC, DCS, ...), which start a terminal's control sequences.
func hasEscape(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == 0x1b || r >= 0x80 && r <= 0x9f })
}

// mayHoldEscape reports whether a JSON text may hold ESC or a C1 control
// in a string: escaped (\u001b, \u0080 to \u009f, either case) or raw.
func mayHoldEscape(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xc2 && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
			return true // a C1 control, raw (UTF-8 C2 80 to C2 9F)
		}
	}
	// (A scan of the bytes, no copy: this is on every pushed event.)
	for rest := b; ; {
		i := bytes.Index(rest, []byte(`\u00`))
		if i < 0 || i+6 > len(rest) {
			return false
		}
		if d := rest[i+4 : i+6]; d[0] == '8' || d[0] == '9' || d[0] == '1' && (d[1] == 'b' || d[1] == 'B') {
			return true
		}
		rest = rest[i+4:]
	}
}

// escapeIn reports whether any string (or key) of a decoded JSON value
// holds ESC or CSI.
func escapeIn(v any) bool {
	switch x := v.(type) {
	case string:
		return hasEscape(x)
	case []any:
		for _, e := range x {
			if escapeIn(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if hasEscape(k) || escapeIn(e) {
				return true
			}
		}
	}
	return false
}

// jsonReplacement is how encoding/json writes an invalid UTF-8 byte.
const jsonReplacement = `\ufffd`

// mayHoldControl reports whether a JSON text may hold a control character
// in a string: encoding/json writes C0 controls as \uXXXX or a short escape
// (\n, \t, \r, \b, \f), and DEL and the C1 controls raw. A false alarm (an
// escaped backslash before an n) only costs the walk.
func mayHoldControl(body []byte) bool {
	for i, c := range body {
		switch {
		case c == '\\' && i+1 < len(body):
			switch body[i+1] {
			case 'u', 'n', 't', 'r', 'b', 'f':
				if body[i+1] != 'u' || bytes.HasPrefix(body[i+1:], []byte("u00")) {
					return true
				}
			}
		case c == 0x7f, c == 0xc2 && i+1 < len(body) && body[i+1] >= 0x80 && body[i+1] <= 0x9f:
			return true
		}
	}
	return false
}

// checkValue checks the strings in v; path names v as people read it
// ("serial", "custom.RAM", "changes.notes.new"), and a path with "note"
// in it has the notes' bound.

func checkValue(path string, v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return checkString(path, v.String())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkValue(path, v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fname := f.Name
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
				continue
			} else if tag != "" {
				fname = tag
			}
			if f.Tag.Get("text") == "copied" {
				// What is there already (an update's old value, a holder's
				// name as stored): text from before these rules, or from
				// another desk, must not block the change that corrects or
				// moves it.
				continue
			}
			if err := checkValue(join(path, fname), v.Field(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			key := path
			if k.Kind() == reflect.String {
				if err := checkKey(path, k.String()); err != nil {
					return err
				}
				key = join(path, k.String())
			}
			if err := checkValue(key, iter.Value()); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == reflect.TypeFor[json.RawMessage]() || v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := range v.Len() {
			if err := checkValue(path, v.Index(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkKey checks a map key of a payload: a custom field's name, or the
// field an update changes. A name: one line, at most 1 kB.
func checkKey(path, s string) error {
	name := "field name"
	if path == "custom" {
		name = "custom field name"
	}
	return checkText1(name, s, maxText, false)
}

func checkString(path, s string) error {
	limit, lines := maxText, false
	switch {
	case strings.Contains(strings.ToLower(path), "note"):
		limit, lines = maxNotes, true
	case strings.HasPrefix(path, "custom.") || strings.HasPrefix(path, "changes.custom:"):
		limit, lines = maxCustom, true
	}
	return checkText1(displayPath(path), s, limit, lines)
}

// checkText1 checks one string named name: valid UTF-8, at most limit
// bytes, no control characters (but line breaks and tabs when lines).
func checkText1(name, s string, limit int, lines bool) error {
	if !utf8.ValidString(s) {
		return invalid("%s is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding", name)
	}
	if len(s) > limit {
		return invalid("%s is too long (%d bytes, at most %d)", name, len(s), limit)
	}
	// Control characters: an escape sequence in a name would drive the
	// terminal of whoever lists it, a line break would break every table.
	// Notes and custom values may hold lines and tabs, nothing else.
	for _, r := range s {
		if !unicode.IsControl(r) || lines && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		return invalid("%s holds a control character (%s): type it again, or fix the file", name, controlName(r))
	}
	return nil
}

// displayPath names a payload path as people know the field: "serial",
// "notes" for an update's "changes.notes.new", "custom field RAM" for
// "custom.RAM" or "changes.custom:RAM.new".
func displayPath(path string) string {
	if path == "" {
		return "a value"
	}
	p := strings.TrimSuffix(strings.TrimPrefix(path, "changes."), ".new")
	if f, ok := strings.CutPrefix(p, "custom:"); ok {
		return "custom field " + f
	}
	if f, ok := strings.CutPrefix(p, "custom."); ok {
		return "custom field " + f
	}
	return strings.ReplaceAll(p, "_", " ")
}

func controlName(r rune) string {
	switch r {
	case '\n', '\r':
		return "a line break"
	case '\t':
		return "a tab"
	case 0x1b:
		return "ESC"
	}
	return fmt.Sprintf("U+%04X", r)
}

// defuseEscapes replaces, in a JSON text, every ESC and C1 control inside
// its strings (written \u001b, \u0080 to \u009f, either case, or raw) by
// U+FFFD, written raw as Go's encoder writes it, so the text stays the
// compact JSON a server takes.
func defuseEscapes(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		switch {
		case b[i] == '\\' && i+1 < len(b) && b[i+1] == 'u' && i+6 <= len(b) && isEscapeCode(b[i+2:i+6]):
			out = append(out, "\uFFFD"...)
			i += 6
		case b[i] == '\\' && i+1 < len(b):
			out = append(out, b[i], b[i+1]) // (another escape, "\\" included)
			i += 2
		case b[i] == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			out = append(out, "\uFFFD"...)
			i += 2
		default:
			out = append(out, b[i])
			i++
		}
	}
	return out
}

// isEscapeCode says whether four hex digits are ESC (001b) or a C1
// control (0080 to 009f), either case.
func isEscapeCode(h []byte) bool {
	d := strings.ToLower(string(h))
	return d == "001b" || strings.HasPrefix(d, "008") || strings.HasPrefix(d, "009")
}

// MakerModel is a model as people name it: its manufacturer, then its
// name, the manufacturer left out when the name already starts with it as
// a word, case aside ("Samsung 980 Pro 1TB" of Samsung, not "Samsung
// Samsung 980 Pro 1TB"; "HPE ProLiant" of HP keeps "HP").
func MakerModel(maker, model string) string {
	maker, model = strings.TrimSpace(maker), strings.TrimSpace(model)
	if maker == "" || model == "" {
		return maker + model
	}
	if len(model) >= len(maker) && strings.EqualFold(model[:len(maker)], maker) {
		next, _ := utf8.DecodeRuneInString(model[len(maker):])
		if len(model) == len(maker) || !unicode.IsLetter(next) && !unicode.IsDigit(next) {
			return model
		}
	}
	return maker + " " + model
}
