package labels

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Symbology is a kind of barcode.
type Symbology string

// Symbologies a template can use.
const (
	QR         Symbology = "qr"
	DataMatrix Symbology = "datamatrix"
	Code128    Symbology = "code128"
)

// is2D reports whether s is a matrix code.
// DefaultTemplate is the template a desk prints with when none is set.
const DefaultTemplate = "zebra-2x1-203"

func (s Symbology) is2D() bool { return s == QR || s == DataMatrix }

// String returns the name used in messages, e.g. "Code 128".
func (s Symbology) String() string {
	switch s {
	case QR:
		return "QR code"
	case DataMatrix:
		return "Data Matrix"
	case Code128:
		return "Code 128"
	}
	return string(s)
}

// Encoding says what the main code carries.
type Encoding string

// What the main code can carry.
const (
	EncodeTag    Encoding = "tag"    // the bare asset tag (default; smallest code)
	EncodeURL    Encoding = "url"    // Template.URL with {tag} and {serial} filled in
	EncodeSerial Encoding = "serial" // the serial number
)

// Layout arranges the code and the text on a label.
type Layout string

// Layouts. LayoutAuto picks side for landscape labels and stack for
// portrait ones.
const (
	LayoutAuto  Layout = ""
	LayoutSide  Layout = "side"  // 2D code on the left, text on its right
	LayoutStack Layout = "stack" // code on top, text below
)

// Field names usable in Template.Fields. A field may also be "custom:KEY"
// (Label.Custom[KEY]) or "text:WORDS" (literal text, in which {tag}, {name},
// {model}, {serial}, {location}, {owner} and {custom:KEY} are replaced).
const (
	FieldTag      = "tag"
	FieldName     = "name"
	FieldModel    = "model"
	FieldSerial   = "serial"
	FieldLocation = "location"
	FieldOwner    = "owner"
)

// Template describes one label stock: its size on the printer's dot grid,
// what codes it carries and which text lines it shows. All lengths are in
// printer dots at DPI.
type Template struct {
	Name        string
	Description string

	Width, Height int // label size in dots
	DPI           int // printer resolution in dots per inch
	Margin        int // blank border on every side, in dots

	// Symbology is the main code. Encode says what it carries.
	Symbology Symbology
	Encode    Encoding
	URL       string // pattern for EncodeURL, e.g. "https://assets.example.com/a/{tag}"
	ECLevel   string // QR error correction: L, M (default), Q or H

	// Barcode adds a Code 128 strip of the bare tag along the bottom of
	// the label; only with a 2D Symbology.
	Barcode bool
	// BarHeight is the Code 128 bar height in dots; 0 picks one.
	BarHeight int

	// Fields are the text lines, top to bottom (see the Field constants).
	// A line whose value is empty is left out.
	Fields []string
	// Owner is the text of the "owner" field when Label.Owner is empty,
	// such as "Property of ACME IT".
	Owner string

	TagFontSize int // size of the tag line in dots (em height)
	FontSize    int // size of the other lines in dots
	MinFontSize int // text is shrunk to fit down to this size, then it is an error

	Layout Layout

	// Sheet is set for labels printed on A4/Letter sheets; nil for label
	// printers (one label per page or per ZPL format).
	Sheet *Sheet

	// Format is what the template's printer takes when nothing else says:
	// "zpl" (Zebra and compatible printers, raw; the default) or "pdf" (a
	// printer with a driver, through CUPS: Brother QL, DYMO). Sheets are
	// PDF.
	Format string
}

// Sheet is the grid of labels on a sheet of paper. Lengths are in
// millimetres.
type Sheet struct {
	Page                  string  // "A4", "Letter" or "custom"
	PageWidth, PageHeight float64 // mm
	Columns, Rows         int
	PitchX, PitchY        float64 // distance between the top-left corners of neighbouring labels, mm
	Left, Top             float64 // top-left corner of the first label, mm
}

// PerPage is the number of labels on one sheet.
func (s *Sheet) PerPage() int { return s.Columns * s.Rows }

// WidthMM returns the label width in millimetres.
func (t Template) WidthMM() float64 { return float64(t.Width) * 25.4 / float64(t.DPI) }

