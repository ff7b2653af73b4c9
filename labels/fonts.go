package labels

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// fastRunes is the size of the precomputed advance table: Latin, Greek and
// Cyrillic, which covers the text found on asset labels.
const fastRunes = 0x800

// fontMetrics is an immutable parsed font with a precomputed advance table,
// safe for concurrent use. Sizes are in dots (pixels per em).
type fontMetrics struct {
	font    *opentype.Font
	ttf     []byte
	upem    float64
	ascent  float64 // in ems
	descent float64 // in ems, positive
	adv     [fastRunes]float64
	has     [fastRunes]bool
}

// fontSet holds the two faces labels use: regular for body text and bold
// for the tag line.
type fontSet struct {
	regular, bold *fontMetrics
}

var (
	fontsOnce sync.Once
	fontsVal  *fontSet
	fontsErr  error
)

// loadFonts parses the embedded Go fonts once. The result is immutable.
func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() {
		var fs fontSet
		fs.regular, fontsErr = parseFont(goregular.TTF)
		if fontsErr != nil {
			fontsErr = fmt.Errorf("labels: parse Go Regular font: %w", fontsErr)
			return
		}
		fs.bold, fontsErr = parseFont(gobold.TTF)
		if fontsErr != nil {
			fontsErr = fmt.Errorf("labels: parse Go Bold font: %w", fontsErr)
			return
		}
		fontsVal = &fs
	})
	return fontsVal, fontsErr
}

func parseFont(ttf []byte) (*fontMetrics, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	fm := &fontMetrics{font: f, ttf: ttf, upem: float64(f.UnitsPerEm())}
	var buf sfnt.Buffer
	ppem := fixed.Int26_6(f.UnitsPerEm()) << 6
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	fm.ascent = float64(m.Ascent) / float64(ppem)
	fm.descent = float64(m.Descent) / float64(ppem)
	for r := rune(0); r < fastRunes; r++ {
		gi, err := f.GlyphIndex(&buf, r)
		if err != nil || gi == 0 {
			continue
		}
		a, err := f.GlyphAdvance(&buf, gi, ppem, font.HintingNone)
		if err != nil {
			continue
		}
		fm.has[r] = true
		fm.adv[r] = float64(a) / float64(ppem)
	}
	return fm, nil
}

// glyphAdvance returns the advance of r in ems and whether the font has it.
func (fm *fontMetrics) glyphAdvance(buf *sfnt.Buffer, r rune) (float64, bool) {
	if r >= 0 && r < fastRunes {
		return fm.adv[r], fm.has[r]
	}
	gi, err := fm.font.GlyphIndex(buf, r)
	if err != nil || gi == 0 {
		return 0, false
	}
	ppem := fixed.Int26_6(fm.upem) << 6
	a, err := fm.font.GlyphAdvance(buf, gi, ppem, font.HintingNone)
	if err != nil {
		return 0, false
	}
	return float64(a) / float64(ppem), true
}

// covers reports whether both faces have a glyph for r.
func (fs *fontSet) covers(buf *sfnt.Buffer, r rune) bool {
	_, ok1 := fs.regular.glyphAdvance(buf, r)
	_, ok2 := fs.bold.glyphAdvance(buf, r)
	return ok1 && ok2
}

func (fs *fontSet) face(bold bool) *fontMetrics {
	if bold {
		return fs.bold
	}
	return fs.regular
}

// width returns the advance width of s in dots at size dots per em, rounded
// up. s must already be cleaned by cleanText.
func (fm *fontMetrics) width(buf *sfnt.Buffer, s string, size int) int {
	var ems float64
	for _, r := range s {
		a, _ := fm.glyphAdvance(buf, r)
		ems += a
	}
	return int(math.Ceil(ems * float64(size)))
}

// lineHeight is the height in dots of one text line at size.
func (fs *fontSet) lineHeight(size int) int {
	a := math.Max(fs.regular.ascent, fs.bold.ascent)
	d := math.Max(fs.regular.descent, fs.bold.descent)
	return int(math.Ceil((a + d) * float64(size)))
}

// ascentDots is the distance from the top of a line to its baseline.
func (fs *fontSet) ascentDots(size int) int {
	return int(math.Round(math.Max(fs.regular.ascent, fs.bold.ascent) * float64(size)))
}

// cleanText makes arbitrary text safe to print: invalid UTF-8 becomes '?',
// control, format (including bidi overrides) and other invisible characters
// become spaces or are dropped, runs of white space collapse, and runes the
// embedded fonts cannot draw become '?', so the ZPL, PNG, PDF and preview
// outputs all show the same characters.
func (fs *fontSet) cleanText(s string) string {
	if isPlainASCII(s) {
		return collapseSpaces(s)
	}
	// Composed first: an accent typed as a separate mark (e + U+0301,
	// as macOS writes file names) is é, which the fonts draw, not a mark
	// to drop.
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	var buf sfnt.Buffer
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n <= 1:
			out = append(out, '?')
		case unicode.IsSpace(r) || unicode.IsControl(r):
			out = append(out, ' ')
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || unicode.Is(unicode.Cs, r):
			// format characters (bidi overrides, zero-width joiners), private use
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			// combining marks: dropped so widths stay predictable
		case !fs.covers(&buf, r):
			out = append(out, '?')
		default:
			out = append(out, r)
		}
	}
	return collapseSpaces(string(out))
}

// uncovered lists the characters of s that print as '?' (the fonts have
// no glyph for them), each once.
func (fs *fontSet) uncovered(s string) []rune {
	if isPlainASCII(s) {
		return nil
	}
	var buf sfnt.Buffer
	var out []rune
	for _, r := range norm.NFC.String(s) {
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Co, unicode.Cs, unicode.Mn, unicode.Me) {
			continue
		}
		if !fs.covers(&buf, r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// collapseSpaces trims s and collapses runs of spaces into one.
func collapseSpaces(s string) string {
	if !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") && !strings.Contains(s, "  ") {
		return s // nothing to trim or collapse
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}
