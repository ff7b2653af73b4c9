package labels

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// minPreviewWidth is the narrowest preview Preview draws.
const minPreviewWidth = 12

// Preview draws a label for a terminal, inside a box no wider than
// maxWidth columns. A QR code or Data Matrix is drawn with half blocks (two
// modules per character row, dark modules as ink), the text lines sit
// beside or below it as on the label, and a Code 128 is drawn with half
// blocks two modules per column in one row, or named in text when it is
// too wide. The
// layout is checked exactly as for printing, so a label that would not
// print returns the same error. The output has no control characters and
// ends without a newline.
func Preview(t Template, l Label, maxWidth int) (string, error) {
	if maxWidth < minPreviewWidth {
		return "", fmt.Errorf("labels: preview needs at least %d columns, got %d", minPreviewWidth, maxWidth)
	}
	fs, err := loadFonts()
	if err != nil {
		return "", err
	}
	p, err := layout(&t, &l, fs)
	if err != nil {
		return "", err
	}
	inner := maxWidth - 2 // inside the frame

	var art, bars []string
	var main placedSymbol
	for _, ps := range p.syms {
		switch {
		case ps.s.sym.is2D():
			main = ps
			art = matrixArt(ps.s)
		default:
			bars = barArt(ps.s, inner)
		}
	}
	texts := make([]string, len(p.texts))
	for i, pt := range p.texts {
		texts[i] = pt.text
	}

	var body []string
	stacked := main.s == nil || t.Layout == LayoutStack || (t.Layout == LayoutAuto && t.Height > t.Width)
	if len(art) > 0 && displayWidth(art[0]) > inner {
		art = []string{fitWidth(fmt.Sprintf("[%s: %s]", main.s.sym, cleanPreview(main.s.content)), inner)}
		stacked = true
	}
	artW := 0
	if len(art) > 0 {
		artW = displayWidth(art[0])
	}
	if !stacked && inner-artW-1 < 8 {
		stacked = true
	}
	if main.s == nil {
		// Code 128 label: bars on top, text centred below.
		body = append(body, bars...)
		bars = nil
	}
	if stacked {
		body = append(body, art...)
		for _, s := range texts {
			body = append(body, fitWidth(s, inner))
		}
	} else {
		tw := inner - artW - 1
		for i := 0; i < max(len(art), len(texts)); i++ {
			a := strings.Repeat(" ", artW)
			if i < len(art) {
				a = art[i]
			}
			s := ""
			if i < len(texts) {
				s = fitWidth(texts[i], tw)
			}
			body = append(body, a+" "+s)
		}
	}
	w := 0
	for _, line := range append(body, bars...) {
		w = max(w, displayWidth(line))
	}
	nbody := len(body)
	body = append(body, bars...)
	var b strings.Builder
	b.WriteString("┌" + strings.Repeat("─", w) + "┐\n")
	for i, line := range body {
		pad := w - displayWidth(line)
		left := 0
		if stacked || i >= nbody {
			left = pad / 2
		}
		b.WriteString("│" + strings.Repeat(" ", left) + line + strings.Repeat(" ", pad-left) + "│\n")
	}
	b.WriteString("└" + strings.Repeat("─", w) + "┘")
	return b.String(), nil
}

// matrixArt draws a 2D code with half blocks and a one-module quiet border.
func matrixArt(s *symbol) []string {
	n, h := s.w+2, s.h+2
	dark := func(x, y int) bool {
		x, y = x-1, y-1
		return x >= 0 && y >= 0 && x < s.w && y < s.h && s.at(x, y)
	}
	var out []string
	for y := 0; y < h; y += 2 {
		var b strings.Builder
		for x := 0; x < n; x++ {
			top, bot := dark(x, y), dark(x, y+1)
			switch {
			case top && bot:
				b.WriteRune('█')
			case top:
				b.WriteRune('▀')
			case bot:
				b.WriteRune('▄')
			default:
				b.WriteByte(' ')
			}
		}
		out = append(out, b.String())
	}
	return out
}

// barArt draws a Code 128 two modules per column, one row tall (a second
// row would cost a terminal of 24 rows a line of the print queue), or names
// it when it is wider than width.
func barArt(s *symbol, width int) []string {
	cols := (s.w + 1) / 2
	if cols > width {
		return []string{fitWidth(fmt.Sprintf("[%s: %s]", s.sym, cleanPreview(s.content)), width)}
	}
	var b strings.Builder
	for x := 0; x < s.w; x += 2 {
		l := s.dark[x]
		r := x+1 < s.w && s.dark[x+1]
		switch {
		case l && r:
			b.WriteRune('█')
		case l:
			b.WriteRune('▌')
		case r:
			b.WriteRune('▐')
		default:
			b.WriteByte(' ')
		}
	}
	return []string{b.String()}
}

// cleanPreview removes anything a terminal could interpret from code
// content shown as text.
func cleanPreview(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || (unicode.IsGraphic(r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Me, r)) {
			return r
		}
		return '?'
	}, strings.ToValidUTF8(s, "?"))
}

// fitWidth truncates s with an ellipsis to at most width columns.
func fitWidth(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width <= 0 {
		return ""
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := runeWidth(r)
		if w+rw > width-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	b.WriteRune('…')
	return b.String()
}

func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// runeWidth is the terminal width of a printable rune: 0 for combining
// marks, 2 for East Asian wide and full-width forms, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return 0
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF && r != 0x303F,
		r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, r >= 0x1F300 && r <= 0x1F64F,
		r >= 0x1F900 && r <= 0x1F9FF, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

// Unprintable lists the characters of a label's text that the label fonts
// cannot draw, each once: they print as '?' (Chinese, Hebrew, emoji with
// the built-in Go fonts). The codes are unaffected.
func Unprintable(t Template, l Label) ([]rune, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	var out []rune
	for _, f := range t.Fields {
		for _, r := range fs.uncovered(l.fieldValue(&t, f)) {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// Shortened lists the fields of a label's text that print cut short or
// are left out (a name too long for the template at its smallest font
// size, more lines than its height holds), in the template's order: for
// saying so, as the codes are unaffected.
func Shortened(t Template, l Label) ([]string, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	p, err := layoutWith(&t, &l, fs, sizeSymbol)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range t.Fields {
		v := fs.cleanText(l.fieldValue(&t, f))
		if v == "" {
			continue
		}
		i := slices.IndexFunc(p.texts, func(pt placedText) bool { return pt.field == f })
		if i < 0 || p.texts[i].text != v {
			out = append(out, f)
		}
	}
	return out, nil
}

// Check lays the label out as printing would, without drawing it, and says
// what does not fit (a tag too long for the template): for refusing a
// label before anything is written or sent.
func Check(t Template, l Label) error {
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	_, err = layoutWith(&t, &l, fs, sizeSymbol)
	return err
}
