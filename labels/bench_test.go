package labels_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/tagdesk/tagdesk/labels"
)

func benchLabels(n int) []labels.Label {
	ls := make([]labels.Label, n)
	for i := range ls {
		ls[i] = sampleLabel(fmt.Sprintf("TD-%06d", i))
	}
	return ls
}

func reportRate(b *testing.B, perOp int) {
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), "labels/s")
}

// BenchmarkPNG_Zebra2x1: QR + Code 128 + three text lines, 1-bit PNG.
func BenchmarkPNG_Zebra2x1(b *testing.B) {
	tp := mustFind(b, "zebra-2x1-203")
	r, err := labels.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	ls := benchLabels(1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := r.PNG(io.Discard, tp, ls[i%len(ls)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 1)
}

func BenchmarkZPL(b *testing.B) {
	tp := mustFind(b, "zebra-2x1-203")
	ls := benchLabels(1000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := labels.ZPL(io.Discard, tp, ls[i%len(ls)]); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 1)
}

func BenchmarkPDF1000(b *testing.B) {
	tp := mustFind(b, "avery-l7163")
	ls := benchLabels(1000)
	r, err := labels.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.PDF(io.Discard, tp, ls, 0); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, len(ls))
}

func BenchmarkDecode(b *testing.B) {
	tp := mustFind(b, "zebra-2x1-203")
	img, err := labels.Render(tp, sampleLabel("TD-004217"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := labels.Decode(img)
		if err != nil || len(res) != 2 {
			b.Fatal(res, err)
		}
	}
	reportRate(b, 1)
}
