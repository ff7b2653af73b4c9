package main

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tagdesk/tagdesk/labels"
)

func labelsSection() section {
	return section{name: "labels", title: "labels (issue 4)", run: runLabels}
}

// benchLabels are n labels as the desk prints them: a tag, a name and a serial.
func benchLabels(n int) []labels.Label {
	ls := make([]labels.Label, n)
	for i := range ls {
		ls[i] = labels.Label{
			Tag:    fmt.Sprintf("TD-%06d", 100000+i),
			Name:   fmt.Sprintf("DUB-LT-%06d", 100000+i),
			Model:  "Dell Latitude 7440",
			Serial: fmt.Sprintf("CN0%07X", 0x5A3C00+i*7919),
			Owner:  "Property of ACME IT",
		}
	}
	return ls
}

func runLabels(e *env) ([]row, error) {
	var rows []row
	t, err := labels.Find("zebra-2x1-203", nil)
	if err != nil {
		return nil, err
	}
	// Files go to memory when the machine has /dev/shm, so that both tools
	// are timed on rendering and encoding, not on the disk's writeback.
	base := e.dir
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		base = "/dev/shm"
	}
	dir, err := os.MkdirTemp(base, "tagdesk-labels-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	// PNG labels written to files, as a batch job does, beside zint making
	// the same two symbols per tag (QR + Code 128) in its batch mode.
	const nPNG = 2000
	ls := benchLabels(nPNG)
	start := time.Now()
	err = labels.PNGBatch(e.ctx, t, ls, 0, func(i int, png []byte) error {
		return os.WriteFile(filepath.Join(dir, fmt.Sprintf("l%05d.png", i)), png, 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("png: %w", err)
	}
	ours := time.Since(start)
	perSec := float64(nPNG) / ours.Seconds()
	pr := atLeast("PNG labels to files (QR + Code 128 + 3 text lines, 2\"x1\" 203 dpi, labels.PNGBatch)", perSec, 1000, "labels/s")
	if zint, err := exec.LookPath("zint"); err != nil {
		pr.Note = "zint not installed: no ratio"
	} else {
		in := filepath.Join(dir, "tags.txt")
		var tags strings.Builder
		for _, l := range ls {
			tags.WriteString(l.Tag + "\n")
		}
		if err := os.WriteFile(in, []byte(tags.String()), 0o644); err != nil {
			return nil, err
		}
		// Both symbols at once, as we use both cores: zint is single-threaded.
		zstart := time.Now()
		errs := make(chan error, 2)
		for _, sym := range []string{"QRCODE", "CODE128"} {
			go func() {
				_, _, _, err := runTimed(e.ctx, io.Discard, nil, zint, "--batch", "-b", sym, "--filetype=PNG", "-i", in, "-o", filepath.Join(dir, strings.ToLower(sym)+"~~~~~.png"))
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				return nil, fmt.Errorf("zint: %w", err)
			}
		}
		zt := time.Since(zstart)
		zintPerSec := float64(nPNG) / zt.Seconds()
		pr.Ratio = fmt.Sprintf("%.2fx zint", perSec/zintPerSec)
		pr.Note = fmt.Sprintf("zint --batch, QR and Code 128 runs in parallel (symbols only, no text): %s labels/s", num(zintPerSec))
		if perSec <= zintPerSec {
			pr.Verdict = "MISS"
		}
	}
	rows = append(rows, pr)

	// ZPL.
	const nZPL = 100_000
	zls := benchLabels(nZPL)
	start = time.Now()
	if err := labels.ZPL(io.Discard, t, zls...); err != nil {
		return nil, err
	}
	rows = append(rows, atLeast("ZPL labels", float64(nZPL)/time.Since(start).Seconds(), 50_000, "labels/s"))

	// A 1,000-label PDF sheet run.
	sheet, err := labels.Find("avery-l7163", nil)
	if err != nil {
		return nil, err
	}
	start = time.Now()
	var pdf bytes.Buffer
	if err := labels.PDF(&pdf, sheet, benchLabels(1000), 0); err != nil {
		return nil, err
	}
	rows = append(rows, atMost("1,000-label PDF sheet run (Avery L7163)", time.Since(start).Seconds(), 2, "s"))

	// Read-back: every PNG label decodes to its tag (gozxing), and a sample
	// through zbarimg, a decoder we did not write.
	good := 0
	for i, l := range ls {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("l%05d.png", i)))
		if err != nil {
			return nil, err
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		res, err := labels.Decode(img)
		ok := err == nil && len(res) > 0
		for _, x := range res {
			ok = ok && x.Text == l.Tag
		}
		if ok {
			good++
		}
	}
	rr := atLeast("labels read back to their tag (gozxing, every PNG)", 100*float64(good)/float64(nPNG), 100, "%")
	if _, err := exec.LookPath("zbarimg"); err == nil {
		const sample = 100
		var files []string
		for i := 0; i < sample; i++ {
			files = append(files, filepath.Join(dir, fmt.Sprintf("l%05d.png", i*nPNG/sample)))
		}
		out, _ := exec.CommandContext(e.ctx, "zbarimg", append([]string{"-q", "--raw"}, files...)...).Output()
		got := map[string]int{}
		for _, s := range strings.Fields(string(out)) {
			got[s]++
		}
		zgood := 0
		for i := 0; i < sample; i++ {
			if got[ls[i*nPNG/sample].Tag] == 2 { // QR and Code 128
				zgood++
			}
		}
		rr.Note = fmt.Sprintf("zbarimg: %d of %d sampled labels read back both codes", zgood, sample)
		if zgood != sample {
			rr.Verdict = "MISS"
		}
	}
	rows = append(rows, rr)
	return rows, nil
}
