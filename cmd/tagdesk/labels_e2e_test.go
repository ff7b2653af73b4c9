package main

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// needTool skips when an external tool is missing, except under CI where
// .ci/run installs it and a skip would hide a broken setup.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI must install it)", name)
		}
		t.Skipf("%s not installed", name)
	}
}

// zbar decodes every code in the images with zbarimg, a decoder we did not write.
func zbar(t *testing.T, images ...string) []string {
	t.Helper()
	out, err := exec.Command("zbarimg", append([]string{"-q", "--raw"}, images...)...).Output()
	if err != nil {
		t.Fatalf("zbarimg %v: %v", images, err)
	}
	return strings.Fields(string(out))
}

// labelDB makes a database with n in-stock assets and returns it with their tags.
func labelDB(t *testing.T, n int) (string, []string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "labels.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin office")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440", "--manufacturer", "Dell")
	mustCLI(t, db, "setting", "set", "label_owner", "Property of ACME IT")
	serials := make([]string, n)
	for i := range serials {
		serials[i] = fmt.Sprintf("CN0SER%04d", i)
	}
	out := mustCLI(t, db, append([]string{"receive", "--model", "L5440", "--location", "DUB"}, serials...)...)
	var tags []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		tags = append(tags, strings.Fields(line)[0])
	}
	if len(tags) != n {
		t.Fatalf("received %d assets, want %d", len(tags), n)
	}
	return db, tags
}

// fakePrinter is a raw TCP 9100 printer on loopback that keeps every job.
type fakePrinter struct {
	ln   net.Listener
	mu   sync.Mutex
	jobs []string
	wg   sync.WaitGroup
}

func startPrinter(t *testing.T, addr string) *fakePrinter {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePrinter{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			b, _ := io.ReadAll(c)
			c.Close()
			p.mu.Lock()
			p.jobs = append(p.jobs, string(b))
			p.mu.Unlock()
		}
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *fakePrinter) stop() { p.ln.Close(); p.wg.Wait() }

func (p *fakePrinter) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.jobs...)
}

