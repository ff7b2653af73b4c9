package labels

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/image/font/sfnt"
)

// placedSymbol is a code positioned on the label's dot grid.
type placedSymbol struct {
	s      *symbol
	x, y   int // top-left corner of the first module, in dots
	module int // dots per module (narrow bar width for Code 128)
	height int // height in dots (bar height for Code 128)
}

// placedText is one line of text positioned on the label's dot grid.
type placedText struct {
	field    string
	text     string
	bold     bool
	size     int // em size in dots
	x, y     int // top-left corner of the line box
	baseline int // y of the baseline
	width    int
}

// plan is a complete label layout, shared by every output format.
type plan struct {
	t     *Template
	syms  []placedSymbol
	texts []placedText
}

// textLine is a field value waiting to be placed.
type textLine struct {
	field string
	text  string
	bold  bool
	size  int
}

type planner struct {
	t     *Template
	l     *Label
	fs    *fontSet
	buf   *sfnt.Buffer // for runes outside the fonts' advance tables; made on first use
	lines []textLine
	line0 [6]textLine // backing store for lines
	// cut lets fitLines shorten a line other than the tag that is too
	// wide at the minimum font size (ending it with ellipsis), and leave
	// out the last such lines when they are too many for the height. A
	// layout is tried without it first, so text is cut only on a label
	// where no size of the code leaves room for it whole.
	cut bool
}

// ellipsis ends a line cut to fit: three full stops, which every font a
// printer has can draw (a Zebra's resident fonts may lack U+2026).
const ellipsis = "..."

// textFitError is a layout failure of the text, not of a code: a layout
// that may cut text can mend it.
type textFitError struct{ error }

func textFitErrorf(format string, args ...any) error {
	return textFitError{fmt.Errorf(format, args...)}
}

// width measures text in the given face at size dots per em.
func (p *planner) width(bold bool, text string, size int) int {
	if p.buf == nil && !fastText(text) {
		p.buf = new(sfnt.Buffer)
	}
	return p.fs.face(bold).width(p.buf, text, size)
}

// fastText reports whether every rune of s is in the advance tables, so
// measuring it needs no sfnt.Buffer.
func fastText(s string) bool {
	for _, r := range s {
		if r >= fastRunes {
			return false
		}
	}
	return true
}

// moduleLimits returns the smallest and largest module sizes in dots for
// 2D and 1D codes at the template's resolution. The smallest keep codes
// readable by ordinary handheld scanners: 0.25 mm matrix modules and
// 0.19 mm (7.5 mil) narrow bars, never below 2 dots.
func moduleLimits(t *Template) (min2D, max2D, min1D, max1D int) {
	// ZPL magnifies a symbol's module at most 10 times (^BQ, ^BX, ^BY):
	// at 600 dpi 0.6 mm is 14 dots, and every label failed at the
	// printer's turn.
	const zplMax = 10
	min2D = max(2, t.dots(0.25))
	max2D = max(min2D, min(zplMax, t.dots(0.6)))
	min1D = max(2, t.dots(0.19))
	max1D = max(min1D, min(zplMax, t.dots(0.38)))
	return
}

// encodeFunc makes the symbol for one code: encodeSymbol for outputs that
// draw the modules, sizeSymbol for ZPL, where only the size matters.
type encodeFunc func(sym Symbology, content, ecLevel string) (*symbol, error)

// layout places everything on the label or says what does not fit. The
// symbols in the plan are fully encoded.
func layout(t *Template, l *Label, fs *fontSet) (*plan, error) {
	return layoutWith(t, l, fs, encodeSymbol)
}