// HeightMM returns the label height in millimetres.
func (t Template) HeightMM() float64 { return float64(t.Height) * 25.4 / float64(t.DPI) }

// dots converts millimetres to dots at the template's resolution.
func (t Template) dots(mm float64) int { return int(math.Round(mm * float64(t.DPI) / 25.4)) }

func mmToDots(mm float64, dpi int) int { return int(math.Round(mm * float64(dpi) / 25.4)) }

// Page sizes in millimetres.
var pageSizes = map[string][2]float64{
	"a4":     {210, 297},
	"letter": {215.9, 279.4},
}

// Builtin returns the built-in templates, sorted by name. The slice is new
// on every call; callers may modify it.
func Builtin() []Template {
	thermal := func(name, desc string, wmm, hmm float64, dpi int) Template {
		t := Template{
			Name:        name,
			Description: desc,
			DPI:         dpi,
			Width:       mmToDots(wmm, dpi),
			Height:      mmToDots(hmm, dpi),
			Symbology:   QR,
			Encode:      EncodeTag,
			ECLevel:     "M",
		}
		t.Margin = t.dots(1.5)
		t.TagFontSize = t.dots(3.4)
		t.FontSize = t.dots(2.5)
		t.MinFontSize = t.dots(1.6)
		return t
	}

	z2203 := thermal(DefaultTemplate, `Zebra 2"x1" (50.8x25.4 mm), 203 dpi: QR, Code 128, tag, name, serial`, 50.8, 25.4, 203)
	z2203.Barcode = true
	z2203.Fields = []string{FieldTag, FieldName, FieldSerial}

	z2300 := thermal("zebra-2x1-300", `Zebra 2"x1" (50.8x25.4 mm), 300 dpi: QR, Code 128, tag, name, serial`, 50.8, 25.4, 300)
	z2300.Barcode = true
	z2300.Fields = []string{FieldTag, FieldName, FieldSerial}

	z3203 := thermal("zebra-3x1-203", `Zebra 3"x1" (76.2x25.4 mm), 203 dpi: QR, Code 128, tag, name, model, owner`, 76.2, 25.4, 203)
	z3203.Barcode = true
	z3203.Fields = []string{FieldTag, FieldName, FieldModel, FieldOwner}

	z3300 := thermal("zebra-3x1-300", `Zebra 3"x1" (76.2x25.4 mm), 300 dpi: QR, Code 128, tag, name, model, owner`, 76.2, 25.4, 300)
	z3300.Barcode = true
	z3300.Fields = []string{FieldTag, FieldName, FieldModel, FieldOwner}

	// Brother QL at 300 dpi: 62 mm tape prints 696 dots across, 29 mm
	// tape 306 dots (brother_ql printable areas).
	b62 := thermal("brother-62mm", "Brother QL 62 mm tape, 62x29 mm (696x271 dots), 300 dpi: QR, tag, name, model, serial, owner", 62, 29, 300)
	b62.Width, b62.Height = 696, 271
	b62.Fields = []string{FieldTag, FieldName, FieldModel, FieldSerial, FieldOwner}
	b62.Format = "pdf" // a Brother QL takes no ZPL: its CUPS driver takes PDF

	b29 := thermal("brother-29mm", "Brother QL 29 mm tape, 29x38 mm (306x449 dots), 300 dpi: QR above tag and name", 29, 38, 300)
	b29.Width = 306
	b29.Margin = b29.dots(1)
	b29.Fields = []string{FieldTag, FieldName}
	b29.Format = "pdf"

	small := thermal("tag-1.25x0.5-300", `Small 1.25"x0.5" tag (31.75x12.7 mm), 300 dpi: Code 128 and tag`, 31.75, 12.7, 300)
	small.Symbology = Code128
	small.Margin = small.dots(1)
	small.TagFontSize = small.dots(2.4)
	small.FontSize = small.dots(1.8)
	small.MinFontSize = small.dots(1.4)
	small.Fields = []string{FieldTag}

	sheet := func(name, desc string, wmm, hmm float64, s Sheet) Template {
		t := thermal(name, desc, wmm, hmm, 300)
		t.Margin = t.dots(3)
		t.TagFontSize = t.dots(4.2)
		t.FontSize = t.dots(3)
		t.MinFontSize = t.dots(1.8)
		t.Sheet = &s
		return t
	}
	l7163 := sheet("avery-l7163", "Avery L7163, A4 sheet of 14 (2x7) 99.1x38.1 mm labels: QR, Code 128, tag, name, model, serial, owner",
		99.1, 38.1, Sheet{Page: "A4", PageWidth: 210, PageHeight: 297, Columns: 2, Rows: 7, PitchX: 101.6, PitchY: 38.1, Left: 4.65, Top: 15.15})
	l7163.Barcode = true
	l7163.Fields = []string{FieldTag, FieldName, FieldModel, FieldSerial, FieldOwner}

	a5160 := sheet("avery-5160", `Avery 5160, Letter sheet of 30 (3x10) 2.625"x1" labels: QR, tag, name, owner`,
		66.675, 25.4, Sheet{Page: "Letter", PageWidth: 215.9, PageHeight: 279.4, Columns: 3, Rows: 10, PitchX: 69.85, PitchY: 25.4, Left: 4.7625, Top: 12.7})
	a5160.Margin = a5160.dots(2)
	a5160.TagFontSize = a5160.dots(3.4)
	a5160.FontSize = a5160.dots(2.5)
	a5160.Fields = []string{FieldTag, FieldName, FieldOwner}

	ts := []Template{z2203, z2300, z3203, z3300, b62, b29, small, l7163, a5160}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Name < ts[j].Name })
	return ts
}