func TestE2E_LabelsScanBack(t *testing.T) {
	needTool(t, "zbarimg")
	needTool(t, "pdftoppm")
	db, tags := labelDB(t, 40)
	dir := t.TempDir()

	// A PDF sheet of 40 labels, rasterised and read back by zbarimg.
	pdf := filepath.Join(dir, "sheet.pdf")
	mustCLI(t, db, append([]string{"label", "--template", "avery-l7163", "--out", pdf}, tags...)...)
	if out, err := exec.Command("pdftoppm", "-r", "300", "-png", pdf, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 3 { // 14 labels a sheet
		t.Fatalf("%d pages, want 3", len(pages))
	}
	got := map[string]int{}
	for _, s := range zbar(t, pages...) {
		got[strings.TrimPrefix(strings.TrimPrefix(s, "QR-Code:"), "CODE-128:")]++
	}
	for _, tag := range tags {
		if got[tag] == 0 {
			t.Errorf("tag %s did not scan back from the PDF sheet", tag)
		}
	}
	if len(got) != len(tags) {
		var extra []string
		for k := range got {
			extra = append(extra, k)
		}
		sort.Strings(extra)
		t.Errorf("PDF read back %d distinct codes, want %d: %v", len(got), len(tags), extra)
	}

	// PNG labels at the printer's dot grid, one per template that prints a code.
	for _, tmpl := range []string{"zebra-2x1-203", "zebra-2x1-300", "zebra-3x1-203", "brother-62mm", "brother-29mm", "tag-1.25x0.5-300"} {
		png := filepath.Join(dir, tmpl+".png")
		mustCLI(t, db, "label", "--template", tmpl, "--out", png, tags[7])
		codes := zbar(t, png)
		if len(codes) == 0 {
			t.Errorf("%s: nothing scanned", tmpl)
		}
		for _, c := range codes {
			if c != tags[7] {
				t.Errorf("%s: scanned %q, want %q", tmpl, c, tags[7])
			}
		}
	}

	// tagdesk decode reads our labels too.
	out := mustCLI(t, db, "decode", filepath.Join(dir, "zebra-2x1-203.png"))
	if !strings.Contains(out, tags[7]) {
		t.Errorf("decode: %q lacks %s", out, tags[7])
	}
	if _, _, code := cli(t, db, "decode", pdf); code != 1 {
		t.Errorf("decode of a PDF: exit %d, want 1", code)
	}
}

func TestE2E_PrintQueue(t *testing.T) {
	db, tags := labelDB(t, 3)

	// Receiving queued a label for every new asset.
	out := mustCLI(t, db, "queue", "list")
	for _, tag := range tags {
		if !strings.Contains(out, tag) {
			t.Fatalf("queue lacks the label of %s:\n%s", tag, out)
		}
	}

	// A ZPL label straight to a printer address.
	p := startPrinter(t, "127.0.0.1:0")
	uri := "tcp://" + p.ln.Addr().String()
	mustCLI(t, db, "label", "--printer", uri, tags[0])
	jobs := p.received()
	if len(jobs) != 1 || !strings.HasPrefix(jobs[0], "^XA") || !strings.Contains(jobs[0], "^FD"+"MA,"+tags[0]) {
		t.Fatalf("printer received %q", jobs)
	}
	hist := mustCLI(t, db, "history", tags[0])
	if !strings.Contains(hist, "label.printed") {
		t.Errorf("history lacks label.printed:\n%s", hist)
	}

	// The label printed straight away was the one receiving queued for
	// it: that asset has its label, the other two still wait.
	// An absent printer: the jobs wait in the queue...
	addr := p.ln.Addr().String()
	p.stop()
	_, errs, code := cli(t, db, "queue", "run", "--printer", "tcp://"+addr)
	if code != 1 || !strings.Contains(errs, "refused") {
		t.Fatalf("queue run to an absent printer: exit %d, %s", code, errs)
	}
	if out := mustCLI(t, db, "queue", "list"); strings.Count(out, "queued") != 2 || strings.Contains(out, tags[0]) {
		t.Fatalf("after a failed run the queue should still hold the other 2 jobs:\n%s", out)
	}
	// ...and print when it appears.
	p2 := startPrinter(t, addr)
	mustCLI(t, db, "queue", "run", "--printer", "tcp://"+addr)
	if n := len(p2.received()); n != 2 {
		t.Fatalf("printer got %d jobs, want 2", n)
	}
	if out := mustCLI(t, db, "queue", "list"); strings.Contains(out, "queued") {
		t.Fatalf("queue not empty after printing:\n%s", out)
	}

	// Bad input: an unknown template and a tag too long for a small label.
	if _, errs, code := cli(t, db, "label", "--template", "nope", "--out", filepath.Join(t.TempDir(), "x.png"), tags[0]); code != 2 || !strings.Contains(errs, "nope") {
		t.Errorf("unknown template: exit %d, %s", code, errs)
	}
	long := "ACME-LONG-TAG-0000000000123"
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--tag", long, "SN-LONG")
	if _, errs, code := cli(t, db, "label", "--template", "tag-1.25x0.5-300", "--out", filepath.Join(t.TempDir(), "x.png"), long); code != 1 || !strings.Contains(errs, "Code 128") {
		t.Errorf("tag too long for the template: exit %d, %s", code, errs)
	}
	if _, errs, code := cli(t, db, "label", "--printer", "gopher://x", tags[0]); code != 2 {
		t.Errorf("bad printer URI: exit %d, %s", code, errs)
	}
}

// Labels of a sheet template sent to a printer go out together, one sheet
// for as many as fit, not a sheet per label; zbarimg reads them all back.
func TestE2E_SheetJobsShareASheet(t *testing.T) {
	needTool(t, "zbarimg")
	needTool(t, "pdftoppm")
	db, tags := labelDB(t, 3)
	spool := t.TempDir()
	mustCLI(t, db, append([]string{"label", "--template", "avery-l7163", "--printer", spool}, tags...)...)
	docs, _ := filepath.Glob(filepath.Join(spool, "*.pdf"))
	if len(docs) != 1 {
		t.Fatalf("%d documents sent, want 1: %v", len(docs), docs)
	}
	dir := t.TempDir()
	if out, err := exec.Command("pdftoppm", "-r", "200", "-png", docs[0], filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	got := strings.Join(zbar(t, pages...), " ")
	for _, tag := range tags {
		if !strings.Contains(got, tag) {
			t.Errorf("%s not read back from the sheet: %s", tag, got)
		}
	}
}

// setting set keeps only what the desk reads: a mistyped key or a value it
// could not use is bad usage, and nothing is stored.
func TestE2ESettingSetRefusesUnknown(t *testing.T) {
	db := filepath.Join(t.TempDir(), "settings.db")
	mustCLI(t, db, "setting", "set", "site", "Dublin")
	for _, args := range [][]string{
		{"sitee", "Dublin"}, {"tag_width", "0"}, {"tag_next", "ten"}, {"tag_next", "9223372036854775000"}, {"auto_label", "yes"},
		{"device_id", "X"}, {"label_owner", strings.Repeat("x", 2000)}, {"site", "Dub\x1b[2Jlin"},
	} {
		if _, errs, code := cli(t, db, append([]string{"setting", "set"}, args...)...); code != 2 || len(errs) > 400 {
			t.Errorf("setting set %.20q: exit %d %s", args, code, errs)
		}
	}
	if out := mustCLI(t, db, "setting", "get", "site"); strings.TrimSpace(out) != "site=Dublin" && strings.TrimSpace(out) != "Dublin" {
		t.Errorf("site after refused settings: %q", out)
	}
}

// disposedDesk is a new register holding one asset, TD-GONE, received (its
// label queued), retired and disposed of.
func disposedDesk(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "t.db")
	mustCLI(t, db, "location", "add", "DUB", "Dublin")
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "L5440", "--manufacturer", "Dell", "--category", "Laptop")
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--tag", "TD-GONE", "SN-GONE")
	mustCLI(t, db, "retire", "TD-GONE")
	mustCLI(t, db, "dispose", "TD-GONE", "--method", "shred")
	return db
}

