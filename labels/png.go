package labels

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"math"
)

// pngWriter writes 1-bit greyscale PNGs. It is several times faster than
// image/png for this one case, which matters when a batch of labels is
// rendered, and records the printer resolution in a pHYs chunk.
type pngWriter struct {
	raw  []byte // filtered scanlines
	z    bytes.Buffer
	zw   *zlib.Writer
	head [8]byte
}

func (pw *pngWriter) encode(w io.Writer, img *image.Paletted, dpi int) error {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	rowBytes := (width + 7) / 8
	pw.raw = pw.raw[:0]
	for y := 0; y < height; y++ {
		pw.raw = append(pw.raw, 0) // filter: none
		row := img.Pix[y*img.Stride : y*img.Stride+width]
		start := len(pw.raw)
		pw.raw = append(pw.raw, make([]byte, rowBytes)...)
		out := pw.raw[start:]
		for x, p := range row {
			if p != ink { // greyscale 1 bit: 1 is white
				out[x>>3] |= 0x80 >> (x & 7)
			}
		}
	}
	pw.z.Reset()
	if pw.zw == nil {
		zw, err := zlib.NewWriterLevel(&pw.z, zlib.BestSpeed)
		if err != nil {
			return err
		}
		pw.zw = zw
	} else {
		pw.zw.Reset(&pw.z)
	}
	if _, err := pw.zw.Write(pw.raw); err != nil {
		return err
	}
	if err := pw.zw.Close(); err != nil {
		return err
	}

	if _, err := io.WriteString(w, "\x89PNG\r\n\x1a\n"); err != nil {
		return err
	}
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8], ihdr[9] = 1, 0 // bit depth 1, greyscale
	if err := pw.chunk(w, "IHDR", ihdr[:]); err != nil {
		return err
	}
	if dpi > 0 {
		var phys [9]byte
		ppm := uint32(math.Round(float64(dpi) / 0.0254))
		binary.BigEndian.PutUint32(phys[0:], ppm)
		binary.BigEndian.PutUint32(phys[4:], ppm)
		phys[8] = 1 // metres
		if err := pw.chunk(w, "pHYs", phys[:]); err != nil {
			return err
		}
	}
	if err := pw.chunk(w, "IDAT", pw.z.Bytes()); err != nil {
		return err
	}
	return pw.chunk(w, "IEND", nil)
}

func (pw *pngWriter) chunk(w io.Writer, typ string, data []byte) error {
	binary.BigEndian.PutUint32(pw.head[:4], uint32(len(data)))
	copy(pw.head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(pw.head[4:8])
	crc.Write(data)
	if _, err := w.Write(pw.head[:8]); err != nil {
		return fmt.Errorf("write %s: %w", typ, err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", typ, err)
	}
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("write %s: %w", typ, err)
	}
	return nil
}