// Find returns the template called name. Templates in user take precedence
// over the built-in ones.
func Find(name string, user []Template) (Template, error) {
	for _, t := range user {
		if t.Name == name {
			return t.clone(), nil
		}
	}
	builtin := Builtin()
	for _, t := range builtin {
		if t.Name == name {
			return t, nil
		}
	}
	names := make([]string, 0, len(user)+len(builtin))
	for _, t := range user {
		names = append(names, t.Name)
	}
	for _, t := range builtin {
		if !slices.Contains(names, t.Name) {
			names = append(names, t.Name)
		}
	}
	sort.Strings(names)
	return Template{}, fmt.Errorf("labels: unknown template %q (known: %s)", name, strings.Join(names, ", "))
}

func (t Template) clone() Template {
	t.Fields = slices.Clone(t.Fields)
	if t.Sheet != nil {
		s := *t.Sheet
		t.Sheet = &s
	}
	return t
}

// validName reports whether name matches ^[a-z0-9][a-z0-9._-]*$. (A hand
// check rather than a regexp: Validate runs for every label laid out.)
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// Validate checks that the template is complete and self-consistent. It
// does not check that particular data fits; rendering does that.
func (t Template) Validate() error {
	if err := t.validate(); err != nil {
		if t.Name == "" {
			return fmt.Errorf("labels: template: %w", err)
		}
		return fmt.Errorf("labels: template %s: %w", t.Name, err)
	}
	return nil
}

