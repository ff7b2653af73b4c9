package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	gosync "sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/store"
)

// fakePrinter prints by marking jobs done in the store and draws previews
// with the real labels.Preview.
type fakePrinter struct {
	db      *store.DB
	mu      gosync.Mutex
	printed []string
	fail    error // every job fails with this (kept queued)
	runs    int
}

func (p *fakePrinter) Templates(ctx context.Context) ([]TemplateInfo, string, error) {
	var ts []TemplateInfo
	for _, t := range labels.Builtin() {
		ts = append(ts, TemplateInfo{Name: t.Name, Description: t.Description, WidthMM: t.WidthMM(), HeightMM: t.HeightMM()})
	}
	cur, err := p.db.Setting(ctx, store.SettingTemplate)
	if cur == "" {
		cur = "zebra-2x1-203"
	}
	return ts, cur, err
}

func (p *fakePrinter) Preview(ctx context.Context, tag, template string, width int) (string, error) {
	a, err := p.db.Asset(ctx, tag)
	if err != nil {
		return "", err
	}
	if template == "" {
		template = "zebra-2x1-203"
	}
	t, err := labels.Find(template, nil)
	if err != nil {
		return "", err
	}
	return labels.Preview(t, labels.Label{Tag: a.Tag, Name: a.Name, Model: a.Model, Serial: a.Serial, Location: a.LocationName}, width)
}

func (p *fakePrinter) RunQueue(ctx context.Context, progress func(done, total int)) (PrintRun, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.runs++
	var r PrintRun
	jobs, err := p.db.QueuedJobs(ctx, 0)
	if err != nil {
		return r, err
	}
	for i, j := range jobs {
		progress(i, len(jobs))
		if p.fail != nil {
			r.Waiting++
			r.Errors = append(r.Errors, fmt.Sprintf("job %d (%s): %s", j.ID, j.Tag, p.fail))
			if err := p.db.MarkPrintError(ctx, j.ID, p.fail.Error(), false); err != nil {
				return r, err
			}
			continue
		}
		if err := p.db.MarkPrinted(ctx, j.ID, "zebra-2x1-203", "fake://printer"); err != nil {
			return r, err
		}
		p.printed = append(p.printed, j.Tag)
		r.Printed++
	}
	progress(len(jobs), len(jobs))
	return r, nil
}

func labelsOptions(p *fakePrinter) Options {
	return Options{Operator: "clerk", Printing: func(context.Context, Store) (Printer, error) { return p, nil }}
}

