package labels

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// zplFlush is how many bytes of finished label formats ZPL collects before
// writing them out.
const zplFlush = 4096

// ZPL writes one ZPL II label format (^XA ... ^XZ) per label. Codes use the
// printer's own symbologies (^BQ QR, ^BX Data Matrix, ^BC Code 128 with
// ^BY), sized to the same module size the PNG output uses; text uses the
// scalable font 0 with UTF-8 (^CI28). Every field's data is written with
// ^FH hex escapes, so '^', '~', '_', control characters and non-ASCII bytes
// in the data cannot change the format. Text is measured with the Go fonts,
// which are wider than font 0, so a line that fits here fits on the printer.
//
// The printer draws the codes, so ZPL computes their sizes from the data
// rather than encoding them; the layout, and so the output, is the same as
// with full encoding. Output is written in whole label formats: when a
// label fails, ZPL returns its error and writes nothing more.
func ZPL(w io.Writer, t Template, labels ...Label) error {
	return writeZPLs(w, &t, labels, sizeSymbol)
}

// writeZPLs is ZPL with the symbols made by enc (the tests compare
// sizeSymbol against full encoding with encodeSymbol).
func writeZPLs(w io.Writer, t *Template, labels []Label, enc encodeFunc) error {
	if t.Sheet != nil {
		return fmt.Errorf("labels: template %s is a sheet template; use PDF", t.Name)
	}
	if len(labels) == 0 {
		return errors.New("labels: no labels to print")
	}
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	buf := make([]byte, 0, min(len(labels), 8)*512)
	for i := range labels {
		if buf, err = appendZPL(buf, t, &labels[i], fs, enc); err != nil {
			return err
		}
		if len(buf) >= zplFlush || i == len(labels)-1 {
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("labels: write ZPL: %w", err)
			}
			buf = buf[:0]
		}
	}
	return nil
}

// appendZPL appends one label format to b. On error b is returned as it
// was given.
func appendZPL(b []byte, t *Template, l *Label, fs *fontSet, enc encodeFunc) ([]byte, error) {
	p, err := layoutWith(t, l, fs, enc)
	if err != nil {
		return b, err
	}
	start := len(b)
	b = append(b, "^XA\n^CI28\n^PW"...)
	b = strconv.AppendInt(b, int64(t.Width), 10)
	b = append(b, "\n^LL"...)
	b = strconv.AppendInt(b, int64(t.Height), 10)
	b = append(b, "\n^LH0,0\n"...)
	for _, ps := range p.syms {
		s := ps.s
		switch s.sym {
		case QR:
			if ps.module > 10 {
				return b[:start], fmt.Errorf("labels: QR module of %d dots exceeds ZPL's maximum magnification 10", ps.module)
			}
			// Model 2; the error correction level and the input mode are
			// given by the field data prefix: automatic ("MA,") for ASCII;
			// beyond it, manual byte mode with the byte count ("MM,B0007"),
			// since automatic input cannot carry some bytes (0x80-0x9F,
			// 0xE0-0xFF: UTF-8's).
			b = appendFO(b, ps.x, ps.y)
			b = append(b, "^BQN,2,"...)
			b = strconv.AppendInt(b, int64(ps.module), 10)
			b = append(b, ',')
			b = append(b, t.ECLevel...)
			b = append(b, "^FH^FD"...)
			b = append(b, t.ECLevel...)
			if isASCII(s.content) {
				b = append(b, "A,"...)
			} else {
				b = append(b, fmt.Sprintf("M,B%04d", len(s.content))...)
			}
		case DataMatrix:
			if strings.ContainsRune(s.content, '~') {
				return b[:start], fmt.Errorf("labels: Data Matrix content %q has '~', which ZPL ^BX reads as an escape", s.content)
			}
			b = appendFO(b, ps.x, ps.y)
			b = append(b, "^BXN,"...)
			b = strconv.AppendInt(b, int64(ps.module), 10)
			b = append(b, ",200,"...)
			b = strconv.AppendInt(b, int64(s.w), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(s.h), 10)
			b = append(b, "^FH^FD"...)
		case Code128:
			if ps.module > 10 {
				return b[:start], fmt.Errorf("labels: Code 128 bar of %d dots exceeds ZPL's maximum ^BY width 10", ps.module)
			}
			// No interpretation line (the tag is printed as text), automatic
			// subset selection.
			b = appendFO(b, ps.x, ps.y)
			b = append(b, "^BY"...)
			b = strconv.AppendInt(b, int64(ps.module), 10)
			b = append(b, "^BCN,"...)
			b = strconv.AppendInt(b, int64(ps.height), 10)
			b = append(b, ",N,N,N,A^FH^FD"...)
		}
		b = zplEscape(b, s.content)
		b = append(b, "^FS\n"...)
	}
	for _, pt := range p.texts {
		b = appendFO(b, pt.x, pt.y)
		b = append(b, "^A0N,"...)
		b = strconv.AppendInt(b, int64(pt.size), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(pt.size), 10)
		b = append(b, "^FH^FD"...)
		b = zplEscape(b, pt.text)
		b = append(b, "^FS\n"...)
	}
	b = append(b, "^PQ1\n^XZ\n"...)
	return b, nil
}

// appendFO appends a field origin, ^FOx,y.
func appendFO(b []byte, x, y int) []byte {
	b = append(b, "^FO"...)
	b = strconv.AppendInt(b, int64(x), 10)
	b = append(b, ',')
	return strconv.AppendInt(b, int64(y), 10)
}

// zplEscape appends s for a ^FH field: printable ASCII other than '^', '~'
// and the escape character '_' goes as is, every other byte as _hh.
func zplEscape(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '^' && c != '~' && c != '_' {
			b = append(b, c)
			continue
		}
		b = append(b, '_', hex[c>>4], hex[c&0xf])
	}
	return b
}