func (t Template) validate() error {
	if !validName(t.Name) {
		return fmt.Errorf("name %q must be lower-case letters, digits, '.', '_' or '-'", t.Name)
	}
	if t.DPI < 100 || t.DPI > 1200 {
		return fmt.Errorf("dpi %d is out of range (100-1200)", t.DPI)
	}
	maxDots := 20 * t.DPI
	if t.Width <= 0 || t.Height <= 0 || t.Width > maxDots || t.Height > maxDots {
		return fmt.Errorf("size %dx%d dots is out of range (1-%d)", t.Width, t.Height, maxDots)
	}
	if t.Margin < 0 || 2*t.Margin >= min(t.Width, t.Height)/2 {
		return fmt.Errorf("margin %d dots is out of range for a %dx%d label", t.Margin, t.Width, t.Height)
	}
	switch t.Symbology {
	case QR, DataMatrix, Code128:
	default:
		return fmt.Errorf("symbology %q is not one of qr, datamatrix, code128", t.Symbology)
	}
	if t.Barcode && !t.Symbology.is2D() {
		return errors.New("barcode (an extra Code 128 strip) needs a 2D symbology (qr or datamatrix)")
	}
	switch t.Encode {
	case EncodeTag, EncodeSerial:
	case EncodeURL:
		if !strings.Contains(t.URL, "{tag}") && !strings.Contains(t.URL, "{serial}") {
			return fmt.Errorf("encode = url needs a url pattern containing {tag} or {serial}, got %q", t.URL)
		}
		if hardwareLink(t.URL) {
			return fmt.Errorf("encode = url: %q puts the code after /hardware/, where a scan reads digits as Snipe-IT's own asset id: its labels would not scan back (or scan as another asset); put it elsewhere, e.g. https://host/a/{tag}", t.URL)
		}
		if !t.Barcode && !urlCarriesTag(t.URL) {
			// (A scan of a link reads its tag there, and only there: a
			// label that scans as no asset, or as another, is no label.
			// One with the Code 128 strip scans by that: its link may go
			// anywhere.)
			return fmt.Errorf("encode = url: a scan reads the tag from a link's last path segment (https://host/a/{tag}, whatever parameters follow), else, when that segment is no tag, from its first tag, asset_tag or t parameter with a value, in that order (https://host/view?tag={tag}); %q puts it elsewhere, and its labels would not scan back (or add barcode = true: the Code 128 strip carries the tag)", t.URL)
		}
		if n := shortestLink(t.URL); !t.Barcode && n > maxScan {
			return fmt.Errorf("encode = url: the url is %d bytes with a tag of one character, longer than the %d bytes a scan may be (the desk refuses a longer scan): its labels would not scan back; shorten it (or add barcode = true: the Code 128 strip carries the tag)", n, maxScan)
		}
	default:
		return fmt.Errorf("encode %q is not one of tag, url, serial", t.Encode)
	}
	switch t.ECLevel {
	case "L", "M", "Q", "H":
	default:
		return fmt.Errorf("error correction %q is not one of L, M, Q, H", t.ECLevel)
	}
	if t.BarHeight < 0 || t.BarHeight > t.Height {
		return fmt.Errorf("bar height %d dots is out of range", t.BarHeight)
	}
	for _, f := range t.Fields {
		if err := checkField(f); err != nil {
			return err
		}
	}
	switch t.Layout {
	case LayoutAuto, LayoutSide, LayoutStack:
	default:
		return fmt.Errorf("layout %q is not one of side, stack", t.Layout)
	}
	minFont := max(6, t.dots(1.0))
	if t.MinFontSize < minFont {
		return fmt.Errorf("minimum font size %d dots is below %d dots (1 mm)", t.MinFontSize, minFont)
	}
	if t.FontSize < t.MinFontSize || t.TagFontSize < t.MinFontSize {
		return fmt.Errorf("font sizes (tag %d, text %d dots) must not be below the minimum %d", t.TagFontSize, t.FontSize, t.MinFontSize)
	}
	if t.FontSize > t.Height || t.TagFontSize > t.Height {
		return fmt.Errorf("font sizes (tag %d, text %d dots) exceed the label height %d", t.TagFontSize, t.FontSize, t.Height)
	}
	if t.Sheet != nil {
		if err := t.Sheet.validate(t.WidthMM(), t.HeightMM()); err != nil {
			return fmt.Errorf("sheet: %w", err)
		}
	}
	return nil
}

func checkField(f string) error {
	switch f {
	case FieldTag, FieldName, FieldModel, FieldSerial, FieldLocation, FieldOwner:
		return nil
	}
	if key, ok := strings.CutPrefix(f, "custom:"); ok {
		if strings.TrimSpace(key) == "" {
			return fmt.Errorf("field %q has no custom field key", f)
		}
		return nil
	}
	if text, ok := strings.CutPrefix(f, "text:"); ok {
		if strings.TrimSpace(text) == "" {
			return fmt.Errorf("field %q has no text", f)
		}
		return nil
	}
	return fmt.Errorf("field %q is not one of tag, name, model, serial, location, owner, custom:KEY, text:WORDS", f)
}