// layoutWith is layout with the symbols made by enc. The placement depends
// only on the symbols' sizes, so it is the same for encodeSymbol and
// sizeSymbol.
func layoutWith(t *Template, l *Label, fs *fontSet, enc encodeFunc) (*plan, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(l.Tag) == "" {
		return nil, fmt.Errorf("labels: label has no tag")
	}
	p := &planner{t: t, l: l, fs: fs}
	p.lines = p.line0[:0]
	for _, f := range t.Fields {
		v := fs.cleanText(l.fieldValue(t, f))
		if v == "" {
			continue
		}
		ln := textLine{field: f, text: v, size: t.FontSize}
		if f == FieldTag {
			ln.bold, ln.size = true, t.TagFontSize
		}
		p.lines = append(p.lines, ln)
	}
	content, err := l.content(t)
	if err != nil {
		return nil, err
	}
	main, err := enc(t.Symbology, content, t.ECLevel)
	if err != nil {
		return nil, err
	}
	var strip *symbol
	if t.Barcode {
		if strip, err = enc(Code128, l.Tag, ""); err != nil {
			return nil, err
		}
	}
	place := func() (*plan, error) {
		if !main.sym.is2D() {
			return p.linear(main)
		}
		lay := t.Layout
		if lay == LayoutAuto {
			lay = LayoutSide
			if t.Height > t.Width {
				lay = LayoutStack
			}
		}
		return p.matrix(main, strip, lay)
	}
	pl, err := place()
	var tf textFitError
	if errors.As(err, &tf) {
		// The text does not fit whole: a label with its name or model
		// cut short prints and scans; one refused does not.
		p.cut = true
		if cut, cerr := place(); cerr == nil {
			return cut, nil
		}
	}
	return pl, err
}

// what names the data a code carries, for error messages.
func (p *planner) what(s *symbol) string {
	if s.sym == Code128 && p.t.Barcode {
		return "tag"
	}
	switch p.t.Encode {
	case EncodeSerial:
		return "serial"
	case EncodeURL:
		return "URL"
	}
	return "tag"
}

func (p *planner) fitError(s *symbol, need, have int) error {
	return fmt.Errorf("labels: %s %q (%d chars) needs a %s of %d dots; template %s has %d",
		p.what(s), s.content, len(s.content), s.sym, need, p.t.Name, have)
}

// fit1D picks the widest narrow bar for which the code and its quiet zones
// fit the label width.
func (p *planner) fit1D(s *symbol) (int, error) {
	t := p.t
	_, _, min1D, max1D := moduleLimits(t)
	for m := max1D; m >= min1D; m-- {
		if (s.w+2*s.quiet)*m <= t.Width && s.w*m <= t.Width-2*t.Margin {
			return m, nil
		}
	}
	return 0, p.fitError(s, (s.w+2*s.quiet)*min1D, t.Width)
}

func (p *planner) gap() int { return max(2, p.t.Margin/2) }

// stripPlacement puts the Code 128 strip of the tag along the bottom.
func (p *planner) stripPlacement(s *symbol, module, barH int) placedSymbol {
	t := p.t
	return placedSymbol{s: s, module: module, height: barH,
		x: (t.Width - s.w*module) / 2, y: t.Height - t.Margin - barH}
}

