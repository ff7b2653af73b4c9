package labels

import (
	"errors"
	"fmt"
	"image"
	"image/color"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/oned"
)

// Result is one code read from an image.
type Result struct {
	Format string // "qr", "datamatrix" or "code128" (the Symbology names)
	Text   string
}

// ErrNoCode is returned by Decode when an image holds no readable code.
var ErrNoCode = errors.New("labels: no QR code, Data Matrix or Code 128 found")

// Decode reads the codes in an image of a label or a sheet of labels:
// every QR code and Code 128, and a Data Matrix if present. It is meant for clean, printed or
// rendered labels (a self-check of what this package draws), not camera
// photos. It returns ErrNoCode when nothing is found.
func Decode(img image.Image) ([]Result, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, errors.New("labels: decode: empty image")
	}
	src := luminance(img)
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
	if err != nil {
		return nil, fmt.Errorf("labels: decode: %w", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var out []Result
	seen := make(map[Result]bool)
	add := func(format, text string) {
		r := Result{Format: format, Text: text}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if rs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
		for _, r := range rs {
			add(string(QR), r.GetText())
		}
	}
	if text, ok := decodeDataMatrix(bmp, hints, len(out) == 0); ok {
		add(string(DataMatrix), text)
	}
	decodeAll1D(oned.NewCode128Reader(), bmp, hints, 0, func(text string) { add(string(Code128), text) })
	if len(out) == 0 {
		// A Code 128 standing on its end (a label printed rotated, zint
		// --rotate=90): the bars read across once the image is turned.
		if turned, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(rotate90(src))); err == nil {
			decodeAll1D(oned.NewCode128Reader(), turned, hints, 0, func(text string) { add(string(Code128), text) })
		}
	}
	if len(out) == 0 {
		return nil, ErrNoCode
	}
	return out, nil
}

// rotate90 turns a luminance source a quarter turn clockwise.
func rotate90(src gozxing.LuminanceSource) gozxing.LuminanceSource {
	w, h := src.GetWidth(), src.GetHeight()
	m := src.GetMatrix()
	out := make([]byte, len(m))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out[x*h+(h-1-y)] = m[y*w+x]
		}
	}
	turned, err := gozxing.NewPlanarYUVLuminanceSource(out, h, w, 0, 0, h, w, false)
	if err != nil {
		return src
	}
	return turned
}

// decodeAll1D finds every Code 128 in bmp (a sheet holds many): after a
// code is read, the parts of the image left of, right of, above and below it
// are searched again, down to four levels (the strategy of ZXing's generic
// multiple-barcode reader, which gozxing lacks).
func decodeAll1D(reader gozxing.Reader, bmp *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]any, depth int, found func(string)) {
	const minSide = 100 // pixels: smaller parts hold no whole code
	r, err := reader.Decode(bmp, hints)
	if err != nil {
		return
	}
	found(r.GetText())
	pts := r.GetResultPoints()
	if depth >= 4 || len(pts) == 0 || !bmp.IsCropSupported() {
		return
	}
	w, h := bmp.GetWidth(), bmp.GetHeight()
	minX, minY, maxX, maxY := float64(w), float64(h), 0.0, 0.0
	for _, p := range pts {
		minX, maxX = min(minX, p.GetX()), max(maxX, p.GetX())
		minY, maxY = min(minY, p.GetY()), max(maxY, p.GetY())
	}
	for _, c := range []struct{ x, y, w, h int }{
		{0, 0, int(minX), h},             // left
		{0, 0, w, int(minY)},             // above
		{int(maxX), 0, w - int(maxX), h}, // right
		{0, int(maxY), w, h - int(maxY)}, // below
	} {
		if c.w < minSide || c.h < minSide {
			continue
		}
		if part, err := bmp.Crop(c.x, c.y, c.w, c.h); err == nil {
			decodeAll1D(reader, part, hints, depth+1, found)
		}
	}
}

// decodeDataMatrix looks for a Data Matrix in the whole image, then in
// square windows across it: gozxing's detector searches outwards from the
// centre of the image, so it misses a symbol beside text on a label. The
// window search (search) is slower and only worth it when no QR code was
// found, since a label carries one 2D code.
func decodeDataMatrix(bmp *gozxing.BinaryBitmap, hints map[gozxing.DecodeHintType]any, search bool) (string, bool) {
	reader := datamatrix.NewDataMatrixReader()
	if r, err := reader.Decode(bmp, hints); err == nil {
		return r.GetText(), true
	}
	w, h := bmp.GetWidth(), bmp.GetHeight()
	if !search || min(w, h) < 16 || !bmp.IsCropSupported() {
		return "", false
	}
	for _, side := range []int{min(w, h), min(w, h) * 2 / 3, min(w, h) / 2} {
		step := max(side/6, 1)
		for y := 0; y+side <= h; y += step {
			for x := 0; x+side <= w; x += step {
				crop, err := bmp.Crop(x, y, side, side)
				if err != nil {
					continue
				}
				if r, err := reader.Decode(crop, hints); err == nil {
					return r.GetText(), true
				}
			}
		}
	}
	return "", false
}

// luminance converts an image to gozxing's luminance source, with fast
// paths for the images this package and image/png produce.
func luminance(img image.Image) gozxing.LuminanceSource {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	lum := make([]byte, w*h)
	switch m := img.(type) {
	case *image.Paletted:
		lut := make([]byte, len(m.Palette))
		for i, c := range m.Palette {
			lut[i] = onWhite(c)
		}
		for y := 0; y < h; y++ {
			row := m.Pix[(y)*m.Stride : y*m.Stride+w]
			for x, i := range row {
				if int(i) < len(lut) {
					lum[y*w+x] = lut[i]
				}
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(lum[y*w:(y+1)*w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	default:
		if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
			return gozxing.NewLuminanceSourceFromImage(img)
		}
		// Transparent pixels are the paper a code is printed on (zint's
		// --nobackground, a logo tool's export), not black ink.
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				lum[y*w+x] = onWhite(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(lum, w, h, 0, 0, w, h, false)
	if err != nil {
		return gozxing.NewLuminanceSourceFromImage(img)
	}
	return src
}

// onWhite is c's grey level laid over white paper: a transparent pixel is
// white, a half-transparent black one grey.
func onWhite(c color.Color) byte {
	r, g, b, a := c.RGBA() // alpha-premultiplied, 16 bits
	r, g, b = r+0xffff-a, g+0xffff-a, b+0xffff-a
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 24)
}
