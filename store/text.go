package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
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
	if len(body) <= maxText && !bytes.Contains(body, []byte(jsonReplacement)) {
		return nil
	}
	return checkValue("", reflect.ValueOf(payload))
}

// jsonReplacement is how encoding/json writes an invalid UTF-8 byte.
const jsonReplacement = `\ufffd`

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
				if err := checkString(join(path, "name"), k.String()); err != nil {
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

func checkString(name, s string) error {
	if name == "" {
		name = "a value"
	}
	if !utf8.ValidString(s) {
		return invalid("%s is not valid text (UTF-8): check the scanner's keyboard layout or the file's encoding", name)
	}
	limit := maxText
	switch {
	case strings.HasSuffix(name, ".old"):
		// An update's old value is what is there: a value too long from
		// before these bounds (or from another desk) can still be corrected.
		return nil
	case strings.Contains(strings.ToLower(name), "note"):
		limit = maxNotes
	case strings.HasPrefix(name, "custom.") || strings.HasPrefix(name, "changes.custom:"):
		limit = maxCustom
	}
	if len(s) > limit {
		return invalid("%s is too long (%d bytes, at most %d)", name, len(s), limit)
	}
	return nil
}
