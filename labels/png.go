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
	// Pixels are palette indexes, 0 paper and 1 ink; in a 1-bit greyscale
	// PNG 1 is white, so each bit is 1-p. Eight pixels make a byte.
	stride := rowBytes + 1
	need := height * stride
	if cap(pw.raw) < need {
		pw.raw = make([]byte, need)
	}
	pw.raw = pw.raw[:need]
	for y := 0; y < height; y++ {
		out := pw.raw[y*stride : (y+1)*stride]
		out[0] = 0 // filter: none
		out = out[1:]
		row := img.Pix[y*img.Stride : y*img.Stride+width]
		full := width / 8
		for i := 0; i < full; i++ {
			p := row[i*8 : i*8+8 : i*8+8]
			out[i] = ^(p[0]<<7 | p[1]<<6 | p[2]<<5 | p[3]<<4 | p[4]<<3 | p[5]<<2 | p[6]<<1 | p[7])
		}
		if rest := width - full*8; rest > 0 {
			var v byte
			for x := 0; x < rest; x++ {
				v |= (1 - row[full*8+x]&1) << (7 - x)
			}
			out[full] = v
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
