package labels_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/labels"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// testTags are tags of the shapes tagdesk produces: short, long, numeric,
// with and without dashes.
var testTags = []string{"TD-004217", "ACME-IT-0012345", "0000000001", "X-1", "LAPTOP-2024-000123", "1234567890"}

func sampleLabel(tag string) labels.Label {
	return labels.Label{
		Tag:      tag,
		Name:     "Dell Latitude 7440",
		Model:    "Latitude 7440",
		Serial:   "5CG1234XYZ",
		Location: "MAD-2-STORE",
		Owner:    "Property of ACME IT",
		Custom:   map[string]string{"cost_centre": "CC-4410"},
	}
}

func mustFind(t testing.TB, name string) labels.Template {
	t.Helper()
	tp, err := labels.Find(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func thermalTemplates() []labels.Template {
	var out []labels.Template
	for _, tp := range labels.Builtin() {
		if tp.Sheet == nil {
			out = append(out, tp)
		}
	}
	return out
}

var fitErr = regexp.MustCompile(`^labels: tag ".*" \(\d+ chars\) needs a Code 128 of \d+ dots; template \S+ has \d+$`)

// TestRender_RoundTrip renders every built-in template with several tags
// and reads each code back with gozxing.
func TestRender_RoundTrip(t *testing.T) {
	r, err := labels.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range labels.Builtin() {
		t.Run(tp.Name, func(t *testing.T) {
			printed := 0
			for _, tag := range testTags {
				img, err := r.Render(tp, sampleLabel(tag))
				if err != nil {
					// A Code 128 of a long tag may not fit a small label at a
					// scannable bar width; that must be a clear error.
					if !fitErr.MatchString(err.Error()) || !strings.Contains(err.Error(), tp.Name) {
						t.Errorf("Render(%s): %v", tag, err)
					}
					continue
				}
				printed++
				if b := img.Bounds(); b.Dx() != tp.Width || b.Dy() != tp.Height {
					t.Errorf("%s: image is %dx%d, want the template's %dx%d dots", tag, b.Dx(), b.Dy(), tp.Width, tp.Height)
				}
				checkOneBit(t, img)
				checkDecodes(t, img, tp, tag)
			}
			if printed < 4 {
				t.Errorf("only %d of %d tags fit", printed, len(testTags))
			}
		})
	}
}

func checkOneBit(t *testing.T, img *image.Paletted) {
	t.Helper()
	if len(img.Palette) != 2 {
		t.Fatalf("palette has %d colours, want 2", len(img.Palette))
	}
	for _, p := range img.Pix {
		if p > 1 {
			t.Fatalf("pixel index %d outside the 1-bit palette", p)
		}
	}
}

func checkDecodes(t *testing.T, img image.Image, tp labels.Template, tag string) {
	t.Helper()
	res, err := labels.Decode(img)
	if err != nil {
		t.Errorf("%s on %s: %v", tag, tp.Name, err)
		return
	}
	want := []labels.Result{{Format: string(tp.Symbology), Text: tag}}
	if tp.Barcode {
		want = append(want, labels.Result{Format: string(labels.Code128), Text: tag})
	}
	for _, w := range want {
		if !slices.Contains(res, w) {
			t.Errorf("%s on %s: decoded %v, want %v", tag, tp.Name, res, w)
		}
	}
	if len(res) != len(want) {
		t.Errorf("%s on %s: decoded %v, want exactly %v", tag, tp.Name, res, want)
	}
}

func TestRender_Symbologies(t *testing.T) {
	file := `
[[template]]
name = "dm-2x1"
base = "zebra-2x1-203"
symbology = "datamatrix"
barcode = false

[[template]]
name = "url-3x1"
base = "zebra-3x1-300"
encode = "url"
url = "https://assets.example.com/a/{tag}"
error_correction = "Q"

[[template]]
name = "serial-62"
base = "brother-62mm"
encode = "serial"
fields = ["tag", "text:S/N {serial}", "custom:cost_centre", "location"]

[[template]]
name = "code128-3x1"
width = "3in"
height = "1in"
dpi = 203
symbology = "code128"
fields = ["tag", "owner"]
owner = "Property of ACME IT"
`
	user, err := labels.ParseTemplates(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]labels.Result{
		"dm-2x1":      {{Format: "datamatrix", Text: "TD-004217"}},
		"url-3x1":     {{Format: "qr", Text: "https://assets.example.com/a/TD-004217"}, {Format: "code128", Text: "TD-004217"}},
		"serial-62":   {{Format: "qr", Text: "5CG1234XYZ"}},
		"code128-3x1": {{Format: "code128", Text: "TD-004217"}},
	}
	for _, tp := range user {
		img, err := labels.Render(tp, sampleLabel("TD-004217"))
		if err != nil {
			t.Errorf("%s: %v", tp.Name, err)
			continue
		}
		res, err := labels.Decode(img)
		if err != nil {
			t.Errorf("%s: %v", tp.Name, err)
			continue
		}
		if !slices.Equal(res, want[tp.Name]) {
			t.Errorf("%s: decoded %v, want %v", tp.Name, res, want[tp.Name])
		}
	}
}

func TestPNG(t *testing.T) {
	tp := mustFind(t, "zebra-2x1-203")
	var buf bytes.Buffer
	if err := labels.PNG(&buf, tp, sampleLabel("TD-004217")); err != nil {
		t.Fatal(err)
	}
	// IHDR: width, height, bit depth 1, colour type 0 (greyscale).
	b := buf.Bytes()
	if len(b) < 26 || string(b[12:16]) != "IHDR" || b[24] != 1 || b[25] != 0 {
		t.Fatalf("PNG header % x: want a 1-bit greyscale image", b[:min(len(b), 26)])
	}
	if !bytes.Contains(b, []byte("pHYs\x00\x00\x1f\x38")) { // 203 dpi = 7992 dots/m
		t.Error("PNG does not record the printer resolution")
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := labels.Render(tp, sampleLabel("TD-004217"))
	for y := 0; y < 203; y++ {
		for x := 0; x < 406; x++ {
			if g, _, _, _ := img.At(x, y).RGBA(); (g == 0) != (want.ColorIndexAt(x, y) == 1) {
				t.Fatalf("PNG pixel %d,%d differs from Render", x, y)
			}
		}
	}
	if img.Bounds().Dx() != 406 || img.Bounds().Dy() != 203 {
		t.Errorf("PNG is %v, want 406x203", img.Bounds())
	}
	checkDecodes(t, img, tp, "TD-004217")
}

// TestRender_ModulesAreWholeDots checks that every QR module is a solid
// square of an integer number of dots: the finder pattern's outer ring is
// exactly 7 modules wide.
func TestRender_ModulesAreWholeDots(t *testing.T) {
	for _, tp := range thermalTemplates() {
		if tp.Symbology != labels.QR {
			continue
		}
		img, err := labels.Render(tp, sampleLabel("TD-004217"))
		if err != nil {
			t.Fatal(err)
		}
		// Find the first dark row where the QR code's top-left finder
		// pattern is (left of the text on landscape labels) and measure it.
		w := img.Bounds().Dx()
		if tp.Width > tp.Height {
			w /= 4
		}
		for y := 0; y < img.Bounds().Dy(); y++ {
			row := img.Pix[y*img.Stride : y*img.Stride+w]
			x0 := slices.Index(row, 1)
			if x0 < 0 {
				continue
			}
			n := 0
			for x0+n < w && row[x0+n] == 1 {
				n++
			}
			if n%7 != 0 {
				t.Errorf("%s: finder pattern edge is %d dots, not a multiple of 7 modules", tp.Name, n)
			}
			break
		}
	}
}

func TestRender_TextShrinksThenIsCut(t *testing.T) {
	tp := mustFind(t, "zebra-2x1-203")
	l := sampleLabel("TD-004217")
	l.Name = "HP EliteBook 840 G10 Notebook" // wider than the text column at full size
	img, err := labels.Render(tp, l)
	if err != nil {
		t.Fatalf("a moderately long name should be shrunk, not refused: %v", err)
	}
	checkDecodes(t, img, tp, "TD-004217")

	// Too wide even at the minimum font size: cut short, not refused
	// (a label that prints and scans beats one refused for its name).
	l.Name = strings.Repeat("Very long asset name ", 6)
	img, err = labels.Render(tp, l)
	if err != nil {
		t.Fatalf("a name too long for the template should be cut short, not refused: %v", err)
	}
	checkDecodes(t, img, tp, "TD-004217")
	var zpl bytes.Buffer
	if err := labels.ZPL(&zpl, tp, l); err != nil {
		t.Fatal(err)
	}
	// (The largest code that leaves no field out: a smaller one would keep
	// more of the name, in two-dot modules that scan poorly.)
	if !strings.Contains(zpl.String(), "^FDVery long asset name") || !strings.Contains(zpl.String(), "...^FS") || strings.Contains(zpl.String(), l.Name) || !strings.Contains(zpl.String(), "^BQN,2,5") {
		t.Errorf("ZPL should print the name's start ended with ...:\n%s", zpl.String())
	}
	if !strings.Contains(zpl.String(), "^FDTD-004217^FS") || !strings.Contains(zpl.String(), "^FD"+l.Serial+"^FS") {
		t.Errorf("ZPL should print the tag and serial whole:\n%s", zpl.String())
	}
	if got, err := labels.Shortened(tp, l); err != nil || !slices.Equal(got, []string{labels.FieldName}) {
		t.Errorf("Shortened = %v, %v; want [name]", got, err)
	}
	l.Name = "HP EliteBook 840 G10 Notebook"
	if got, err := labels.Shortened(tp, l); err != nil || len(got) != 0 {
		t.Errorf("Shortened of a name that fits shrunk = %v, %v; want none", got, err)
	}
}

func TestRender_TooManyLinesLeavesOutTheLast(t *testing.T) {
	// Six lines of text do not fit a 2x1 label's side column at the
	// minimum font size: the last are left out, the tag stays.
	tp := mustFind(t, "zebra-2x1-203")
	tp.Fields = []string{labels.FieldTag, labels.FieldName, labels.FieldModel, labels.FieldSerial, labels.FieldLocation, labels.FieldOwner}
	l := sampleLabel("TD-004217")
	l.Name, l.Model, l.Serial, l.Location, l.Owner = "A", "B", "C", "D", "E"
	tp.FontSize, tp.TagFontSize, tp.MinFontSize = 40, 40, 40 // no shrinking: six lines of 40 dots are too tall
	img, err := labels.Render(tp, l)
	if err != nil {
		t.Fatalf("too many lines should leave some out, not refuse the label: %v", err)
	}
	checkDecodes(t, img, tp, "TD-004217")
	got, err := labels.Shortened(tp, l)
	if err != nil || len(got) == 0 || slices.Contains(got, labels.FieldTag) {
		t.Fatalf("Shortened = %v, %v; want the last fields, never the tag", got, err)
	}
	if want := tp.Fields[len(tp.Fields)-len(got):]; !slices.Equal(got, want) {
		t.Errorf("left out %v, want the last ones %v", got, want)
	}
	// The tag itself too wide at the minimum size is still refused.
	tp.Fields = []string{labels.FieldTag}
	tp.MinFontSize = tp.TagFontSize
	if _, err := labels.Render(tp, sampleLabel("TD-0042170000000000")); err == nil {
		t.Log("a long tag fit; nothing to check")
	} else if !strings.Contains(err.Error(), "tag") {
		t.Errorf("error = %v, want one naming the tag", err)
	}
}

func TestRender_Errors(t *testing.T) {
	tp := mustFind(t, "tag-1.25x0.5-300")
	_, err := labels.Render(tp, sampleLabel("ACME-IT-0012345"))
	want := `labels: tag "ACME-IT-0012345" (15 chars) needs a Code 128 of 396 dots; template tag-1.25x0.5-300 has 375`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	// Check says the same without drawing; a label that fits passes.
	if err := labels.Check(tp, sampleLabel("ACME-IT-0012345")); err == nil || err.Error() != want {
		t.Errorf("Check = %v, want %s", err, want)
	}
	if err := labels.Check(tp, sampleLabel("TD-1")); err != nil {
		t.Errorf("Check of a label that fits: %v", err)
	}
	if _, err := labels.Render(tp, labels.Label{}); err == nil || !strings.Contains(err.Error(), "no tag") {
		t.Errorf("empty label: %v, want a no-tag error", err)
	}
	z := mustFind(t, "zebra-2x1-203")
	if _, err := labels.Render(z, sampleLabel("TD-ÜNICODE")); err == nil || !strings.Contains(err.Error(), "Code 128") {
		t.Errorf("non-ASCII tag on a Code 128: %v, want an error", err)
	}
	bad := z
	bad.DPI = 0
	if _, err := labels.Render(bad, sampleLabel("X")); err == nil || !strings.Contains(err.Error(), "dpi") {
		t.Errorf("invalid template: %v, want a validation error", err)
	}
}

func TestRender_UnsafeText(t *testing.T) {
	tp := mustFind(t, "zebra-3x1-203")
	l := sampleLabel("TD-1")
	l.Name = "Ünïcödé\x1b[31m\u202eevil\x00 日本"
	l.Model = "\xff\xfe bad utf8"
	img, err := labels.Render(tp, l)
	if err != nil {
		t.Fatal(err)
	}
	checkDecodes(t, img, tp, "TD-1")
	var buf bytes.Buffer
	if err := labels.ZPL(&buf, tp, l); err != nil {
		t.Fatal(err)
	}
	checkZPL(t, buf.String(), 1)
	if !strings.Contains(buf.String(), "_C3_9Cn_C3_AFc_C3_B6d_C3_A9 [31mevil ??") {
		t.Errorf("ZPL does not carry the cleaned, escaped name:\n%s", buf.String())
	}
}

func TestFind(t *testing.T) {
	if _, err := labels.Find("nope", nil); err == nil || !strings.Contains(err.Error(), "zebra-2x1-203") {
		t.Errorf("unknown template error %v should list the known ones", err)
	}
	user := []labels.Template{mustFind(t, "zebra-2x1-203")}
	user[0].Owner = "Property of Example"
	got, err := labels.Find("zebra-2x1-203", user)
	if err != nil || got.Owner != "Property of Example" {
		t.Errorf("user template should override the built-in: %+v, %v", got, err)
	}
}

func TestBuiltin(t *testing.T) {
	want := []string{"avery-5160", "avery-l7163", "brother-29mm", "brother-62mm", "tag-1.25x0.5-300",
		"zebra-2x1-203", "zebra-2x1-300", "zebra-3x1-203", "zebra-3x1-300"}
	var got []string
	for _, tp := range labels.Builtin() {
		got = append(got, tp.Name)
		if err := tp.Validate(); err != nil {
			t.Error(err)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("built-ins %v, want %v", got, want)
	}
	sizes := map[string][2]int{"zebra-2x1-203": {406, 203}, "zebra-2x1-300": {600, 300}, "zebra-3x1-203": {609, 203}, "tag-1.25x0.5-300": {375, 150}}
	for name, wh := range sizes {
		tp := mustFind(t, name)
		if tp.Width != wh[0] || tp.Height != wh[1] {
			t.Errorf("%s is %dx%d dots, want %dx%d", name, tp.Width, tp.Height, wh[0], wh[1])
		}
	}
	if s := mustFind(t, "avery-l7163").Sheet; s == nil || s.PerPage() != 14 || s.Page != "A4" {
		t.Errorf("avery-l7163 sheet = %+v, want A4 with 14 labels", s)
	}
	if s := mustFind(t, "avery-5160").Sheet; s == nil || s.PerPage() != 30 || s.Page != "Letter" {
		t.Errorf("avery-5160 sheet = %+v, want Letter with 30 labels", s)
	}
}

func TestParseTemplates(t *testing.T) {
	file := `
[[template]]
name = "acme-2x1"
base = "zebra-2x1-203"
description = "ACME asset tag"
owner = "Property of ACME IT"
fields = ["tag", "name", "owner"]
margin = "2mm"

[[template]]
name = "acme-2x1-300"
base = "acme-2x1"
dpi = 300

[[template]]
name = "zebra-2x1-203"
base = "zebra-2x1-203"
encode = "url"
url = "https://assets.example.com/a/{tag}"

[[template]]
name = "avery-l7160"
width = "63.5mm"
height = "38.1mm"
dpi = 300
fields = ["tag", "name"]
[template.sheet]
page = "A4"
columns = 3
rows = 7
pitch_x = "66mm"
pitch_y = "38.1mm"
left = "7.2mm"
top = "15.15mm"
`
	ts, err := labels.ParseTemplates(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 4 {
		t.Fatalf("got %d templates, want 4", len(ts))
	}
	acme, hi, z, sheet := ts[0], ts[1], ts[2], ts[3]
	if acme.Width != 406 || acme.Margin != 16 || acme.Owner != "Property of ACME IT" || !acme.Barcode {
		t.Errorf("acme-2x1 = %+v", acme)
	}
	if hi.DPI != 300 || hi.Width != 600 || hi.Height != 300 || hi.Owner != acme.Owner {
		t.Errorf("acme-2x1-300 should keep its base's physical size at 300 dpi: %+v", hi)
	}
	if got, _ := labels.Find("zebra-2x1-203", ts); got.Encode != labels.EncodeURL || z.URL != got.URL || !z.Barcode {
		t.Errorf("user file should override the built-in zebra-2x1-203: %+v", got)
	}
	if sheet.Sheet == nil || sheet.Sheet.PerPage() != 21 || sheet.Sheet.PageWidth != 210 || sheet.Width != 750 {
		t.Errorf("avery-l7160 = %+v, sheet %+v", sheet, sheet.Sheet)
	}
}

func TestParseTemplates_Errors(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"syntax", `[[template]`, "template file"},
		{"unknown key", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\ncolour = \"red\"", "unknown keys: template.colour"},
		{"no name", "[[template]]\nbase = \"zebra-2x1-203\"", "missing name"},
		{"no size", "[[template]]\nname = \"a\"", "width and height are required"},
		{"bad base", "[[template]]\nname = \"a\"\nbase = \"nope\"", `unknown template "nope"`},
		{"bad unit", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nmargin = \"2 furlongs\"", "needs a unit"},
		{"fractional dots", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nmargin = 2.5", "whole dots"},
		{"bad symbology", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nsymbology = \"pdf417\"", `symbology "pdf417"`},
		{"url without tag", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nencode = \"url\"\nurl = \"https://x/\"", "{tag}"},
		// From a fuzz hunt: links whose tag a scan does not read there.
		{"tag in another parameter", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/view?id={tag}\"", "would not scan back"},
		{"tag mid-path", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/a/{tag}/details\"", "would not scan back"},
		{"serial only", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/s/{serial}\"", "would not scan back"},
		{"t before a tag of the serial", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/view?t={tag}&tag={serial}\"", "would not scan back"},
		{"a Snipe-IT hardware path", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/hardware/{tag}\"", "would not scan back"},
		// A scan reads the first of tag, asset_tag, t with a value, by
		// url.Query: an empty tag= first leaves it none.
		{"an empty tag parameter first", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/view?tag=&tag={tag}\"", "would not scan back"},
		// A Snipe-IT link to its own id: the scan reads the id.
		{"a Snipe-IT id's link", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/hardware/7?tag={tag}\"", "would not scan back"},
		{"the serial after the tag", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"https://x/a/{tag}{serial}\"", "would not scan back"},
		{"bad field", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nfields = [\"tag\", \"colour\"]", `field "colour"`},
		{"strip on 1D", "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nbarcode = true", "needs a 2D symbology"},
		{"bad name", "[[template]]\nname = \"My Label\"\nbase = \"zebra-2x1-203\"", "lower-case"},
		{"duplicate", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\n[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"", "defined twice"},
		{"sheet overflow", "[[template]]\nname = \"a\"\nbase = \"avery-l7163\"\n[template.sheet]\nrows = 9", "beyond the"},
		{"bad page", "[[template]]\nname = \"a\"\nbase = \"avery-l7163\"\n[template.sheet]\npage = \"A5\"", `page "A5"`},
		{"tiny font", "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nmin_font_size = 3", "minimum font size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := labels.ParseTemplates(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "labels: ") {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestZPL_Golden compares the ZPL of every label-printer template with
// testdata/zpl/<template>.zpl; run with -update to rewrite them.
func TestZPL_Golden(t *testing.T) {
	for _, tp := range thermalTemplates() {
		t.Run(tp.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := labels.ZPL(&buf, tp, sampleLabel("TD-004217"), sampleLabel("1234567890")); err != nil {
				t.Fatal(err)
			}
			checkZPL(t, buf.String(), 2)
			golden(t, filepath.Join("testdata", "zpl", tp.Name+".zpl"), buf.Bytes())
		})
	}
}

func TestZPL_Structure(t *testing.T) {
	tp := mustFind(t, "zebra-2x1-203")
	var buf bytes.Buffer
	if err := labels.ZPL(&buf, tp, sampleLabel("TD-004217")); err != nil {
		t.Fatal(err)
	}
	z := buf.String()
	for _, want := range []string{"^XA\n^CI28\n^PW406\n^LL203\n", "^BQN,2,", "^FH^FDMA,TD-004217^FS", "^BY3^BCN,", "^FH^FDTD-004217^FS", "^XZ\n"} {
		if !strings.Contains(z, want) {
			t.Errorf("ZPL lacks %q:\n%s", want, z)
		}
	}
	if err := labels.ZPL(&buf, mustFind(t, "avery-5160"), sampleLabel("X")); err == nil {
		t.Error("ZPL for a sheet template should fail")
	}
	if err := labels.ZPL(&buf, tp); err == nil {
		t.Error("ZPL with no labels should fail")
	}
}

func TestZPL_Escaping(t *testing.T) {
	tp := mustFind(t, "zebra-3x1-203")
	l := sampleLabel("TD-1")
	l.Name = "a^XZ~JR_b"
	l.Model = "line\nbreak\ttab"
	var buf bytes.Buffer
	if err := labels.ZPL(&buf, tp, l); err != nil {
		t.Fatal(err)
	}
	z := buf.String()
	checkZPL(t, z, 1)
	if !strings.Contains(z, "^FH^FDa_5EXZ_7EJR_5Fb^FS") {
		t.Errorf("name not hex-escaped:\n%s", z)
	}
	if !strings.Contains(z, "^FH^FDline break tab^FS") {
		t.Errorf("control characters not cleaned:\n%s", z)
	}
}

var zplCommand = regexp.MustCompile(`^\^(XA|CI28|PW\d+|LL\d+|LH0,0|FO\d+,\d+|BQN,2,\d+,[LMQH]|BXN,\d+,200,\d+,\d+|BY\d+|BCN,\d+,N,N,N,A|A0N,\d+,\d+|FH|FD|FS|PQ1|XZ)$`)

// checkZPL asserts the format structure: n ^XA...^XZ blocks, only known
// commands, and field data of escaped printable ASCII only.
func checkZPL(t testing.TB, z string, n int) {
	t.Helper()
	if strings.Count(z, "^XA") != n || strings.Count(z, "^XZ") != n || !strings.HasPrefix(z, "^XA\n") || !strings.HasSuffix(z, "^XZ\n") {
		t.Fatalf("want %d ^XA..^XZ blocks:\n%s", n, z)
	}
	if strings.ContainsRune(z, '~') {
		t.Fatalf("ZPL contains '~':\n%s", z)
	}
	rest := z
	for rest != "" {
		i := strings.IndexByte(rest, '^')
		if i < 0 {
			break
		}
		if strings.Trim(rest[:i], "\n") != "" {
			t.Fatalf("stray text %q outside a field:\n%s", rest[:i], z)
		}
		rest = rest[i:]
		if strings.HasPrefix(rest, "^FD") {
			end := strings.Index(rest, "^FS")
			if end < 0 {
				t.Fatalf("^FD without ^FS:\n%s", z)
			}
			data := rest[3:end]
			for j := 0; j < len(data); j++ {
				if c := data[j]; c < 0x20 || c > 0x7e || c == '^' || c == '~' {
					t.Fatalf("raw byte %q in field data %q", c, data)
				}
				if data[j] == '_' && (j+2 >= len(data) || !isHex(data[j+1]) || !isHex(data[j+2])) {
					t.Fatalf("bad _hh escape in field data %q", data)
				}
			}
			rest = rest[end:]
			continue
		}
		j := strings.IndexAny(rest[1:], "^\n")
		cmd := rest
		if j >= 0 {
			cmd = rest[:j+1]
		}
		if !zplCommand.MatchString(cmd) {
			t.Fatalf("unexpected command %q:\n%s", cmd, z)
		}
		rest = rest[len(cmd):]
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' }

func TestPDF(t *testing.T) {
	sheet := mustFind(t, "avery-l7163")
	var ls []labels.Label
	for _, tag := range []string{"TD-000001", "TD-000002", "TD-000003", "TD-000004", "TD-000005", "TD-000006", "TD-000007", "TD-000008", "TD-000009", "TD-000010", "TD-000011", "TD-000012", "TD-000013"} {
		ls = append(ls, sampleLabel(tag))
	}
	var buf bytes.Buffer
	if err := labels.PDF(&buf, sheet, ls, 5); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatal("not a complete PDF")
	}
	// 5 skipped + 13 labels on 14-label sheets: 2 pages.
	if got := pageCount(pdf); got != 2 {
		t.Errorf("PDF has %d pages, want 2", got)
	}
	if !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Error("PDF does not embed its TrueType fonts")
	}
	if err := labels.PDF(&buf, sheet, ls, 14); err == nil {
		t.Error("skip of a whole sheet should fail")
	}
	if err := labels.PDF(&buf, sheet, nil, 0); err == nil {
		t.Error("no labels should fail")
	}

	thermal := mustFind(t, "zebra-2x1-203")
	buf.Reset()
	if err := labels.PDF(&buf, thermal, ls[:3], 0); err != nil {
		t.Fatal(err)
	}
	if got := pageCount(buf.Bytes()); got != 3 {
		t.Errorf("thermal PDF has %d pages, want one per label (3)", got)
	}
	if !bytes.Contains(buf.Bytes(), []byte("/MediaBox [0 0 144.00 72.00]")) && !bytes.Contains(buf.Bytes(), []byte("144.")) {
		t.Errorf("thermal PDF page is not 2x1 inches")
	}
	if err := labels.PDF(&buf, thermal, ls[:1], 1); err == nil {
		t.Error("skip on a label-printer template should fail")
	}
}

func pageCount(pdf []byte) int {
	return len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1))
}

// TestPDF_Rasterised renders the PDF with pdftoppm and reads it with zbarimg,
// two tools independent of this package. Skipped when they are missing,
// except in CI.
func TestPDF_Rasterised(t *testing.T) {
	pdftoppm, err1 := exec.LookPath("pdftoppm")
	zbarimg, err2 := exec.LookPath("zbarimg")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)")
		}
		t.Skip("pdftoppm or zbarimg not installed")
	}
	dir := t.TempDir()
	cases := []struct {
		template string
		skip     int
		tags     []string
	}{
		{"avery-5160", 2, []string{"TD-004217", "ACME-IT-0012345", "0000000001"}},
		{"avery-l7163", 0, []string{"TD-004217", "LAPTOP-2024-000123"}},
		{"zebra-2x1-203", 0, []string{"ACME-IT-0012345"}},
		{"tag-1.25x0.5-300", 0, []string{"TD-004217"}},
	}
	for _, c := range cases {
		tp := mustFind(t, c.template)
		var ls []labels.Label
		for _, tag := range c.tags {
			ls = append(ls, sampleLabel(tag))
		}
		pdf := filepath.Join(dir, c.template+".pdf")
		var buf bytes.Buffer
		if err := labels.PDF(&buf, tp, ls, c.skip); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		// A printer's or viewer's rasteriser: poppler at a label
		// printer's and an office printer's resolutions, with and without
		// anti-aliasing (seams between a code's rows made QR codes
		// unreadable at 600 dpi).
		for _, r := range []struct {
			name string
			args []string
		}{
			{"300 mono", []string{"-r", "300", "-mono"}},
			{"600 no-aa", []string{"-r", "600", "-gray", "-aa", "no", "-aaVector", "no"}},
			{"600 aa", []string{"-r", "600", "-gray"}},
			{"720 no-aa", []string{"-r", "720", "-gray", "-aa", "no", "-aaVector", "no"}},
		} {
			if tp.Sheet != nil && r.name != "300 mono" && r.name != "720 no-aa" {
				continue // (a whole page at 600 dpi twice more: slow, and no new case)
			}
			prefix := filepath.Join(dir, c.template+"-"+strings.ReplaceAll(r.name, " ", "-"))
			if out, err := exec.Command(pdftoppm, append(append(r.args, "-png"), pdf, prefix)...).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pages, _ := filepath.Glob(prefix + "-*.png")
			args := append([]string{"-q", "--raw"}, pages...)
			out, err := exec.Command(zbarimg, args...).Output()
			if err != nil && len(out) == 0 {
				t.Errorf("zbarimg on %s (%s): %v", c.template, r.name, err)
				continue
			}
			got := strings.Fields(string(out))
			for _, tag := range c.tags {
				want := 1
				if tp.Barcode || tp.Symbology == labels.Code128 {
					want = 1 + btoi(tp.Barcode)
				}
				if n := count(got, tag); n != want {
					t.Errorf("%s (%s): zbarimg read %s %d times, want %d (read %v)", c.template, r.name, tag, n, want, got)
				}
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

// A code on a transparent background (zint --nobackground, a logo tool's
// export) is read: transparent is the paper, not ink.
func TestDecode_TransparentBackground(t *testing.T) {
	var buf bytes.Buffer
	if err := labels.PNG(&buf, mustFind(t, "zebra-2x1-203"), sampleLabel("TD-004217")); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// As zint writes it: a palette of a transparent entry and black.
	b := img.Bounds()
	clear := image.NewPaletted(b, color.Palette{color.NRGBA{}, color.NRGBA{A: 0xff}})
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				clear.SetColorIndex(x, y, 1) // ink stays black
			} // the paper becomes transparent
		}
	}
	res, err := labels.Decode(clear)
	if err != nil || len(res) == 0 || res[0].Text != "TD-004217" && !strings.HasSuffix(res[0].Text, "TD-004217") {
		t.Fatalf("decoded %v, %v", res, err)
	}
}

func TestDecode_Errors(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 100))
	for i := range blank.Pix {
		blank.Pix[i] = 0xff
	}
	if _, err := labels.Decode(blank); !errors.Is(err, labels.ErrNoCode) {
		t.Errorf("blank image: %v, want ErrNoCode", err)
	}
	if _, err := labels.Decode(image.NewGray(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("empty image: want an error")
	}
}

// TestPreview_Golden compares terminal previews with
// testdata/preview/<template>-<width>.txt; run with -update to rewrite.
func TestPreview_Golden(t *testing.T) {
	for _, tp := range labels.Builtin() {
		for _, width := range []int{80, 40} {
			got, err := labels.Preview(tp, sampleLabel("TD-004217"), width)
			if err != nil {
				t.Errorf("%s at %d: %v", tp.Name, width, err)
				continue
			}
			checkPreview(t, got, width)
			golden(t, filepath.Join("testdata", "preview", tp.Name+"-"+itoa(width)+".txt"), []byte(got+"\n"))
		}
	}
	if _, err := labels.Preview(mustFind(t, "zebra-2x1-203"), sampleLabel("X"), 5); err == nil {
		t.Error("a 5-column preview should fail")
	}
}

func checkPreview(t testing.TB, s string, width int) {
	t.Helper()
	for _, line := range strings.Split(s, "\n") {
		if n := len([]rune(line)); n > width {
			t.Fatalf("line is %d columns, more than %d: %q", n, width, line)
		}
		for _, r := range line {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
				t.Fatalf("control character %U in preview line %q", r, line)
			}
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./labels -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test ./labels -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// A sheet of labels holds many Code 128s: Decode reads every one, not the
// first it meets.
func TestDecode_EveryCode128OnASheet(t *testing.T) {
	tp := mustFind(t, "zebra-2x1-203")
	const cols, rows = 2, 3
	var want []string
	var tiles []image.Image
	for i := range cols * rows {
		tag := fmt.Sprintf("TD-%06d", 100+i)
		img, err := labels.Render(tp, sampleLabel(tag))
		if err != nil {
			t.Fatal(err)
		}
		want, tiles = append(want, tag), append(tiles, img)
	}
	tw, th := tiles[0].Bounds().Dx(), tiles[0].Bounds().Dy()
	const gap = 40
	sheet := image.NewGray(image.Rect(0, 0, cols*(tw+gap)+gap, rows*(th+gap)+gap))
	for i := range sheet.Pix {
		sheet.Pix[i] = 0xff
	}
	for i, img := range tiles {
		x, y := gap+(i%cols)*(tw+gap), gap+(i/cols)*(th+gap)
		draw.Draw(sheet, image.Rect(x, y, x+tw, y+th), img, img.Bounds().Min, draw.Src)
	}
	rs, err := labels.Decode(sheet)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rs {
		if r.Format == string(labels.Code128) {
			got[r.Text] = true
		}
	}
	for _, tag := range want {
		if !got[tag] {
			t.Errorf("Code 128 %s not read from the sheet (read %v)", tag, got)
		}
	}
}

// An accent typed as a separate mark (e + U+0301) prints as é, not e; text
// the label fonts cannot draw is listed, so that the desk can say it
// prints as '?'.
func TestText_ComposedAndUnprintable(t *testing.T) {
	tp := mustFind(t, "zebra-2x1-203")
	l := sampleLabel("TD-1")
	l.Name = "De\u0301cor 王"
	var b bytes.Buffer
	if err := labels.ZPL(&b, tp, l); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "D_C3_A9cor ?") {
		t.Errorf("ZPL name: %s", b.String())
	}
	rs, err := labels.Unprintable(tp, l)
	if err != nil || string(rs) != "王" {
		t.Errorf("unprintable %q, %v; want 王", string(rs), err)
	}
	if rs, _ := labels.Unprintable(tp, sampleLabel("TD-2")); len(rs) != 0 {
		t.Errorf("unprintable in plain text: %q", string(rs))
	}
}

// A Code 128 standing on its end (a label printed rotated) is read.
func TestDecode_Code128OnItsEnd(t *testing.T) {
	var buf bytes.Buffer
	if err := labels.PNG(&buf, mustFind(t, "tag-1.25x0.5-300"), sampleLabel("TD-000777")); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	turned := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			turned.Set(y-b.Min.Y, b.Max.X-1-x, img.At(x, y))
		}
	}
	res, err := labels.Decode(turned)
	if err != nil || len(res) != 1 || res[0].Text != "TD-000777" {
		t.Fatalf("decoded %v, %v", res, err)
	}
}

// From a warehouse lead's hunt: a {serial} in a URL's query was escaped
// with the path's rules ('&', '=', '+' kept), so the scanned URL read back
// another serial; and a QR of non-ASCII data went to the printer in ZPL's
// automatic input mode, which cannot carry UTF-8's bytes. The query's
// placeholders are escaped for a query; such data goes in byte mode with
// its length.
func TestURLQueryAndNonASCIIQR(t *testing.T) {
	ts, err := labels.ParseTemplates(strings.NewReader(`
[[template]]
name = "url-q"
base = "zebra-2x1-203"
encode = "url"
url = "https://assets.example.com/a/{tag}?s={serial}"

[[template]]
name = "by-serial"
base = "zebra-3x1-203"
encode = "serial"
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := labels.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	l := sampleLabel("URL-1")
	l.Serial = "A&B=C+D #1"
	img, err := r.Render(ts[0], l)
	if err != nil {
		t.Fatal(err)
	}
	res, err := labels.Decode(img)
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, x := range res {
		if x.Format == string(labels.QR) {
			got = x.Text
		}
	}
	u, err := url.Parse(got)
	if err != nil || u.Path != "/a/URL-1" || u.Query().Get("s") != l.Serial {
		t.Errorf("the QR reads %q: serial %q, want %q", got, u.Query().Get("s"), l.Serial)
	}

	l = sampleLabel("TD-2")
	l.Serial = "SN-éß"
	var buf bytes.Buffer
	if err := labels.ZPL(&buf, ts[1], l); err != nil {
		t.Fatal(err)
	}
	if z := buf.String(); !strings.Contains(z, "^FH^FDMM,B0007SN-_C3_A9_C3_9F^FS") {
		t.Errorf("the QR field:\n%s", z)
	}
	buf.Reset()
	if err := labels.ZPL(&buf, ts[1], sampleLabel("TD-3")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "^FH^FDMA,") {
		t.Errorf("an ASCII QR field:\n%s", buf.String())
	}
}

// The link patterns a scan reads the tag from are taken.
func TestURLPatternsThatScanBack(t *testing.T) {
	// The path names the asset: a tag, asset_tag or t parameter after it
	// is read only when it names none (a review: …/a/{tag}?t=print was
	// refused, and scanned back).
	for _, u := range []string{"https://x/a/{tag}", "https://x/a/{tag}/", "https://x/a/{tag}?s={serial}", "https://x/view?tag={tag}", "https://x/view?x=1&asset_tag={tag}", "https://x/?t={tag}#top",
		"https://assets.example.com/a/{tag}?t=print", "https://x/a/{tag}?t={serial}", "https://x/view?%74ag={tag}", "https://x/s/{serial}?tag={tag}",
		" https://assets.example.com/a/{tag}"} { // (a space before it: a scan trims it, and an older build took it)
		file := "[[template]]\nname = \"a\"\nbase = \"tag-1.25x0.5-300\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"" + u + "\""
		if _, err := labels.ParseTemplates(strings.NewReader(file)); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	// From a review: with the Code 128 strip (which carries the tag) the
	// link may go anywhere, an intranet page by id as well.
	file := "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nencode = \"url\"\nurl = \"https://assets.example.com/view?id={tag}\""
	if _, err := labels.ParseTemplates(strings.NewReader(file)); err != nil {
		t.Errorf("a link by id with the strip refused: %v", err)
	}
	// Not to /hardware/{tag}: its QR code opens the asset with that
	// Snipe-IT id, strip or no strip (a review).
	file = "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nencode = \"url\"\nurl = \"https://snipe.example.com/hardware/{tag}\""
	if _, err := labels.ParseTemplates(strings.NewReader(file)); err == nil || !strings.Contains(err.Error(), "would not scan back") {
		t.Errorf("a /hardware/{tag} link with the strip: %v", err)
	}
	// Nor {serial}: a serial of digits (an IMEI) reads as Snipe-IT's id.
	file = "[[template]]\nname = \"a\"\nbase = \"zebra-2x1-203\"\nencode = \"url\"\nurl = \"https://snipe.example.com/hardware/{serial}\""
	if _, err := labels.ParseTemplates(strings.NewReader(file)); err == nil || !strings.Contains(err.Error(), "would not scan back") {
		t.Errorf("a /hardware/{serial} link with the strip: %v", err)
	}
}

// From a labels hunt: a Zebra template at 600 dpi sized its QR modules at
// 14 dots, past ZPL's largest magnification (10): every label failed at
// the printer's turn, after it was queued. Capped; the label still decodes.
func TestZPLAt600DPI(t *testing.T) {
	user, err := labels.ParseTemplates(strings.NewReader("[[template]]\nname = \"z600\"\nbase = \"zebra-2x1-300\"\ndpi = 600\n"))
	if err != nil {
		t.Fatal(err)
	}
	var zpl bytes.Buffer
	if err := labels.ZPL(&zpl, user[0], sampleLabel("TD-004217")); err != nil {
		t.Fatalf("ZPL at 600 dpi: %v", err)
	}
	img, err := labels.Render(user[0], sampleLabel("TD-004217"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := labels.Decode(img); err != nil || len(res) == 0 || res[0].Text != "TD-004217" {
		t.Errorf("decoded %v, %v", res, err)
	}
}