// clearQueue cancels the labels that receiving queued, so that each test
// starts with an empty queue.
func clearQueue(t testing.TB, db *store.DB) {
	t.Helper()
	js, err := db.QueuedJobs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if err := db.CancelPrintJob(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func queue(t testing.TB, db *store.DB, tags ...string) {
	t.Helper()
	for _, tag := range tags {
		if _, err := db.QueueLabel(context.Background(), tag, "", ""); err != nil {
			t.Fatal(err)
		}
	}
}

func queuedTags(t testing.TB, db *store.DB) []string {
	t.Helper()
	js, err := db.QueuedJobs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range js {
		out = append(out, j.Tag)
	}
	return out
}

func TestLabels_QueuePreviewPrint(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002")
	p := &fakePrinter{db: db}
	h := newHarness(t, db, labelsOptions(p), 120, 40)
	h.typeSlow("l")
	if h.title() != "Labels" {
		t.Fatalf("l on Home opened %q", h.title())
	}
	h.wantView("Queue: 2 queued · 0 failed", "TD-000001", "TD-000002", "Preview: TD-000001", "Template: zebra-2x1-203")
	if v := h.view(); !strings.ContainsAny(v, "▀▄█") {
		t.Fatalf("preview has no QR blocks:\n%s", v)
	}
	h.press("ctrl+p")
	h.wantView("printed 2, waiting 0, failed 0", "Queue: 0 queued")
	if got := strings.Join(p.printed, ","); got != "TD-000001,TD-000002" {
		t.Fatalf("printed %q", got)
	}
	if q := queuedTags(t, db); len(q) != 0 {
		t.Fatalf("still queued: %v", q)
	}
	// Printed jobs stay listed for reprints: r queues a new job.
	h.press("ctrl+l")
	h.wantView("queued a reprint of", "Queue: 1 queued")
	if q := queuedTags(t, db); len(q) != 1 {
		t.Fatalf("after reprint, queued %v", q)
	}
}

func TestLabels_ScanQueuesAndPreviews(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	clearQueue(t, db)
	p := &fakePrinter{db: db}
	h := newHarness(t, db, labelsOptions(p), 100, 30)
	h.typeSlow("l")
	h.wantView("nothing queued: scan a tag")
	h.scan("TD-000003")
	h.wantView("queued a label for TD-000003", "Preview: TD-000003", "Queue: 1 queued")
	// A serial resolves to its asset too (a device's own barcode scanned
	// to label it), and says so.
	h.scan(serialOf(2))
	h.wantView("queued a label for TD-000002, found by its serial "+serialOf(2), "Preview: TD-000002", "Queue: 2 queued")
	// A person is not an asset.
	h.scan("B1001")
	h.wantView("not an asset")
	if h.bells == 0 {
		t.Fatal("no bell for a badge on the Labels screen")
	}
	if q := queuedTags(t, db); strings.Join(q, ",") != "TD-000003,TD-000002" {
		t.Fatalf("queued %v", q)
	}
}

func TestLabels_CancelAndTemplate(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002", "TD-000003")
	p := &fakePrinter{db: db}
	h := newHarness(t, db, labelsOptions(p), 120, 40)
	h.typeSlow("l")
	h.press("down")
	h.wantView("Preview: TD-000002")
	h.press("ctrl+x")
	h.wantView("cancelled job", "(TD-000002)", "Queue: 2 queued")
	if q := queuedTags(t, db); strings.Join(q, ",") != "TD-000001,TD-000003" {
		t.Fatalf("queued after cancel %v", q)
	}
	h.press("ctrl+t")
	bs := labels.Builtin()
	next := ""
	for i, b := range bs {
		if b.Name == "zebra-2x1-203" {
			next = bs[(i+1)%len(bs)].Name
		}
	}
	h.wantView("Template: " + next)
	if v, err := db.Setting(context.Background(), store.SettingTemplate); err != nil || v != next {
		t.Fatalf("template setting %q, %v; want %q", v, err, next)
	}
	if ls := h.m.active().(*labelsScreen); !strings.Contains(ls.previewKey, next) || ls.preview == "" {
		t.Fatalf("the preview is not drawn with %s (key %q)", next, ls.previewKey)
	}
	// A tag typed by hand (a damaged label) is typed, not keys: its T
	// changed the template; enter queues its label.
	h.typeSlow("TD-000002")
	h.wantView("Template: "+next, "› TD-000002")
	h.press("enter")
	h.wantView("queued a label for TD-000002")
	if v, _ := db.Setting(context.Background(), store.SettingTemplate); v != next {
		t.Fatalf("typing a tag made the template %q", v)
	}
}

func TestLabels_PrintErrorsKeepJobs(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002")
	p := &fakePrinter{db: db, fail: errors.New("connection refused")}
	h := newHarness(t, db, labelsOptions(p), 120, 40)
	h.typeSlow("l")
	h.press("ctrl+p")
	h.wantView("✗ printed 0, waiting 2, failed 0: job", "(TD-000001): connection refused (+1 more)", "connection refused")
	if h.bells == 0 {
		t.Fatal("no bell for a failed print run")
	}
	if q := queuedTags(t, db); len(q) != 2 {
		t.Fatalf("jobs lost: %v", q)
	}
}

// The run happens in a command: Update returns at once, the screen shows
// progress, and a second p while printing starts nothing.
func TestLabels_PrintNeverBlocks(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	queue(t, db, "TD-000001")
	p := &fakePrinter{db: db}
	h := newHarness(t, db, labelsOptions(p), 120, 40)
	h.typeSlow("l")
	h.hold = true // the run is held
	h.send(tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl})
	h.advance(150 * time.Millisecond)
	h.hold = false
	h.press("ctrl+p")
	h.wantView("printing…") // (not 0/0 before the run has counted its jobs)
	h.release()
	h.advance(time.Second)
	if p.runs != 1 {
		t.Fatalf("%d runs; want 1", p.runs)
	}
	h.wantView("printed 1")
	// A run started from an earlier Labels screen still going: no second run.
	h.m.c.svc.printing.Store(true)
	h.press("ctrl+p")
	h.wantView("another print run is still going")
	if p.runs != 1 {
		t.Fatalf("%d runs while one was going; want 1", p.runs)
	}
}

func TestLabels_NoPrinter(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	queue(t, db, "TD-000001")
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("l")
	h.wantView("TD-000001", "printing is not available here")
	h.press("ctrl+p")
	h.wantView("printing is not available here")
	if q := queuedTags(t, db); len(q) != 1 {
		t.Fatalf("queued %v", q)
	}
}

func TestDetail_LabelKeyQueues(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.scan("TD-000002")
	if h.title() == "Labels" || !strings.Contains(h.view(), "TD-000002") {
		t.Fatalf("scan did not open the detail:\n%s", h.view())
	}
	h.typeSlow("l")
	h.wantView("queued a label (job")
	if q := queuedTags(t, db); strings.Join(q, ",") != "TD-000002" {
		t.Fatalf("queued %v", q)
	}
}

// The queue list is virtualised: a long queue keeps the cursor on screen.
func TestLabels_LongQueueScrolls(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 60)
	clearQueue(t, db)
	var tags []string
	for i := 1; i <= 60; i++ {
		tags = append(tags, fmt.Sprintf("TD-%06d", i))
	}
	queue(t, db, tags...)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	for i := 0; i < 45; i++ {
		h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	h.advance(time.Second)
	h.wantView("Preview: TD-000046", "TD-000046")
	checkLayout(t, h.m.render(), 80, 24, []string{"Queue: 60 queued"})
}

// A tag too long for the desk's template is refused when it is queued, not
// when the job fails at the printer.
func TestLabels_TagTooLongRefusedAtQueue(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	clearQueue(t, db)
	long := "LONGTAG-" + strings.Repeat("9", 24)
	if _, err := db.Receive(context.Background(), store.Receipt{Tag: long, Model: "Latitude 5440", Location: "SHELF-A"}); err != nil {
		t.Fatal(err)
	}
	clearQueue(t, db) // the receipt's own label job
	p := &fakePrinter{db: db}
	h := newHarness(t, db, labelsOptions(p), 100, 30)
	h.typeSlow("l")
	h.scan(long)
	h.wantView("no label queued for " + long)
	if strings.Contains(h.view(), "internal error") {
		t.Fatalf("shown as an internal error:\n%s", h.view())
	}
	if q := queuedTags(t, db); len(q) != 0 {
		t.Fatalf("queued %v", q)
	}
}

// At 80x24 the preview is drawn whole, box and bars, whatever the
// template; the queue shows the selected job and counts the rest.
func TestLabels_PreviewWholeAt80x24(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002", "TD-000003")
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.wantView("Queue: 3 queued", "Preview: TD-000001")
	seen := map[string]bool{}
	for range 12 {
		v := h.view()
		tmpl := strings.Fields(strings.Split(v, "\n")[1])[1]
		if !strings.Contains(v, "┌") || !strings.Contains(v, "┘") {
			t.Fatalf("%s: the preview's box is cut:\n%s", tmpl, v)
		}
		seen[tmpl] = true
		h.press("ctrl+t")
	}
	if len(seen) < 9 {
		t.Fatalf("cycled through %d templates only: %v", len(seen), seen)
	}
	h.press("down")
	h.press("down")
	h.wantView("TD-000003", "Preview: TD-000003", "┘")
}

// From a warehouse lead's hunt: after a resize (or a template whose preview
// is taller) the list showed other jobs than the selected one, which ctrl+x
// and ctrl+l act on. The selection stays in sight.
func TestLabels_SelectionStaysInSightOnResize(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 60)
	clearQueue(t, db)
	var tags []string
	for i := 1; i <= 60; i++ {
		tags = append(tags, fmt.Sprintf("TD-%06d", i))
	}
	queue(t, db, tags...)
	if err := db.SetSetting(context.Background(), store.SettingTemplate, "tag-1.25x0.5-300"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.advance(time.Second)
	for i := 0; i < 13; i++ {
		h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	}
	h.advance(time.Second)
	for i := 0; i < 8; i++ { // round to a taller preview
		// The queue's reload and the new preview come back in either
		// order (two commands at once): here the preview last.
		h.hold = true
		h.press("ctrl+t")
		n := len(h.pending)
		order := make([]int, n)
		for k := range order {
			order[k] = n - 1 - k
		}
		h.release(order...)
		h.advance(time.Second)
		if v := h.view(); strings.Count(v, "TD-000014") < 2 {
			t.Fatalf("the selected job TD-000014 is not in the list after ctrl+t:\n%s", v)
		}
	}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := h.view(); strings.Count(v, "TD-000014") < 2 {
		t.Errorf("the selected job TD-000014 is not in the list after a resize:\n%s", v)
	}
}

// From a labels hunt: quitting the UI during a print run closed the
// database under it, so a label that came out was not recorded, and the
// next run printed it again. Drain waits for the run (which the UI's
// context, cancelled, stops after the label under way); a run that had not
// begun when the UI ended prints nothing.
func TestDrainWaitsForThePrintRun(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	p := &fakePrinter{db: db}
	ctx, cancel := context.WithCancel(context.Background())
	opt := labelsOptions(p)
	opt.Clock, opt.Location = &fakeClock{now: epoch}, time.UTC
	h := &harness{t: t, clk: opt.Clock.(*fakeClock), db: db, m: New(ctx, db, opt)}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init())
	m := h.m
	if m.c.svc == nil {
		t.Fatal("no services")
	}
	m.c.svc.printing.Store(true)
	go func() {
		time.Sleep(50 * time.Millisecond)
		m.c.svc.printing.Store(false)
	}()
	start := time.Now()
	if !m.Drain(5*time.Second) || time.Since(start) < 40*time.Millisecond {
		t.Fatalf("Drain returned after %v", time.Since(start))
	}
	m.c.svc.printing.Store(true)
	if m.Drain(20 * time.Millisecond) {
		t.Fatal("Drain said a run that goes on had ended")
	}
	m.c.svc.printing.Store(false)
	// A run that starts after the UI ended does not print.
	h.typeSlow("l")
	cancel()
	h.press("ctrl+p")
	if p.runs != 0 {
		t.Errorf("%d print run(s) after the UI ended", p.runs)
	}
}

