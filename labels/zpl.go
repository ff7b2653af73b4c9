package labels

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ZPL writes one ZPL II label format (^XA ... ^XZ) per label. Codes use the
// printer's own symbologies (^BQ QR, ^BX Data Matrix, ^BC Code 128 with
// ^BY), sized to the same module size the PNG output uses; text uses the
// scalable font 0 with UTF-8 (^CI28). Every field's data is written with
// ^FH hex escapes, so '^', '~', '_', control characters and non-ASCII bytes
// in the data cannot change the format. Text is measured with the Go fonts,
// which are wider than font 0, so a line that fits here fits on the printer.
func ZPL(w io.Writer, t Template, labels ...Label) error {
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
	bw := bufio.NewWriter(w)
	var b strings.Builder
	for i := range labels {
		b.Reset()
		if err := writeZPL(&b, &t, &labels[i], fs); err != nil {
			return err
		}
		if _, err := bw.WriteString(b.String()); err != nil {
			return fmt.Errorf("labels: write ZPL: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("labels: write ZPL: %w", err)
	}
	return nil
}

func writeZPL(b *strings.Builder, t *Template, l *Label, fs *fontSet) error {
	p, err := layout(t, l, fs)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", t.Width, t.Height)
	for _, ps := range p.syms {
		s := ps.s
		switch s.sym {
		case QR:
			if ps.module > 10 {
				return fmt.Errorf("labels: QR module of %d dots exceeds ZPL's maximum magnification 10", ps.module)
			}
			// Model 2; the error correction level and automatic input mode
			// are given by the field data prefix (e.g. "MA,").
			fmt.Fprintf(b, "^FO%d,%d^BQN,2,%d,%s^FH^FD%sA,", ps.x, ps.y, ps.module, t.ECLevel, t.ECLevel)
		case DataMatrix:
			if strings.ContainsRune(s.content, '~') {
				return fmt.Errorf("labels: Data Matrix content %q has '~', which ZPL ^BX reads as an escape", s.content)
			}
			fmt.Fprintf(b, "^FO%d,%d^BXN,%d,200,%d,%d^FH^FD", ps.x, ps.y, ps.module, s.w, s.h)
		case Code128:
			if ps.module > 10 {
				return fmt.Errorf("labels: Code 128 bar of %d dots exceeds ZPL's maximum ^BY width 10", ps.module)
			}
			// No interpretation line (the tag is printed as text), automatic
			// subset selection.
			fmt.Fprintf(b, "^FO%d,%d^BY%d^BCN,%d,N,N,N,A^FH^FD", ps.x, ps.y, ps.module, ps.height)
		}
		zplEscape(b, s.content)
		b.WriteString("^FS\n")
	}
	for _, pt := range p.texts {
		fmt.Fprintf(b, "^FO%d,%d^A0N,%d,%d^FH^FD", pt.x, pt.y, pt.size, pt.size)
		zplEscape(b, pt.text)
		b.WriteString("^FS\n")
	}
	b.WriteString("^PQ1\n^XZ\n")
	return nil
}

// zplEscape writes s for a ^FH field: printable ASCII other than '^', '~'
// and the escape character '_' goes as is, every other byte as _hh.
func zplEscape(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '^' && c != '~' && c != '_' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('_')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
}
