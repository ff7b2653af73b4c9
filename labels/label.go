package labels

import (
	"fmt"
	"net/url"
	"strings"
)

// Label is the data printed on one label. The caller fills it from its own
// records; any UTF-8 text is safe in the text fields.
type Label struct {
	Tag      string
	Name     string
	Model    string
	Serial   string
	Location string
	Owner    string            // e.g. "Property of ACME IT"; Template.Owner when empty
	Custom   map[string]string // for "custom:KEY" fields
}

// fieldValue returns the raw text of one template field.
func (l *Label) fieldValue(t *Template, field string) string {
	switch field {
	case FieldTag:
		return l.Tag
	case FieldName:
		return l.Name
	case FieldModel:
		return l.Model
	case FieldSerial:
		return l.Serial
	case FieldLocation:
		return l.Location
	case FieldOwner:
		if strings.TrimSpace(l.Owner) != "" {
			return l.Owner
		}
		return t.Owner
	}
	if key, ok := strings.CutPrefix(field, "custom:"); ok {
		return l.Custom[key]
	}
	if text, ok := strings.CutPrefix(field, "text:"); ok {
		return l.expand(t, text)
	}
	return ""
}

// expand replaces {field} placeholders in a literal text field. A line
// whose placeholders are all empty comes out empty, so it is left off.
func (l *Label) expand(t *Template, text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	placeholders, filled := 0, 0
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			break
		}
		name := text[open+1 : open+end]
		if checkField(name) != nil || strings.HasPrefix(name, "text:") {
			b.WriteString(text[:open+end+1])
			text = text[open+end+1:]
			continue
		}
		b.WriteString(text[:open])
		v := l.fieldValue(t, name)
		placeholders++
		if strings.TrimSpace(v) != "" {
			filled++
		}
		b.WriteString(v)
		text = text[open+end+1:]
	}
	b.WriteString(text)
	if placeholders > 0 && filled == 0 {
		return ""
	}
	return b.String()
}

// fillURL is a url pattern with {tag} and {serial} filled in, each escaped
// for where it stands: in the path, or in the query (after '?', where '&',
// '=' and '+' mean something).
func fillURL(pattern, tag, serial string) string {
	path, query, hasQuery := strings.Cut(pattern, "?")
	s := strings.NewReplacer("{tag}", url.PathEscape(tag), "{serial}", url.PathEscape(serial)).Replace(path)
	if hasQuery {
		s += "?" + strings.NewReplacer("{tag}", url.QueryEscape(tag), "{serial}", url.QueryEscape(serial)).Replace(query)
	}
	return s
}

// content returns what the main code carries.
func (l *Label) content(t *Template) (string, error) {
	var s string
	switch t.Encode {
	case EncodeSerial:
		s = l.Serial
		if s == "" {
			return "", fmt.Errorf("labels: template %s encodes the serial number, but label %q has none", t.Name, l.Tag)
		}
	case EncodeURL:
		s = fillURL(t.URL, l.Tag, l.Serial)
		if l.Tag == "" && strings.Contains(t.URL, "{tag}") {
			return "", fmt.Errorf("labels: label has no tag")
		}
		if why := linkTooLong(len(s)); why != "" && !t.Barcode {
			// (With the Code 128 strip the label scans back by that.)
			return "", fmt.Errorf("labels: %s; shorten template %s's url", why, t.Name)
		}
	default:
		s = l.Tag
	}
	if s == "" {
		return "", fmt.Errorf("labels: label has no tag")
	}
	return s, nil
}
