package labels

import (
	"errors"
	"fmt"
	"io"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

const ptPerMM = 72 / 25.4

// PDF writes labels as a PDF with vector codes (one filled rectangle per
// run of dark modules) and embedded Go fonts. For a sheet template the
// labels fill the sheet's grid row by row, the first skip positions of the
// first sheet left blank (for a partly used sheet), with as many pages as
// needed. For a label-printer template each label is one page of the
// label's size, and skip must be 0.
func PDF(w io.Writer, t Template, labels []Label, skip int) error {
	r, err := NewRenderer()
	if err != nil {
		return err
	}
	return r.PDF(w, t, labels, skip)
}

// PDF writes labels as a PDF; see the package-level PDF.
func (r *Renderer) PDF(w io.Writer, t Template, labels []Label, skip int) error {
	if len(labels) == 0 {
		return errors.New("labels: no labels to print")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	perPage := 1
	pageW, pageH := t.WidthMM()*ptPerMM, t.HeightMM()*ptPerMM
	if t.Sheet != nil {
		perPage = t.Sheet.PerPage()
		pageW, pageH = t.Sheet.PageWidth*ptPerMM, t.Sheet.PageHeight*ptPerMM
		if skip < 0 || skip >= perPage {
			return fmt.Errorf("labels: skip %d is out of range for template %s (0-%d)", skip, t.Name, perPage-1)
		}
	} else if skip != 0 {
		return fmt.Errorf("labels: template %s prints one label per page; skip must be 0, got %d", t.Name, skip)
	}

	// Lay out every label first, so that a label that does not fit fails
	// the job before anything is written.
	plans := make([]*plan, len(labels))
	for i := range labels {
		p, err := layout(&t, &labels[i], r.fonts)
		if err != nil {
			return err
		}
		plans[i] = p
	}

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: pageW, H: pageH}})
	pdf.SetInfo(gopdf.PdfInfo{Title: "tagdesk labels: " + t.Name, Creator: "tagdesk"})
	if err := pdf.AddTTFFontData("regular", goregular.TTF); err != nil {
		return fmt.Errorf("labels: PDF font: %w", err)
	}
	if err := pdf.AddTTFFontData("bold", gobold.TTF); err != nil {
		return fmt.Errorf("labels: PDF font: %w", err)
	}
	k := 72 / float64(t.DPI) // points per dot
	for i, p := range plans {
		slot := skip + i
		if slot%perPage == 0 || i == 0 {
			pdf.AddPage()
			pdf.SetFillColor(0, 0, 0)
		}
		var ox, oy float64
		if s := t.Sheet; s != nil {
			n := slot % perPage
			ox = (s.Left + float64(n%s.Columns)*s.PitchX) * ptPerMM
			oy = (s.Top + float64(n/s.Columns)*s.PitchY) * ptPerMM
		}
		for _, ps := range p.syms {
			drawSymbolPDF(pdf, ps, ox, oy, k)
		}
		for _, pt := range p.texts {
			name := "regular"
			if pt.bold {
				name = "bold"
			}
			if err := pdf.SetFont(name, "", float64(pt.size)*k); err != nil {
				return fmt.Errorf("labels: PDF font: %w", err)
			}
			pdf.SetXY(ox+float64(pt.x)*k, oy+float64(pt.baseline)*k)
			if err := pdf.Text(pt.text); err != nil {
				return fmt.Errorf("labels: PDF text %q: %w", pt.text, err)
			}
		}
	}
	if _, err := pdf.WriteTo(w); err != nil {
		return fmt.Errorf("labels: write PDF: %w", err)
	}
	return nil
}

// drawSymbolPDF draws one filled rectangle per run of dark modules.
func drawSymbolPDF(pdf *gopdf.GoPdf, ps placedSymbol, ox, oy, k float64) {
	s, m := ps.s, float64(ps.module)*k
	x0, y0 := ox+float64(ps.x)*k, oy+float64(ps.y)*k
	if s.sym == Code128 {
		h := float64(ps.height) * k
		forRuns(s, 0, func(x, n int) {
			pdf.RectFromUpperLeftWithStyle(x0+float64(x)*m, y0, float64(n)*m, h, "F")
		})
		return
	}
	for y := 0; y < s.h; y++ {
		forRuns(s, y, func(x, n int) {
			pdf.RectFromUpperLeftWithStyle(x0+float64(x)*m, y0+float64(y)*m, float64(n)*m, m, "F")
		})
		// Where a dark module has a dark one below it, a rectangle over the
		// seam (half a module each side, all of it dark): a rasteriser
		// rounds each rectangle's edges apart, or blends their edges, and
		// left a light line between rows that made QR codes unreadable
		// (poppler at 600 dpi).
		if y+1 < s.h {
			forBoth(s, y, func(x, n int) {
				pdf.RectFromUpperLeftWithStyle(x0+float64(x)*m, y0+(float64(y)+0.5)*m, float64(n)*m, m, "F")
			})
		}
	}
}

// forBoth calls fn for each run of modules dark in both row y and row y+1.
func forBoth(s *symbol, y int, fn func(x0, n int)) {
	for x := 0; x < s.w; {
		if !s.at(x, y) || !s.at(x, y+1) {
			x++
			continue
		}
		x0 := x
		for x < s.w && s.at(x, y) && s.at(x, y+1) {
			x++
		}
		fn(x0, x-x0)
	}
}