// From a labels hunt: with more than a thousand labels waiting, the screen
// listed the newest thousand and counted only them: the oldest (the next
// to print) could be neither seen nor cancelled.
func TestLabels_LongQueueListsTheNextToPrint(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, labelsQueueLimit+6)
	clearQueue(t, db)
	var tags []string
	for i := 1; i <= labelsQueueLimit+5; i++ {
		tags = append(tags, fmt.Sprintf("TD-%06d", i))
	}
	queue(t, db, tags...)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.wantView(fmt.Sprintf("Queue: %d queued · 0 failed", labelsQueueLimit+5), "TD-000001", "Preview: TD-000001")
	// A label queued now is listed and selected (a review: the cursor
	// stayed on the oldest, and ctrl+x cancelled another asset's job).
	late := fmt.Sprintf("TD-%06d", labelsQueueLimit+6)
	h.scan(late)
	h.wantView("Preview: " + late)
	h.press("ctrl+x")
	h.wantView("(" + late + ")")
	if q := queuedTags(t, db); len(q) != labelsQueueLimit+5 || q[0] != "TD-000001" {
		t.Errorf("%d queued, the first %v", len(q), q[:1])
	}
}

// From a scanner hunt: scans that came together were looked up at once, in
// any order, and a refusal's line was taken by the next scan's. They go one
// at a time, in order, and the refusal stays said.
func TestLabels_ScansInOrderRefusalKept(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	clearQueue(t, db)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.advance(100 * time.Millisecond) // (past the pause window after l: see TestCheckIn_EscAndTabWhileScansWait)
	h.scanHeld("TD-000001", "TD-999999", "TD-000002")
	h.press("esc")
	h.wantView("wait: 3 scan(s) still being recorded")
	h.release()
	h.wantView("queued a label for TD-000002", "refused before it: TD-999999")
	if got := strings.Join(queuedTags(t, db), ","); got != "TD-000001,TD-000002" {
		t.Errorf("queued %q", got)
	}
}

