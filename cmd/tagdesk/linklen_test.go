package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/store"
)

// linkTemplate is a QR template (no Code 128 strip) whose link for tag is
// n bytes.
func linkTemplate(name string, n int, tag string) string {
	base := "https://assets.example.com/a/"
	url := base + strings.Repeat("x", n-len(base)-1-len(tag)) + "/{tag}"
	return "[[template]]\nname = \"" + name + "\"\nbase = \"brother-62mm\"\nsymbology = \"qr\"\nencode = \"url\"\nurl = \"" + url + "\"\n"
}

// labels keeps its own copy of the longest scan the desk reads (labels
// imports nothing of ours; store.MaxScanLen, refused over by CleanScan):
// a label whose link is as long as a scan may be is printed, read back and
// resolved as its asset; one a byte longer is refused by labels, as its
// scan is by the store.
func TestLinkLimitIsTheScanLimit(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"), store.Options{Operator: "tester", Now: func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddLocation(ctx, "DUB", "Dublin", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	const tag = "TD-000123"
	if _, err := db.Receive(ctx, store.Receipt{Tag: tag, Serial: "SN-77", Model: "L5440", Location: "DUB"}); err != nil {
		t.Fatal(err)
	}
	ts, err := labels.ParseTemplates(strings.NewReader(linkTemplate("fits", store.MaxScanLen, tag)))
	if err != nil {
		t.Fatalf("a url whose link is %d bytes: %v", store.MaxScanLen, err)
	}
	img, err := labels.Render(ts[0], labels.Label{Tag: tag})
	if err != nil {
		t.Fatalf("a link of %d bytes: %v", store.MaxScanLen, err)
	}
	codes, err := labels.Decode(img)
	if err != nil || len(codes) != 1 || len(codes[0].Text) != store.MaxScanLen {
		t.Fatalf("read back: %+v %v", codes, err)
	}
	if r, err := db.Resolve(ctx, codes[0].Text); err != nil || r.Asset == nil || r.Asset.Tag != tag {
		t.Fatalf("a scan of the %d-byte link: %+v %v", store.MaxScanLen, r, err)
	}

	// A byte more: the store refuses the scan, and labels the label.
	ts, err = labels.ParseTemplates(strings.NewReader(linkTemplate("long", store.MaxScanLen+1, tag)))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Replace(codes[0].Text, "/a/", "/a/x", 1)
	if _, err := db.Resolve(ctx, long); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a scan of %d bytes: %v", len(long), err)
	}
	if err := labels.Check(ts[0], labels.Label{Tag: tag}); err == nil {
		t.Fatalf("a label whose link is %d bytes, which the store refuses as a scan, was printed", len(long))
	}
}

// A label whose link is longer than a scan may be is refused at print,
// preview and label --out, never printed or written: one line for one
// label; in a batch a line each, then a summary. A template whose url is
// too long with any tag is refused at load, as other template errors are.
func TestE2ELabelLinkTooLong(t *testing.T) {
	db, tags := labelDB(t, 2) // TD-000001, TD-000002: 9 bytes
	mustCLI(t, db, "model", "add", "Latitude 7440", "--number", "L7440")
	mustCLI(t, db, "receive", "--model", "L7440", "--location", "DUB", "--tag", "1005", "SN-1005")
	conf := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", conf)
	if err := os.MkdirAll(filepath.Join(conf, "tagdesk"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Links of 257 bytes for the tags of nine characters, 252 for 1005.
	toml := linkTemplate("longlink", store.MaxScanLen+1, tags[0])
	if err := os.WriteFile(filepath.Join(conf, "tagdesk", "labels.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	written := func(what string) {
		t.Helper()
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			t.Fatalf("%s: wrote %s", what, ents[0].Name())
		}
	}
	says := func(line, tag string) bool {
		return strings.Contains(line, tag) && strings.Contains(line, "257 bytes") && strings.Contains(line, "256 bytes")
	}

	// One label: one line.
	_, errs, code := cli(t, db, "label", "--template", "longlink", "--out", filepath.Join(dir, "a.png"), tags[0])
	if lines := strings.Split(strings.TrimSpace(errs), "\n"); code != 1 || len(lines) != 1 || !says(lines[0], tags[0]) {
		t.Fatalf("label --out of one label whose link is too long: exit %d:\n%s", code, errs)
	}
	written("one label")

	// A batch: a line each for the two refused, then the summary; the
	// one that fits is not written either.
	for _, args := range [][]string{
		{"label", "--template", "longlink", "--out", filepath.Join(dir, "b.pdf"), tags[0], "1005", tags[1]},
		{"label", "--template", "longlink", "--printer", dir, tags[0], "1005", tags[1]},
	} {
		_, errs, code = cli(t, db, args...)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 1 || len(lines) != 3 || !says(lines[0], tags[0]) || !says(lines[1], tags[1]) ||
			!strings.HasPrefix(lines[2], "tagdesk: 2 of 3 label(s)") || !strings.Contains(lines[2], "longlink") {
			t.Fatalf("%s: exit %d:\n%s", args[3], code, errs)
		}
		written(args[3])
	}
	if out := mustCLI(t, db, "queue", "list", "--all"); strings.Contains(out, "longlink") {
		t.Fatalf("labels queued for a template whose links are too long:\n%s", out)
	}

	// Queued before (at receipt), printed with it: a line each, a summary.
	mustCLI(t, db, "setting", "set", "template", "longlink")
	_, errs, code = cli(t, db, "queue", "run", "--printer", dir)
	if lines := strings.Split(strings.TrimSpace(errs), "\n"); code != 1 || len(lines) != 3 || !says(lines[0], tags[0]) || !says(lines[1], tags[1]) {
		t.Fatalf("queue run with labels whose links are too long: exit %d:\n%s", code, errs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("queue run: %d file(s) printed, want 1005's alone", len(ents))
	}

	// The Labels screen's preview says so.
	sdb, err := store.Open(context.Background(), db, store.Options{Operator: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	p, err := newTUIPrinter(sdb, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Preview(context.Background(), tags[0], "longlink", 40); err == nil || !says(err.Error()+" "+tags[0], tags[0]) {
		t.Fatalf("preview: %v", err)
	}

	// A url too long for any tag: refused at load, naming the limit.
	toml = linkTemplate("toolong", store.MaxScanLen+1, "0")
	if err := os.WriteFile(filepath.Join(conf, "tagdesk", "labels.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code = cli(t, db, "label", "--list")
	if code == 0 || !strings.Contains(errs, "toolong") || !strings.Contains(errs, "256 bytes") || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
		t.Fatalf("label --list with a url too long for any tag: exit %d:\n%s", code, errs)
	}
}