func (s *Sheet) validate(wmm, hmm float64) error {
	const slack = 0.5 // mm
	if s.Columns < 1 || s.Rows < 1 || s.Columns*s.Rows > 1000 {
		return fmt.Errorf("grid %dx%d is out of range", s.Columns, s.Rows)
	}
	if s.PageWidth <= 0 || s.PageHeight <= 0 {
		return fmt.Errorf("page size %gx%g mm is not positive", s.PageWidth, s.PageHeight)
	}
	if s.Left < 0 || s.Top < 0 {
		return fmt.Errorf("offsets %g, %g mm must not be negative", s.Left, s.Top)
	}
	if s.Columns > 1 && s.PitchX+slack < wmm {
		return fmt.Errorf("horizontal pitch %g mm is less than the label width %.2f mm", s.PitchX, wmm)
	}
	if s.Rows > 1 && s.PitchY+slack < hmm {
		return fmt.Errorf("vertical pitch %g mm is less than the label height %.2f mm", s.PitchY, hmm)
	}
	right := s.Left + float64(s.Columns-1)*s.PitchX + wmm
	bottom := s.Top + float64(s.Rows-1)*s.PitchY + hmm
	if right > s.PageWidth+slack || bottom > s.PageHeight+slack {
		return fmt.Errorf("%dx%d labels reach %.1fx%.1f mm, beyond the %gx%g mm page", s.Columns, s.Rows, right, bottom, s.PageWidth, s.PageHeight)
	}
	return nil
}

// templateFile is the TOML form of a template file:
//
//	[[template]]
//	name = "acme-2x1"
//	base = "zebra-2x1-203"       # optional: start from this template
//	width = "2in"                # lengths: "50.8mm", "2in", "12pt" or a number of dots
//	encode = "url"
//	url = "https://assets.example.com/a/{tag}"
//	fields = ["tag", "name", "owner"]
//	owner = "Property of ACME IT"
type templateFile struct {
	Template []rawTemplate `toml:"template"`
}

type rawTemplate struct {
	Name        *string   `toml:"name"`
	Base        *string   `toml:"base"`
	Description *string   `toml:"description"`
	Width       *length   `toml:"width"`
	Height      *length   `toml:"height"`
	DPI         *int      `toml:"dpi"`
	Margin      *length   `toml:"margin"`
	Symbology   *string   `toml:"symbology"`
	Encode      *string   `toml:"encode"`
	URL         *string   `toml:"url"`
	ECLevel     *string   `toml:"error_correction"`
	Barcode     *bool     `toml:"barcode"`
	BarHeight   *length   `toml:"bar_height"`
	Fields      *[]string `toml:"fields"`
	Owner       *string   `toml:"owner"`
	TagFontSize *length   `toml:"tag_font_size"`
	FontSize    *length   `toml:"font_size"`
	MinFontSize *length   `toml:"min_font_size"`
	Layout      *string   `toml:"layout"`
	Format      *string   `toml:"format"`
	Sheet       *rawSheet `toml:"sheet"`
}

type rawSheet struct {
	Page       *string `toml:"page"`
	PageWidth  *length `toml:"page_width"`
	PageHeight *length `toml:"page_height"`
	Columns    *int    `toml:"columns"`
	Rows       *int    `toml:"rows"`
	PitchX     *length `toml:"pitch_x"`
	PitchY     *length `toml:"pitch_y"`
	Left       *length `toml:"left"`
	Top        *length `toml:"top"`
}

// length is a TOML length: a string with a unit (mm, cm, in, pt) or a bare
// number of dots. It is resolved against the template's DPI after decoding.
type length struct {
	mm   float64
	dots int
	isMM bool
}