// A disposed asset gets no new label, to a file as to a printer.
func TestE2ELabelRefusesDisposed(t *testing.T) {
	db := disposedDesk(t)
	out := filepath.Join(t.TempDir(), "x.zpl")
	if _, errs, code := cli(t, db, "label", "--out", out, "TD-GONE"); code != 1 || !strings.Contains(errs, "TD-GONE is disposed; a disposal is final") {
		t.Errorf("label --out of a disposed asset: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a label file was written: %v", err)
	}
}

// label reads its TAG arguments as the commands that change an asset do: a
// tag or the label's link, not a serial (a tag typed that is another
// asset's serial printed that asset's label).
func TestE2ELabelRefusesSerial(t *testing.T) {
	db := disposedDesk(t)
	mustCLI(t, db, "receive", "--model", "L5440", "--location", "DUB", "--tag", "TD-000001", "TD-000005")
	out := filepath.Join(t.TempDir(), "x.zpl")
	if _, errs, code := cli(t, db, "label", "--out", out, "TD-000005"); code != 1 || !strings.Contains(errs, "no asset with tag TD-000005 (it is the serial of TD-000001: name its tag); nothing printed") {
		t.Errorf("label of a serial: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a label file was written: %v", err)
	}
	mustCLI(t, db, "label", "--out", out, "]Q1TD-000001")
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "TD-000001") {
		t.Errorf("label of a tag scanned with its prefix: %v %q", err, b)
	}
}

