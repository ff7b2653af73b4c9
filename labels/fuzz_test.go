package labels_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/labels"
)

// FuzzZPLField feeds arbitrary data into every field: the ZPL either fails
// cleanly with no output or is exactly one well-formed ^XA...^XZ format
// with every field hex-escaped, and the QR field data unescapes to the tag.
func FuzzZPLField(f *testing.F) {
	f.Add("TD-004217", "Dell Latitude 7440", "5CG1234XYZ", "Property of ACME IT")
	f.Add("A^XZ~JR", "^XA^FDx^FS", "~HS", "_5E_7E")
	f.Add("TD-1", "line\nbreak\r\x00\x1b[2J", "\xff\xfe", "Ünïcödé 日本 \u202e")
	f.Add("", "", "", "")
	f.Add(strings.Repeat("9", 80), strings.Repeat("W", 200), "", "")
	tp, err := labels.Find("zebra-3x1-203", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tag, name, serial, owner string) {
		var buf bytes.Buffer
		l := labels.Label{Tag: tag, Name: name, Serial: serial, Owner: owner, Model: name + serial}
		if err := labels.ZPL(&buf, tp, l); err != nil {
			if buf.Len() != 0 {
				t.Fatalf("error %v after writing %d bytes", err, buf.Len())
			}
			return
		}
		z := buf.String()
		checkZPL(t, z, 1)
		_, after, ok := strings.Cut(z, "^FH^FDMA,")
		if !ok {
			t.Fatalf("no QR field:\n%s", z)
		}
		data, _, _ := strings.Cut(after, "^FS")
		if got := unescapeFH(data); got != tag {
			t.Fatalf("QR field data %q unescapes to %q, want the tag %q", data, got, tag)
		}
	})
}

func unescapeFH(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && i+2 < len(s) {
			var v byte
			for _, c := range []byte(s[i+1 : i+3]) {
				v <<= 4
				if c >= 'A' {
					v |= c - 'A' + 10
				} else {
					v |= c - '0'
				}
			}
			b.WriteByte(v)
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// FuzzPreview checks that any label text gives a preview within the width
// and free of control characters, or an error.
func FuzzPreview(f *testing.F) {
	f.Add("TD-004217", "Dell Latitude 7440", "Property of ACME IT", 80)
	f.Add("X", "\x1b]0;pwned\x07", "\u202e\u200b", 40)
	f.Add("ACME-IT-0012345", "日本語のラベル", "\xff", 12)
	f.Add("A", "", "", 0)
	templates := labels.Builtin()
	f.Fuzz(func(t *testing.T, tag, name, owner string, width int) {
		width = width%200 + 1
		if width < 1 {
			width += 200
		}
		for _, tp := range templates {
			s, err := labels.Preview(tp, labels.Label{Tag: tag, Name: name, Owner: owner}, width)
			if err != nil {
				continue
			}
			checkPreview(t, s, width)
		}
	})
}