func (l *length) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return fmt.Errorf("length %d must not be negative", x)
		}
		l.dots, l.isMM = int(x), false
		return nil
	case float64:
		if x < 0 || x != math.Trunc(x) {
			return fmt.Errorf("length %g: a bare number is whole dots; give a unit, e.g. \"%gmm\"", x, x)
		}
		l.dots, l.isMM = int(x), false
		return nil
	case string:
		s := strings.TrimSpace(strings.ToLower(x))
		units := []struct {
			suffix string
			mm     float64
		}{{"mm", 1}, {"cm", 10}, {"in", 25.4}, {"\"", 25.4}, {"pt", 25.4 / 72}, {"dots", 0}}
		for _, u := range units {
			num, ok := strings.CutSuffix(s, u.suffix)
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
				return fmt.Errorf("length %q is not a non-negative number with a unit", x)
			}
			if u.mm == 0 {
				l.dots, l.isMM = int(math.Round(f)), false
			} else {
				l.mm, l.isMM = f*u.mm, true
			}
			return nil
		}
		return fmt.Errorf("length %q needs a unit: mm, cm, in, pt or dots", x)
	}
	return fmt.Errorf("length %v must be a string with a unit or a number of dots", v)
}

func (l *length) toDots(dpi int) int {
	if l.isMM {
		return mmToDots(l.mm, dpi)
	}
	return l.dots
}

func (l *length) toMM(dpi int) float64 {
	if l.isMM {
		return l.mm
	}
	return float64(l.dots) * 25.4 / float64(dpi)
}

// ParseTemplates reads a TOML template file (an array of [[template]]
// tables) and returns its templates, each validated. A template may name a
// base (a built-in or an earlier template in the file) to start from; a
// template with a built-in's name overrides that built-in in Find.
func ParseTemplates(r io.Reader) ([]Template, error) {
	var f templateFile
	md, err := toml.NewDecoder(r).Decode(&f)
	if err != nil {
		return nil, fmt.Errorf("labels: template file: %w", err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("labels: template file: unknown keys: %s", strings.Join(keys, ", "))
	}
	var out []Template
	for i, rt := range f.Template {
		t, err := rt.resolve(out)
		if err != nil {
			name := fmt.Sprintf("#%d", i+1)
			if rt.Name != nil {
				name = strconv.Quote(*rt.Name)
			}
			return nil, fmt.Errorf("labels: template file: template %s: %w", name, err)
		}
		if err := t.Validate(); err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.Name == t.Name {
				return nil, fmt.Errorf("labels: template file: template %q is defined twice", t.Name)
			}
		}
		out = append(out, t)
	}
	return out, nil
}