// A label queued at receipt is cancelled when the asset is disposed of at
// this desk; one still queued (the disposal synced from another desk) fails
// with the reason instead of printing.
func TestE2EQueueSkipsDisposed(t *testing.T) {
	db := disposedDesk(t)
	if q := mustCLI(t, db, "queue", "list", "--all"); !strings.Contains(q, "cancelled") || strings.Contains(q, "queued") {
		t.Errorf("the disposed asset's label was not cancelled:\n%s", q)
	}
	// As if the disposal had come from another desk: the job still waits.
	sdb, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sdb.Exec(`UPDATE print_jobs SET status = 'queued'`); err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	out := filepath.Join(t.TempDir(), "q.zpl")
	_, errs, code := cli(t, db, "queue", "run", "--printer", out)
	if code != 1 || !strings.Contains(errs, "TD-GONE is disposed; a disposal is final") {
		t.Errorf("queue run with a disposed asset's label: exit %d, %q", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a label was printed: %v", err)
	}
	if q := mustCLI(t, db, "queue", "list"); strings.Contains(q, "queued") {
		t.Errorf("the job still waits:\n%s", q)
	}
}

// A queue run with no printer set says so, rather than "waiting".
func TestE2EQueueRunNoPrinter(t *testing.T) {
	db, _ := labelDB(t, 2)
	out, errs, code := cli(t, db, "queue", "run")
	if code != 1 || !strings.Contains(out, "printed 0, waiting 2, failed 0") || !strings.Contains(errs, "2 label(s) name no printer and none is set: tagdesk setting set printer URI (tcp://HOST:9100, cups://QUEUE") {
		t.Fatalf("queue run with no printer: exit %d\n%s%s", code, out, errs)
	}
}

// --format with --printer is refused (it was ignored: the printer decides).
func TestE2ELabelFormatWithPrinter(t *testing.T) {
	db, tags := labelDB(t, 1)
	dir := t.TempDir()
	if _, errs, code := cli(t, db, "label", "--printer", filepath.Join(dir, "one.png"), "--format", "zpl", tags[0]); code != 2 || !strings.Contains(errs, "--format is for --out") {
		t.Fatalf("label --printer --format: exit %d, %s", code, errs)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("files written: %v", left)
	}
}

// From a labels hunt: a bare IP address as the printer wrote a file of
// that name (said printed), and a sheet sent to a file printer named .zpl
// or .png wrote a PDF under that name. Refused, nothing queued or written.
func TestE2ELabelPrinterNamesRefused(t *testing.T) {
	db, tags := labelDB(t, 1)
	dir := t.TempDir()
	if _, errs, code := cli(t, db, "label", "--printer", "10.0.0.50", tags[0]); code != 2 || !strings.Contains(errs, "a network printer is tcp://10.0.0.50") {
		t.Fatalf("label --printer 10.0.0.50: exit %d, %s", code, errs)
	}
	for _, name := range []string{"sheet.zpl", "sheet.png"} {
		if _, errs, code := cli(t, db, "label", "--template", "avery-l7163", "--printer", filepath.Join(dir, name), tags[0]); code != 1 || !strings.Contains(errs, "is a sheet of labels, printed as PDF") {
			t.Fatalf("a sheet to %s: exit %d, %s", name, code, errs)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Fatalf("files written: %v", left)
	}
	if q := mustCLI(t, db, "queue", "list"); strings.Contains(q, "sheet.") {
		t.Errorf("a refused label was queued:\n%s", q)
	}
}

// From a hunt through the labels: one label too long for a sheet template
// fails alone while the others share a sheet (it sent each on a sheet of
// its own); --skip where it cannot apply is bad usage, not ignored; an
// image declaring a huge picture is refused before it is read.
func TestE2E_LabelEdges(t *testing.T) {
	db, tags := labelDB(t, 3)
	// A sheet whose tag line, at its one font size, holds the short tags
	// but not a long one (a name too long is cut short; a tag never).
	conf := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", conf)
	if err := os.MkdirAll(filepath.Join(conf, "tagdesk"), 0o755); err != nil {
		t.Fatal(err)
	}
	toml := "[[template]]\nname = \"big-tag-sheet\"\nbase = \"avery-l7163\"\ntag_font_size = \"5mm\"\nmin_font_size = \"5mm\"\nfont_size = \"5mm\"\n"
	if err := os.WriteFile(filepath.Join(conf, "tagdesk", "labels.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, db, "model", "add", "Latitude 5440", "--number", "LONG1", "--manufacturer", "Dell")
	long := "LONG-" + strings.Repeat("9", 27)
	mustCLI(t, db, "receive", "--model", "LONG1", "--location", "DUB", "--tag", long, "SN-LONG-1") // its label queued
	mustCLI(t, db, "setting", "set", "template", "big-tag-sheet")
	spool := t.TempDir()
	_, errs, code := cli(t, db, "queue", "run", "--printer", spool)
	docs, _ := filepath.Glob(filepath.Join(spool, "*.pdf"))
	if code != 1 || len(docs) != 1 || !strings.Contains(errs, long) {
		t.Fatalf("a sheet run with one label too long: exit %d, %d documents, %s", code, len(docs), errs)
	}
	for _, args := range [][]string{
		{"label", "--template", "zebra-2x1-203", "--skip", "2", "--out", filepath.Join(t.TempDir(), "x.zpl"), tags[0]},
		{"label", "--template", "avery-l7163", "--skip", "2", "--printer", spool, tags[0]},
	} {
		if _, errs, code := cli(t, db, args...); code != 2 || !strings.Contains(errs, "--skip") {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
	}
	// A PNG whose header declares 60,000 by 60,000 pixels.
	huge := filepath.Join(t.TempDir(), "huge.png")
	ihdr := append([]byte("IHDR"), 0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60, 1, 0, 0, 0, 0)
	var png bytes.Buffer
	png.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&png, binary.BigEndian, uint32(13))
	png.Write(ihdr)
	binary.Write(&png, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	if err := os.WriteFile(huge, png.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, db, "decode", huge); code != 1 || !strings.Contains(errs, "60000 by 60000 pixels") {
		t.Errorf("decode of a huge image: exit %d %s", code, errs)
	}
	if _, errs, code := cli(t, db, "decode", t.TempDir()); code != 1 || !strings.Contains(errs, "is a folder") {
		t.Errorf("decode of a folder: exit %d %s", code, errs)
	}
}

// decode reads an image from a pipe (it read the header, then seeked back).
func TestE2E_DecodeFromPipe(t *testing.T) {
	db, tags := labelDB(t, 1)
	png := filepath.Join(t.TempDir(), "l.png")
	mustCLI(t, db, "label", "--out", png, tags[0])
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(tagdeskBin(t), "--db", db, "decode", "/dev/stdin")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), tags[0]) {
		t.Errorf("decode /dev/stdin: %v %s", err, out)
	}
}