// matrix lays out a QR code or Data Matrix with text beside (side) or
// below it (stack), and an optional Code 128 strip along the bottom.
func (p *planner) matrix(main, strip *symbol, lay Layout) (*plan, error) {
	t := p.t
	W, H, M := t.Width, t.Height, t.Margin
	min2D, max2D, _, _ := moduleLimits(t)
	n, q := main.w, main.quiet

	var stripModule, barH, minBar int
	if strip != nil {
		var err error
		if stripModule, err = p.fit1D(strip); err != nil {
			return nil, err
		}
		barH = t.BarHeight
		if barH == 0 {
			barH = max(int(math.Round(float64(H)*0.22)), t.dots(4))
			minBar = min(barH, t.dots(3))
		} else {
			minBar = barH
		}
	}

	var lastErr error
	tried := false
	var best *plan
	bestCost := 0
	for bh := barH; ; bh-- {
		bottom := H // the lowest dot the symbol's quiet zone may reach
		if strip != nil {
			bottom = H - M - bh
		}
		for m := max2D; m >= min2D; m-- {
			clear := max(M, q*m)
			var sx, sy, tx0, ty0, tx1, ty1 int
			if lay == LayoutStack {
				if (n+2*q)*m > W || n*m > W-2*M {
					continue
				}
				sx, sy = (W-n*m)/2, clear
				lowClear := clear
				if strip != nil {
					lowClear = q * m
				}
				if sy+n*m+lowClear > bottom {
					continue
				}
				tx0, tx1 = M, W-M
				ty0 = sy + n*m + q*m
			} else {
				if n*m > W/2 {
					continue
				}
				lowClear := clear
				if strip != nil {
					lowClear = q * m
				}
				avail := bottom - clear - lowClear
				if n*m > avail {
					continue
				}
				sx, sy = clear, clear+(avail-n*m)/2
				tx0, tx1, ty0 = sx+n*m+q*m, W-M, M
			}
			ty1 = H - M
			if strip != nil {
				ty1 = H - M - bh - p.gap()
			}
			tried = true
			texts, err := p.fitLines(tx0, ty0, tx1, ty1, lay == LayoutSide, lay == LayoutStack)
			if err != nil {
				lastErr = err
				continue
			}
			pl := &plan{t: t, texts: texts}
			pl.syms = append(pl.syms, placedSymbol{s: main, x: sx, y: sy, module: m, height: n * m})
			if strip != nil {
				pl.syms = append(pl.syms, p.stripPlacement(strip, stripModule, bh))
			}
			if !p.cut {
				return pl, nil
			}
			// Cutting: the largest code that leaves out no more fields
			// than a smaller one would (a smaller code keeps more of a
			// line, but a code of two-dot modules scans poorly: only a
			// field kept whole is worth it).
			if c := p.cutCost(texts); best == nil || c < bestCost {
				best, bestCost = pl, c
			}
		}
		if best != nil {
			return best, nil
		}
		if strip == nil || bh <= minBar {
			break
		}
	}
	if lastErr != nil && tried {
		return nil, lastErr
	}
	have := H
	if lay == LayoutStack {
		have = W
	} else if strip != nil {
		have = H - M - minBar
	}
	return nil, p.fitError(main, (n+2*q)*min2D, have)
}

// linear lays out a Code 128 main code across the top with the text lines
// centred below it.
func (p *planner) linear(main *symbol) (*plan, error) {
	t := p.t
	W, H, M := t.Width, t.Height, t.Margin
	m, err := p.fit1D(main)
	if err != nil {
		return nil, err
	}
	minBar := min(H-2*M, max(t.dots(3), int(math.Round(0.1*float64(main.w*m)))))
	top := M + minBar + p.gap()
	texts, err := p.fitLines(M, top, W-M, H-M, false, true)
	if err != nil {
		return nil, err
	}
	// Push the text to the bottom and give the bars everything above it.
	shift := 0
	if len(texts) > 0 {
		last := texts[len(texts)-1]
		shift = (H - M) - (last.y + p.fs.lineHeight(last.size))
	}
	for i := range texts {
		texts[i].y += shift
		texts[i].baseline += shift
	}
	barBottom := H - M
	if len(texts) > 0 {
		barBottom = texts[0].y - p.gap()
	}
	pl := &plan{t: t, texts: texts}
	pl.syms = append(pl.syms, placedSymbol{s: main, x: (W - main.w*m) / 2, y: M, module: m, height: barBottom - M})
	return pl, nil
}