func (rt rawTemplate) resolve(earlier []Template) (Template, error) {
	if rt.Name == nil {
		return Template{}, errors.New("missing name")
	}
	var t Template
	if rt.Base != nil {
		b, err := Find(*rt.Base, earlier)
		if err != nil {
			return Template{}, fmt.Errorf("base: %w", err)
		}
		t = b
		t.Description = ""
	} else {
		// Defaults for a template written from scratch.
		t = Template{DPI: 203, Symbology: QR, Encode: EncodeTag, ECLevel: "M", Fields: []string{FieldTag}}
		if rt.Width == nil || rt.Height == nil {
			return Template{}, errors.New("width and height are required without a base")
		}
	}
	t.Name = *rt.Name
	if rt.Description != nil {
		t.Description = *rt.Description
	}
	oldDPI := t.DPI
	if rt.DPI != nil {
		t.DPI = *rt.DPI
		if t.DPI < 100 || t.DPI > 1200 {
			return Template{}, fmt.Errorf("dpi %d is out of range (100-1200)", t.DPI)
		}
	}
	// A base at another resolution keeps its physical sizes.
	if t.DPI != oldDPI && oldDPI > 0 {
		rescale := func(d int) int { return int(math.Round(float64(d) * float64(t.DPI) / float64(oldDPI))) }
		t.Width, t.Height, t.Margin = rescale(t.Width), rescale(t.Height), rescale(t.Margin)
		t.BarHeight = rescale(t.BarHeight)
		t.TagFontSize, t.FontSize, t.MinFontSize = rescale(t.TagFontSize), rescale(t.FontSize), rescale(t.MinFontSize)
	}
	setDots := func(dst *int, l *length) {
		if l != nil {
			*dst = l.toDots(t.DPI)
		}
	}
	setDots(&t.Width, rt.Width)
	setDots(&t.Height, rt.Height)
	setDots(&t.Margin, rt.Margin)
	setDots(&t.BarHeight, rt.BarHeight)
	if rt.Base == nil {
		// Scale defaults to the label when not given.
		if rt.Margin == nil {
			t.Margin = t.dots(1.5)
		}
		t.TagFontSize, t.FontSize, t.MinFontSize = t.dots(3.4), t.dots(2.5), t.dots(1.6)
	}
	setDots(&t.TagFontSize, rt.TagFontSize)
	setDots(&t.FontSize, rt.FontSize)
	setDots(&t.MinFontSize, rt.MinFontSize)
	if rt.Symbology != nil {
		t.Symbology = Symbology(strings.ToLower(strings.ReplaceAll(*rt.Symbology, " ", "")))
	}
	if rt.Encode != nil {
		t.Encode = Encoding(strings.ToLower(*rt.Encode))
	}
	if rt.URL != nil {
		t.URL = *rt.URL
	}
	if rt.ECLevel != nil {
		t.ECLevel = strings.ToUpper(*rt.ECLevel)
	}
	if rt.Barcode != nil {
		t.Barcode = *rt.Barcode
	}
	if rt.Fields != nil {
		t.Fields = slices.Clone(*rt.Fields)
	}
	if rt.Owner != nil {
		t.Owner = *rt.Owner
	}
	if rt.Layout != nil {
		t.Layout = Layout(strings.ToLower(*rt.Layout))
	}
	if rt.Format != nil {
		switch f := strings.ToLower(*rt.Format); f {
		case "zpl", "pdf":
			t.Format = f
		default:
			return Template{}, fmt.Errorf("format %q: a label printer takes zpl (Zebra, raw) or pdf (through a driver: Brother, DYMO)", *rt.Format)
		}
	}
	if rt.Sheet != nil {
		if err := rt.Sheet.apply(&t); err != nil {
			return Template{}, err
		}
	}
	return t, nil
}

func (rs *rawSheet) apply(t *Template) error {
	var s Sheet
	if t.Sheet != nil {
		s = *t.Sheet
	}
	if rs.Page != nil {
		s.Page = *rs.Page
		if size, ok := pageSizes[strings.ToLower(s.Page)]; ok {
			s.PageWidth, s.PageHeight = size[0], size[1]
		} else if !strings.EqualFold(s.Page, "custom") {
			return fmt.Errorf("sheet page %q is not one of A4, Letter, custom", s.Page)
		}
	}
	setMM := func(dst *float64, l *length) {
		if l != nil {
			*dst = l.toMM(t.DPI)
		}
	}
	setMM(&s.PageWidth, rs.PageWidth)
	setMM(&s.PageHeight, rs.PageHeight)
	setMM(&s.PitchX, rs.PitchX)
	setMM(&s.PitchY, rs.PitchY)
	setMM(&s.Left, rs.Left)
	setMM(&s.Top, rs.Top)
	if rs.Columns != nil {
		s.Columns = *rs.Columns
	}
	if rs.Rows != nil {
		s.Rows = *rs.Rows
	}
	if s.Page == "" {
		s.Page = "custom"
	}
	if s.PitchX == 0 {
		s.PitchX = t.WidthMM()
	}
	if s.PitchY == 0 {
		s.PitchY = t.HeightMM()
	}
	t.Sheet = &s
	return nil
}

// hardwareLink says whether a url pattern puts {tag} or {serial} after
// /hardware/, where a scan reads digits as Snipe-IT's own asset id: its QR
// code would open another asset, strip or no strip.
func hardwareLink(pattern string) bool {
	path, _ := linkParts(pattern)
	return strings.HasSuffix(path, "/hardware/{tag}") || strings.HasSuffix(path, "/hardware/{serial}")
}

// linkParts splits a url pattern into its path (without a trailing /)
// and its query, the fragment left out.
func linkParts(pattern string) (path, query string) {
	rest, _, _ := strings.Cut(pattern, "#")
	path, query, _ = strings.Cut(rest, "?")
	return strings.TrimRight(path, "/"), query
}
