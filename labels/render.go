package labels

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Palette of rendered labels: index 0 is paper (white), 1 is ink (black).
// PNG files written from it are 1 bit deep.
var palette = color.Palette{color.Gray{Y: 0xff}, color.Gray{Y: 0}}

const ink = 1

// Renderer draws labels as images and PDF. It caches font faces and glyph
// bitmaps, so reuse one Renderer for a batch of labels. A Renderer is not
// safe for concurrent use; give each goroutine its own.
type Renderer struct {
	fonts  *fontSet
	faces  map[faceKey]font.Face
	glyphs map[glyphKey]*glyph
	png    pngWriter
	canvas *image.Paletted // reused by PNG, which does not hand the image out
}

type faceKey struct {
	bold bool
	size int
}

type glyphKey struct {
	faceKey
	r rune
}

// glyph is a thresholded 1-bit glyph bitmap.
type glyph struct {
	dx, dy int // offset of the bitmap's top-left corner from the pen on the baseline
	w, h   int
	bits   []bool
}

// NewRenderer returns a Renderer using the embedded Go fonts.
func NewRenderer() (*Renderer, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	r := &Renderer{
		fonts:  fs,
		faces:  make(map[faceKey]font.Face),
		glyphs: make(map[glyphKey]*glyph),
	}
	return r, nil
}

// Render returns the label as a 1-bit image of exactly t.Width x t.Height
// printer dots (palette index 0 white, 1 black).
func Render(t Template, l Label) (*image.Paletted, error) {
	r, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	return r.Render(t, l)
}

// PNG writes the label as a 1-bit greyscale PNG at the template's dot
// grid, with the printer resolution recorded (pHYs).
func PNG(w io.Writer, t Template, l Label) error {
	r, err := NewRenderer()
	if err != nil {
		return err
	}
	return r.PNG(w, t, l)
}

// Render returns the label as a 1-bit image of exactly t.Width x t.Height
// printer dots (palette index 0 white, 1 black).
func (r *Renderer) Render(t Template, l Label) (*image.Paletted, error) {
	img := image.NewPaletted(image.Rect(0, 0, t.Width, t.Height), palette)
	if err := r.draw(img, t, l); err != nil {
		return nil, err
	}
	return img, nil
}

// draw lays the label out and draws it on img, which must be blank paper
// of the template's size.
func (r *Renderer) draw(img *image.Paletted, t Template, l Label) error {
	p, err := layout(&t, &l, r.fonts)
	if err != nil {
		return err
	}
	for _, ps := range p.syms {
		drawSymbol(img, ps)
	}
	for _, pt := range p.texts {
		if err := r.drawText(img, pt); err != nil {
			return err
		}
	}
	return nil
}

// PNG writes the label as a 1-bit PNG at the template's dot grid, with its
// resolution recorded. The drawing surface is reused from label to label.
func (r *Renderer) PNG(w io.Writer, t Template, l Label) error {
	img := r.canvas
	if img == nil || img.Rect.Dx() != t.Width || img.Rect.Dy() != t.Height {
		img = image.NewPaletted(image.Rect(0, 0, t.Width, t.Height), palette)
		r.canvas = img
	} else {
		clear(img.Pix) // paper is palette index 0
	}
	if err := r.draw(img, t, l); err != nil {
		return err
	}
	if err := r.png.encode(w, img, t.DPI); err != nil {
		return fmt.Errorf("labels: write PNG: %w", err)
	}
	return nil
}

func fillRect(img *image.Paletted, x, y, w, h int) {
	b := img.Rect
	x0, y0, x1, y1 := max(x, b.Min.X), max(y, b.Min.Y), min(x+w, b.Max.X), min(y+h, b.Max.Y)
	for yy := y0; yy < y1; yy++ {
		row := img.Pix[(yy-b.Min.Y)*img.Stride:]
		for xx := x0; xx < x1; xx++ {
			row[xx-b.Min.X] = ink
		}
	}
}

// drawSymbol paints a code at an integer number of dots per module.
func drawSymbol(img *image.Paletted, ps placedSymbol) {
	s, m := ps.s, ps.module
	if s.sym == Code128 {
		forRuns(s, 0, func(x0, n int) {
			fillRect(img, ps.x+x0*m, ps.y, n*m, ps.height)
		})
		return
	}
	for y := 0; y < s.h; y++ {
		forRuns(s, y, func(x0, n int) {
			fillRect(img, ps.x+x0*m, ps.y+y*m, n*m, m)
		})
	}
}

// forRuns calls fn for each run of dark modules in row y.
func forRuns(s *symbol, y int, fn func(x0, n int)) {
	row := s.dark[y*s.w : (y+1)*s.w]
	for x := 0; x < len(row); {
		if !row[x] {
			x++
			continue
		}
		x0 := x
		for x < len(row) && row[x] {
			x++
		}
		fn(x0, x-x0)
	}
}

func (r *Renderer) drawText(img *image.Paletted, pt placedText) error {
	fm := r.fonts.face(pt.bold)
	pen := float64(pt.x)
	for _, c := range pt.text {
		g, err := r.glyph(pt.bold, pt.size, c)
		if err != nil {
			return err
		}
		gx, gy := int(math.Round(pen))+g.dx, pt.baseline+g.dy
		for yy := 0; yy < g.h; yy++ {
			for xx := 0; xx < g.w; xx++ {
				if g.bits[yy*g.w+xx] {
					px, py := gx+xx, gy+yy
					if image.Pt(px, py).In(img.Rect) {
						img.Pix[(py-img.Rect.Min.Y)*img.Stride+px-img.Rect.Min.X] = ink
					}
				}
			}
		}
		a, _ := fm.glyphAdvance(nil, c)
		pen += a * float64(pt.size)
	}
	return nil
}

// glyph returns the cached 1-bit bitmap of c.
func (r *Renderer) glyph(bold bool, size int, c rune) (*glyph, error) {
	k := glyphKey{faceKey{bold, size}, c}
	if g, ok := r.glyphs[k]; ok {
		return g, nil
	}
	face, ok := r.faces[k.faceKey]
	if !ok {
		var err error
		face, err = opentype.NewFace(r.fonts.face(bold).font, &opentype.FaceOptions{
			Size: float64(size), DPI: 72, Hinting: font.HintingNone,
		})
		if err != nil {
			return nil, fmt.Errorf("labels: font face at %d dots: %w", size, err)
		}
		r.faces[k.faceKey] = face
	}
	g := &glyph{}
	dr, mask, mp, _, ok := face.Glyph(fixed.Point26_6{}, c)
	if ok && !dr.Empty() {
		g.dx, g.dy, g.w, g.h = dr.Min.X, dr.Min.Y, dr.Dx(), dr.Dy()
		g.bits = make([]bool, g.w*g.h)
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				_, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA()
				g.bits[y*g.w+x] = a >= 0x8000
			}
		}
	}
	r.glyphs[k] = g
	return g, nil
}