// fitLines places the text lines in the box [x0,x1)x[y0,y1). A line too
// wide for the box is shrunk, down to the template's minimum font size;
// lines too tall together are shrunk evenly. Lines are left-aligned unless
// center; vcenter centres the block vertically. With p.cut, a line other
// than the tag still too wide is cut short, and the last such lines are
// left out while the block is too tall.
func (p *planner) fitLines(x0, y0, x1, y1 int, vcenter, center bool) ([]placedText, error) {
	t := p.t
	lines := p.lines
	if len(lines) == 0 {
		return nil, nil
	}
	aw, ah := x1-x0, y1-y0
	if aw <= 0 || ah <= 0 {
		return nil, textFitErrorf("labels: template %s leaves no room for text beside the code (%dx%d dots)", t.Name, max(aw, 0), max(ah, 0))
	}
	if p.cut {
		lines = append([]textLine(nil), lines...) // cut for this box only
	}
	sizes := make([]int, len(lines))
	widths := make([]int, len(lines))
	for i, ln := range lines {
		size := ln.size
		w := p.width(ln.bold, ln.text, size)
		if w > aw {
			size = int(float64(size) * float64(aw) / float64(w))
			for size >= t.MinFontSize {
				if w = p.width(ln.bold, ln.text, size); w <= aw {
					break
				}
				size--
			}
			if size < t.MinFontSize {
				size = t.MinFontSize
				short, ok := "", false
				if p.cut && ln.field != FieldTag {
					short, ok = p.cutToWidth(ln, size, aw)
				}
				if !ok {
					w = p.width(ln.bold, ln.text, size)
					return nil, textFitErrorf("labels: field %s %q is %d dots wide at the minimum font size of %d dots; template %s has %d",
						ln.field, ln.text, w, t.MinFontSize, t.Name, aw)
				}
				lines[i].text = short
				w = p.width(ln.bold, short, size)
			}
		}
		sizes[i], widths[i] = size, w
	}
	total := func() int {
		h := 0
		for _, s := range sizes {
			h += p.fs.lineHeight(s)
		}
		return h
	}
	for total() > ah {
		// Shrink the largest line by one dot until the block fits.
		big := -1
		for i, s := range sizes {
			if s > t.MinFontSize && (big < 0 || s > sizes[big]) {
				big = i
			}
		}
		if big < 0 && p.cut {
			// Leave out the last line that is not the tag.
			drop := -1
			for i := len(lines) - 1; i >= 0 && drop < 0; i-- {
				if lines[i].field != FieldTag {
					drop = i
				}
			}
			if drop >= 0 {
				lines = slices.Delete(lines, drop, drop+1)
				sizes = slices.Delete(sizes, drop, drop+1)
				widths = slices.Delete(widths, drop, drop+1)
				continue
			}
		}
		if big < 0 {
			names := make([]string, len(lines))
			for i, ln := range lines {
				names[i] = ln.field
			}
			return nil, textFitErrorf("labels: template %s: %d text lines (%s) need %d dots of height at the minimum font size; %d are left",
				t.Name, len(lines), strings.Join(names, ", "), total(), ah)
		}
		sizes[big]--
		widths[big] = p.width(lines[big].bold, lines[big].text, sizes[big])
	}
	y := y0
	if vcenter {
		y += (ah - total()) / 2
	}
	out := make([]placedText, len(lines))
	for i, ln := range lines {
		x := x0
		if center {
			x = x0 + (aw-widths[i])/2
		}
		out[i] = placedText{field: ln.field, text: ln.text, bold: ln.bold, size: sizes[i],
			x: x, y: y, baseline: y + p.fs.ascentDots(sizes[i]), width: widths[i]}
		y += p.fs.lineHeight(sizes[i])
	}
	return out, nil
}

// cutCost is how many of the text lines the placed texts leave out.
func (p *planner) cutCost(texts []placedText) int {
	return len(p.lines) - len(texts)
}

// cutToWidth returns the longest start of ln's text that, ended with
// ellipsis, is at most aw dots wide at size; ok is false when not even
// one character fits.
func (p *planner) cutToWidth(ln textLine, size, aw int) (string, bool) {
	rs := []rune(strings.TrimSpace(ln.text))
	lo, hi := 0, len(rs) // lo characters fit; find the most
	fits := func(n int) bool {
		return p.width(ln.bold, strings.TrimRight(string(rs[:n]), " ")+ellipsis, size) <= aw
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return "", false
	}
	return strings.TrimRight(string(rs[:lo]), " ") + ellipsis, true
}