// From a review: a burst ending with a refusal said only its own, not the
// ones before it.
func TestLabels_BurstEndingRefusedSaysAll(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	clearQueue(t, db)
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.scanHeld("NOPE-1", "TD-000001", "NOPE-2")
	h.release()
	h.wantView("NOPE-2", "refused before", "NOPE-1")
}

// From a labels hunt: a message wrapped to two lines pushed the preview's
// box off its bottom at 80x24 (the list's rows were counted for one).
func TestLabels_TwoLineMessageKeepsThePreview(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	clearQueue(t, db)
	queue(t, db, "TD-000001", "TD-000002", "TD-000003", "TD-000004", "TD-000005", "TD-000006")
	h := newHarness(t, db, labelsOptions(&fakePrinter{db: db}), 80, 24)
	h.typeSlow("l")
	h.wantView("Preview: TD-000001")
	h.scan("NO-SUCH-LABEL-CODE-ANYWHERE-ON-THIS-DESK-1234")
	h.wantView("location has it", "TD-000001")
	if v := h.view(); !strings.Contains(v, "└") {
		t.Errorf("the preview lost its bottom:\n%s", v)
	}
}

// A labels.toml the printer could not be built from (a syntax error, an
// unknown format) is said on the Labels screen, its file and line, not
// only "printing is not available here"; at 80x24 as wider.
func TestLabels_BrokenTemplatesSaid(t *testing.T) {
	reason := `label templates in /home/clerk/.config/tagdesk/labels.toml: labels: template file: toml: line 4 (last key "template.height_mm"): expected value but found '=' instead`
	broken := func(context.Context, Store) (Printer, error) { return nil, errors.New(reason) }
	for _, jobs := range []int{0, 1} {
		for _, sz := range sizes {
			db := newTestDB(t)
			seed(t, db, 2)
			clearQueue(t, db)
			if jobs > 0 {
				queue(t, db, "TD-000001")
			}
			h := newHarness(t, db, Options{Operator: "clerk", Printing: broken}, sz.w, sz.h)
			h.typeSlow("l")
			want := []string{"labels.toml", "line 4", "expected"}
			checkLayout(t, h.m.render(), sz.w, sz.h, want)
			h.press("ctrl+p")
			checkLayout(t, h.m.render(), sz.w, sz.h, want)
			if jobs > 0 {
				checkLayout(t, h.m.render(), sz.w, sz.h, []string{"TD-000001"})
			}
		}
	}
}
