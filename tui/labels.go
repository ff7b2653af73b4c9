package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tagdesk/tagdesk/store"
)

// Printer renders label previews and prints the store's label queue. The
// command line implements it over its print spooler.
type Printer interface {
	// Templates lists the label templates (built-in and the user's) and
	// names the desk's current default.
	Templates(ctx context.Context) (ts []TemplateInfo, current string, err error)
	// Preview draws the label of the asset tag with the template ("" is the
	// desk's default) for a terminal at most width columns wide.
	Preview(ctx context.Context, tag, template string, width int) (string, error)
	// RunQueue tries every queued job once, reporting progress.
	RunQueue(ctx context.Context, progress func(done, total int)) (PrintRun, error)
}

// TemplateInfo describes one label template.
type TemplateInfo struct {
	Name, Description string
	WidthMM, HeightMM float64
}

// PrintRun is what one run of the print queue did.
type PrintRun struct {
	Printed, Waiting, Failed int
	Errors                   []string
}

// LabelStore is the durable print queue; *store.DB satisfies it.
type LabelStore interface {
	QueueLabel(ctx context.Context, tag, template, printer string) (store.PrintJob, error)
	PrintJobs(ctx context.Context, status string, limit int) ([]store.PrintJob, error)
	QueuedJobs(ctx context.Context, limit int) ([]store.PrintJob, error)
	PrintJobCounts(ctx context.Context) (queued, failed int, err error)
	CancelPrintJob(ctx context.Context, ids ...int64) error
}

var _ LabelStore = (*store.DB)(nil)

// Limits of the Labels screen's lists.
const (
	labelsQueueLimit  = 1000 // queued and failed jobs shown
	labelsDoneLimit   = 20   // recent printed jobs shown, for reprints
	labelsNewestLimit = 20   // the newest queued, listed too when more wait than are shown
)

// labelKeys are the screen's actions: ctrl keys, because its field takes
// letters (a damaged label's tag typed by hand: "TD-…" began with T,
// the previous template, and saved it as the desk's).
type labelKeys struct {
	Print, Reprint, Cancel, NextTpl key.Binding
}

func newLabelKeys() labelKeys {
	return labelKeys{
		Print:   key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "print queue")),
		Reprint: key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "reprint")),
		Cancel:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "cancel job")),
		NextTpl: key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "template")),
	}
}

// labelsScreen is the print queue with a preview of the selected label.
type labelsScreen struct {
	base
	keys   labelKeys
	input  field // a tag typed by hand (a scan arrives whole)
	loaded bool
	jobs   []store.PrintJob
	// queued and failed count them all (jobs lists the first thousand).
	queued, failed int
	// scans wait their turn (each looked up and queued in order);
	// burstBad are the codes refused among scans that came together.
	scans     scanQueue
	burstBad  []string
	cursor    int
	top       int
	templates []TemplateInfo
	current   string // the desk's default template
	printerAt string // the desk's printer setting
	err       string
	msg       string
	msgBad    bool
	selectID  int64 // select this job once loaded

	preview    string
	previewKey string
	previewErr string

	running  bool
	progress *printProgress
}

type printProgress struct{ done, total atomic.Int64 }

type labelsLoadedMsg struct {
	to
	jobs           []store.PrintJob
	queued, failed int // all of them (jobs lists at most labelsQueueLimit of each)
	templates      []TemplateInfo
	current        string
	printer        string
	err            error
}

type labelsPreviewMsg struct {
	to
	key     string
	preview string
	err     error
}

type labelsActionMsg struct {
	to
	msg    string
	id     int64 // a new job to select
	reload bool
	err    error
	scan   string // the scan this answers (scans go one at a time, in order)
}

type labelsPrintedMsg struct {
	to
	run PrintRun
	err error
}

type labelsTickMsg struct{ to }

func newLabels(c *common) *labelsScreen {
	s := &labelsScreen{base: newBase(c), keys: newLabelKeys(), input: newField("› ", "")}
	s.input.Focus()
	return s
}

func (s *labelsScreen) Title() string   { return "Labels" }
func (s *labelsScreen) Capturing() bool { return true }

// Typing reports a tag typed and not yet entered (ctrl+c does not quit then).
// Recording is how many scans wait to be recorded (ctrl+c asks first).
func (s *labelsScreen) Recording() int { return s.scans.len() }

func (s *labelsScreen) Typing() bool  { return s.input.Value() != "" }
func (s *labelsScreen) Init() tea.Cmd { return s.load() }

// Refresh reloads the queue when the screen comes back to the top.
func (s *labelsScreen) Refresh() tea.Cmd { return s.load() }

func (s *labelsScreen) servicesChanged() tea.Cmd { return s.load() }

// Resized redraws the preview for the new width.
func (s *labelsScreen) Resized() tea.Cmd {
	s.clamp() // (the selected job stays in sight)
	return s.wantPreview()
}

func (s *labelsScreen) printer() Printer {
	if s.c.svc == nil {
		return nil
	}
	return s.c.svc.printer
}

// noPrinting says why there is no printer: the reason it could not be
// made (a labels.toml that does not parse, its file and line, as the
// command line says it) when there is one.
func (s *labelsScreen) noPrinting() string {
	if s.c.svc != nil && s.c.svc.printErr != "" {
		return "printing is off: " + s.c.svc.printErr
	}
	return "printing is not available here"
}

// labelErrText is errText for a label that cannot be drawn: the labels
// package's layout errors (a tag too long for the template) are the
// user's to fix, not internal ones.
func labelErrText(err error) string {
	var coded *store.Error
	if err != nil && !errors.As(err, &coded) {
		return "cannot print this label: " + oneLine(strings.TrimPrefix(err.Error(), "labels: "))
	}
	return errText(err)
}

// fits lays out tag's label with the desk's template (p's preview): a
// label that cannot be printed, such as a tag too long for the template,
// is refused when it is queued rather than failing when it prints.
func fits(ctx context.Context, p Printer, tag string) error {
	if p == nil {
		return nil
	}
	if _, err := p.Preview(ctx, tag, "", 40); err != nil {
		var coded *store.Error
		if errors.As(err, &coded) {
			return err
		}
		return store.Errorf(store.EINVALID, "no label queued for %s: %s", tag, strings.TrimPrefix(err.Error(), "labels: "))
	}
	return nil
}

func (s *labelsScreen) queue() (LabelStore, bool) {
	q, ok := s.c.db.(LabelStore)
	return q, ok
}

func (s *labelsScreen) load() tea.Cmd {
	q, ok := s.queue()
	if !ok {
		s.err = "this store has no print queue"
		return nil
	}
	db, id, p := s.c.db, s.id, s.printer()
	return s.c.do(func(ctx context.Context) tea.Msg {
		msg := labelsLoadedMsg{to: to{id}}
		// Oldest first: the order they print in (the next to print are
		// listed when more wait than the list holds: the newest were).
		queued, err := q.QueuedJobs(ctx, labelsQueueLimit)
		if err != nil {
			msg.err = err
			return msg
		}
		msg.jobs = append(msg.jobs, queued...)
		if msg.queued, msg.failed, msg.err = q.PrintJobCounts(ctx); msg.err != nil {
			return msg
		}
		if msg.queued > len(queued) && len(queued) > 0 {
			// The newest too, after them: a label just queued is there to
			// select (ctrl+x cancelled the one under the cursor, another
			// asset's, a review found).
			newest, err := q.PrintJobs(ctx, store.JobQueued, labelsNewestLimit)
			if err != nil {
				msg.err = err
				return msg
			}
			last := queued[len(queued)-1].ID
			for i := len(newest) - 1; i >= 0; i-- {
				if newest[i].ID > last {
					msg.jobs = append(msg.jobs, newest[i])
				}
			}
		}
		for _, st := range []struct {
			status string
			limit  int
		}{{store.JobFailed, labelsQueueLimit}, {store.JobDone, labelsDoneLimit}} {
			js, err := q.PrintJobs(ctx, st.status, st.limit)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.jobs = append(msg.jobs, js...)
		}
		if msg.printer, msg.err = db.Setting(ctx, store.SettingPrinter); msg.err != nil {
			return msg
		}
		if p != nil {
			msg.templates, msg.current, msg.err = p.Templates(ctx)
		}
		return msg
	})
}

// selected is the job under the cursor.
func (s *labelsScreen) selected() (store.PrintJob, bool) {
	if s.cursor < 0 || s.cursor >= len(s.jobs) {
		return store.PrintJob{}, false
	}
	return s.jobs[s.cursor], true
}

// previewWidth is the room the preview gets.
func (s *labelsScreen) previewWidth() int {
	if s.wide() {
		return max(20, s.width/2-2)
	}
	return max(20, s.width-1)
}

func (s *labelsScreen) wide() bool { return s.width >= 100 }

// wantPreview asks for the selected label's preview unless it is drawn.
func (s *labelsScreen) wantPreview() tea.Cmd {
	p := s.printer()
	j, ok := s.selected()
	if p == nil || !ok {
		s.preview, s.previewErr, s.previewKey = "", "", ""
		return nil
	}
	tpl := j.Template
	if tpl == "" {
		tpl = s.current
	}
	w := s.previewWidth()
	k := fmt.Sprintf("%s\x00%s\x00%d", j.Tag, tpl, w)
	if k == s.previewKey {
		return nil
	}
	s.previewKey = k
	id := s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		out, err := p.Preview(ctx, j.Tag, tpl, w)
		return labelsPreviewMsg{to: to{id}, key: k, preview: out, err: err}
	})
}

func (s *labelsScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case labelsLoadedMsg:
		s.loaded = true
		s.err = errText(msg.err)
		if msg.err != nil {
			return nil
		}
		s.jobs, s.templates, s.current, s.printerAt = msg.jobs, msg.templates, msg.current, msg.printer
		s.queued, s.failed = msg.queued, msg.failed
		if s.selectID != 0 {
			for i, j := range s.jobs {
				if j.ID == s.selectID {
					s.cursor = i
				}
			}
			s.selectID = 0
		}
		s.clamp()
		return s.wantPreview()
	case labelsPreviewMsg:
		if msg.key != s.previewKey {
			return nil
		}
		s.preview, s.previewErr = msg.preview, labelErrText(msg.err)
		s.clamp() // (a taller preview leaves the list fewer rows: the selection stays in sight)
	case labelsActionMsg:
		var next tea.Cmd
		if msg.scan != "" {
			if code, ok := s.scans.done(); ok {
				next = s.lookUp(code)
			}
		}
		s.msg, s.msgBad = msg.msg, false
		if msg.err != nil {
			s.msg, s.msgBad = errText(msg.err), true
			if msg.scan != "" {
				if len(s.burstBad) > 0 {
					s.msg += " · refused before it: " + strings.Join(s.burstBad, " ")
				}
				s.burstBad = append(s.burstBad, clipCode(msg.scan))
			}
			return tea.Batch(bell(), next)
		}
		if len(s.burstBad) > 0 && msg.scan != "" {
			// A refusal among scans that came together stays said
			// (the next scan's line took its place).
			s.msg, s.msgBad = fmt.Sprintf("%s · refused before it: %s", s.msg, strings.Join(s.burstBad, " ")), true
		}
		if msg.id != 0 {
			s.selectID = msg.id
		}
		if msg.reload {
			return tea.Batch(s.load(), next)
		}
		return next
	case labelsTickMsg:
		if s.running {
			return s.c.clock.After(200*time.Millisecond, labelsTickMsg{to{s.id}})
		}
	case labelsPrintedMsg:
		s.running = false
		r := msg.run
		s.msg = fmt.Sprintf("printed %d, waiting %d, failed %d", r.Printed, r.Waiting, r.Failed)
		s.msgBad = r.Failed > 0 || len(r.Errors) > 0
		if len(r.Errors) > 0 {
			s.msg += ": " + r.Errors[0]
			if len(r.Errors) > 1 {
				s.msg += fmt.Sprintf(" (+%d more)", len(r.Errors)-1)
			}
		}
		if msg.err != nil {
			s.msg, s.msgBad = "print run stopped: "+errText(msg.err), true
		}
		cmds := []tea.Cmd{s.load()}
		if s.msgBad {
			cmds = append(cmds, bell())
		}
		return tea.Batch(cmds...)
	case scanMsg:
		return s.queueScan(lineWith(&s.input, msg))
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *labelsScreen) key(k tea.KeyPressMsg) tea.Cmd {
	g := s.c.keys
	switch {
	case key.Matches(k, g.Back):
		if s.input.Value() != "" {
			s.input.Reset()
			return nil
		}
		if n := s.Recording(); n > 0 {
			s.msg, s.msgBad = waitNote(n), false
			return nil
		}
		return back
	case k.String() == "enter":
		text := strings.TrimSpace(s.input.Value())
		s.input.Reset()
		if text == "" {
			return nil
		}
		return s.queueScan(text)
	case key.Matches(k, g.ListUp):
		s.move(-1)
	case key.Matches(k, g.ListDown):
		s.move(1)
	case key.Matches(k, g.PageUp):
		s.move(-s.rows())
	case key.Matches(k, g.PageDown):
		s.move(s.rows())
	case key.Matches(k, g.Refresh):
		s.previewKey = ""
		return s.load()
	case key.Matches(k, s.keys.Print):
		return s.print()
	case key.Matches(k, s.keys.Reprint):
		if j, ok := s.selected(); ok {
			return s.queueTag(j.Tag, "reprint")
		}
	case key.Matches(k, s.keys.Cancel):
		return s.cancel()
	case key.Matches(k, s.keys.NextTpl):
		return s.cycleTemplate(1)
	default:
		s.input.Update(k)
		return nil
	}
	return s.wantPreview()
}

func (s *labelsScreen) move(d int) {
	s.cursor += d
	s.clamp()
}

func (s *labelsScreen) clamp() {
	s.cursor = min(max(0, s.cursor), max(0, len(s.jobs)-1))
	rows := s.rows()
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+rows {
		s.top = s.cursor - rows + 1
	}
	s.top = max(0, min(s.top, len(s.jobs)-rows))
}

// rows is how many jobs the list shows at once.
func (s *labelsScreen) rows() int {
	// The template line, the queue heading, and the message under it (a
	// refusal wrapped to two or three lines pushed the preview's box off
	// its bottom).
	fixed := 2 + strings.Count(s.bottomLine(s.width), "\n") + 1
	if s.wide() {
		return max(1, s.height-fixed)
	}
	// Stacked: the preview (heading and box) gets the room it needs, the
	// list what is left, at least one row (the selected job, which the
	// preview shows; the heading counts the rest): a box cut at its bottom
	// would hide the bars and look broken. At 80x24 that leaves three rows.
	// A terminal too short even for one cuts the preview's bottom.
	prev := 18
	switch {
	case s.printer() == nil:
		prev = strings.Count(para(s.c.styles.Err, s.noPrinting(), s.previewWidth()), "\n") + 2
	case s.preview != "":
		prev = strings.Count(s.preview, "\n") + 2
	case s.previewErr != "":
		// (A failed job's preview is its reason, a line or two: the
		// list kept one row over empty lines.)
		prev = strings.Count(para(s.c.styles.Err, s.previewErr, s.previewWidth()), "\n") + 2
	}
	return max(1, min(len(s.jobs), s.height-fixed-prev))
}

func (s *labelsScreen) print() tea.Cmd {
	p := s.printer()
	if p == nil {
		s.msg, s.msgBad = s.noPrinting(), true
		return bell()
	}
	if s.running {
		return nil
	}
	s.running = true
	s.err, s.msg, s.msgBad = "", "", false // (what is said from here is this run's; "printing…" is the bottom line's)
	prog := &printProgress{}
	s.progress = prog
	id, parent, svc := s.id, s.c.ctx, s.c.svc
	timeout := max(s.c.timeout, 5*time.Minute)
	run := func() tea.Msg {
		if parent.Err() != nil {
			return labelsPrintedMsg{to: to{id}, err: parent.Err()} // (the UI is closing)
		}
		if !svc.printing.CompareAndSwap(false, true) {
			return labelsPrintedMsg{to: to{id}, err: store.Errorf(store.ECONFLICT, "another print run is still going")}
		}
		defer svc.printing.Store(false)
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		r, err := p.RunQueue(ctx, func(done, total int) {
			prog.done.Store(int64(done))
			prog.total.Store(int64(total))
		})
		return labelsPrintedMsg{to: to{id}, run: r, err: err}
	}
	return tea.Batch(run, s.c.clock.After(200*time.Millisecond, labelsTickMsg{to{id}}))
}

func (s *labelsScreen) cancel() tea.Cmd {
	j, ok := s.selected()
	if !ok {
		return nil
	}
	if j.Status != store.JobQueued && j.Status != store.JobFailed {
		s.msg, s.msgBad = fmt.Sprintf("job %d is %s: nothing to cancel", j.ID, j.Status), true
		return bell()
	}
	q, _ := s.queue()
	id := s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		err := q.CancelPrintJob(ctx, j.ID)
		return labelsActionMsg{to: to{id}, msg: fmt.Sprintf("cancelled job %d (%s)", j.ID, j.Tag), reload: true, err: err}
	})
}

// queueScan queues the label of the asset a scan names.
func (s *labelsScreen) queueScan(code string) tea.Cmd {
	if _, ok := s.queue(); !ok {
		return nil
	}
	if s.scans.len() == 0 {
		s.burstBad = nil // (a new burst)
	}
	if code, ok := s.scans.push(code); ok {
		return s.lookUp(code)
	}
	return nil
}

// lookUp queues the label of the asset a scan names.
func (s *labelsScreen) lookUp(code string) tea.Cmd {
	q, _ := s.queue()
	db, id, p := s.c.db, s.id, s.printer()
	s.msg, s.msgBad = "looking up "+code+"…", false
	return s.c.do(func(ctx context.Context) tea.Msg {
		res, err := db.Resolve(ctx, code)
		if err != nil {
			return labelsActionMsg{to: to{id}, err: err, scan: code}
		}
		if res.Kind != store.ResolvedAsset {
			return labelsActionMsg{to: to{id}, err: store.Errorf(store.EINVALID, "%s is a %s, not an asset: scan an asset tag", code, res.Kind), scan: code}
		}
		if err := fits(ctx, p, res.Asset.Tag); err != nil {
			return labelsActionMsg{to: to{id}, err: err, scan: code}
		}
		j, err := q.QueueLabel(ctx, res.Asset.Tag, "", "")
		if err != nil {
			return labelsActionMsg{to: to{id}, err: err, scan: code}
		}
		msg := fmt.Sprintf("queued a label for %s (job %d)", j.Tag, j.ID)
		if res.Via == "serial" {
			// (A device's own serial barcode scanned to label it: said, so
			// that a tag typed that is another's serial is seen.)
			msg = fmt.Sprintf("queued a label for %s, found by its serial %s (job %d)", j.Tag, clipCode(res.Code), j.ID)
		}
		return labelsActionMsg{to: to{id}, msg: msg, id: j.ID, reload: true, scan: code}
	})
}

// queueTag queues a new job for tag.
func (s *labelsScreen) queueTag(tag, what string) tea.Cmd {
	q, _ := s.queue()
	id, p := s.id, s.printer()
	return s.c.do(func(ctx context.Context) tea.Msg {
		if err := fits(ctx, p, tag); err != nil {
			return labelsActionMsg{to: to{id}, err: err}
		}
		j, err := q.QueueLabel(ctx, tag, "", "")
		if err != nil {
			return labelsActionMsg{to: to{id}, err: err}
		}
		return labelsActionMsg{to: to{id}, msg: fmt.Sprintf("queued a %s of %s (job %d)", what, j.Tag, j.ID), id: j.ID, reload: true}
	})
}

// cycleTemplate makes the next (d=1) or previous template the desk's
// default; queued jobs without their own template print with it.
func (s *labelsScreen) cycleTemplate(d int) tea.Cmd {
	if len(s.templates) == 0 {
		s.msg, s.msgBad = "no templates: "+s.noPrinting(), true
		return bell()
	}
	i := 0
	for k, t := range s.templates {
		if t.Name == s.current {
			i = k
		}
	}
	i = (i + d + len(s.templates)) % len(s.templates)
	name := s.templates[i].Name
	s.current = name
	db, id := s.c.db, s.id
	return tea.Batch(s.wantPreview(), s.c.do(func(ctx context.Context) tea.Msg {
		err := db.SetSetting(ctx, store.SettingTemplate, name)
		return labelsActionMsg{to: to{id}, msg: "template: " + name, err: err}
	}))
}

func (s *labelsScreen) templateInfo() string {
	if s.current == "" {
		return "(default)"
	}
	for _, t := range s.templates {
		if t.Name == s.current {
			return fmt.Sprintf("%s  %.1f×%.1f mm", t.Name, t.WidthMM, t.HeightMM)
		}
	}
	return s.current
}

func (s *labelsScreen) View() string {
	st := s.c.styles
	w := s.width
	printer := s.printerAt
	if printer == "" {
		printer = "none (setting set printer URI)"
	}
	var b strings.Builder
	b.WriteString(truncate(fmt.Sprintf("Template: %s   Printer: %s", s.templateInfo(), printer), w) + "\n")
	queued, failed := s.queued, s.failed
	listW := w
	if s.wide() {
		listW = w - s.previewWidth() - 3
	}
	list := []string{st.Section.Render(truncate(fmt.Sprintf("Queue: %d queued · %d failed", queued, failed), listW))}
	switch {
	case !s.loaded:
		list = append(list, st.Dim.Render("  loading…"))
	case len(s.jobs) == 0:
		list = append(list, st.Dim.Render(truncate("  nothing queued: scan a tag to queue its label", listW)))
	}
	rows := s.rows()
	for i := s.top; i < len(s.jobs) && i < s.top+rows; i++ {
		list = append(list, s.jobLine(s.jobs[i], i == s.cursor, listW))
	}
	var prev []string
	noPrinter := para(st.Dim, s.noPrinting(), s.previewWidth())
	if s.c.svc != nil && s.c.svc.printErr != "" {
		noPrinter = para(st.Err, s.noPrinting(), s.previewWidth())
	}
	j, ok := s.selected()
	if !ok && s.loaded && s.printer() == nil && s.c.svc != nil && s.c.svc.printErr != "" {
		// (Said with nothing queued too: what to put right is in it.)
		prev = append(prev, st.Section.Render(truncate("Printing", s.previewWidth())))
		prev = append(prev, strings.Split(noPrinter, "\n")...)
	}
	if ok {
		prev = append(prev, st.Section.Render(truncate("Preview: "+j.Tag, s.previewWidth())))
		switch {
		case s.printer() == nil:
			prev = append(prev, strings.Split(noPrinter, "\n")...)
		case s.previewErr != "":
			prev = append(prev, strings.Split(para(st.Err, s.previewErr, s.previewWidth()), "\n")...)
		case s.preview == "":
			prev = append(prev, st.Dim.Render("drawing…"))
		default:
			prev = append(prev, strings.Split(s.preview, "\n")...)
		}
	}
	bottom := s.bottomLine(w)
	bodyH := max(1, s.height-1-strings.Count(bottom, "\n")-1)
	if s.wide() {
		left := lipgloss.NewStyle().Width(listW).Render(strings.Join(list, "\n"))
		sep := strings.TrimSuffix(strings.Repeat(" │\n", max(len(list), len(prev))), "\n")
		right := make([]string, len(prev))
		for i, l := range prev {
			right[i] = " " + l
		}
		b.WriteString(strings.Join(fit(lipgloss.JoinHorizontal(lipgloss.Top, left, sep, strings.Join(right, "\n")), w, bodyH), "\n"))
	} else {
		all := append(list, prev...)
		b.WriteString(strings.Join(fit(strings.Join(all, "\n"), w, bodyH), "\n"))
	}
	b.WriteString("\n")
	b.WriteString(bottom)
	return b.String()
}

// bottomLine is what goes under the queue: the field, the progress, or
// the last message, wrapped (up to msgLines lines: what a refusal says to
// do is at its end).
func (s *labelsScreen) bottomLine(w int) string {
	st := s.c.styles
	wrapped := func(style lipgloss.Style, text string) string { return strings.Join(wrapMsg(style, text, w), "\n") }
	switch {
	case s.input.Value() != "":
		return s.input.View(st, w)
	case s.running:
		line := "printing…" // (before the run has counted its jobs)
		if s.progress != nil && s.progress.total.Load() > 0 {
			line = fmt.Sprintf("printing %d/%d…", s.progress.done.Load(), s.progress.total.Load())
		}
		// What a key did meanwhile (ctrl+x, ctrl+l) is said beside it:
		// the progress hid whether a cancel was taken.
		switch {
		case s.err != "":
			return st.Warn.Render(line) + " " + st.Err.Render(truncate(s.err, max(1, w-cellWidth(line)-1)))
		case s.msg != "" && s.msgBad:
			return st.Warn.Render(line) + " " + st.Err.Render(truncate("✗ "+s.msg, max(1, w-cellWidth(line)-1)))
		case s.msg != "":
			return st.Warn.Render(line) + " " + st.OK.Render(truncate(s.msg, max(1, w-cellWidth(line)-1)))
		}
		return st.Warn.Render(line)
	case s.err != "":
		return wrapped(st.Err, s.err)
	case s.msg != "" && s.msgBad:
		return wrapped(st.Err, "✗ "+s.msg)
	case s.msg != "":
		return wrapped(st.OK, s.msg)
	}
	return st.Dim.Render(truncate("Scan a tag, or type it and press enter, to queue its label.", w))
}

func (s *labelsScreen) jobLine(j store.PrintJob, sel bool, w int) string {
	st := s.c.styles
	tpl := j.Template
	if tpl == "" {
		tpl = "default"
	}
	line := fmt.Sprintf("  %-5d %-12s %-9s %-14s", j.ID, j.Tag, j.Status, tpl)
	if j.LastError != "" {
		line += " " + oneLine(j.LastError)
	}
	line = truncate(line, w)
	switch {
	case sel:
		return st.Selected.Render(line)
	case j.Status == store.JobFailed:
		return st.Err.Render(line)
	case j.Status == store.JobDone:
		return st.Dim.Render(line)
	}
	return line
}

func (s *labelsScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{s.keys.Print, s.keys.Reprint, s.keys.Cancel, s.keys.NextTpl, k.Back}
}

func (s *labelsScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{s.keys.Print, s.keys.Reprint, s.keys.Cancel}, {s.keys.NextTpl, k.Refresh}, {k.ListUp, k.ListDown, k.PageUp, k.PageDown}, {k.Back, k.ForceQ}}
}

// queueLabel is the asset detail screen's l: queue a label for the asset.
func (s *detailScreen) queueLabel() tea.Cmd {
	q, ok := s.c.db.(LabelStore)
	if !ok || s.asset == nil {
		return nil
	}
	tag, id := s.asset.Tag, s.id
	var p Printer
	if s.c.svc != nil {
		p = s.c.svc.printer
	}
	return s.c.do(func(ctx context.Context) tea.Msg {
		if err := fits(ctx, p, tag); err != nil {
			return detailActionMsg{to: to{id}, err: err}
		}
		j, err := q.QueueLabel(ctx, tag, "", "")
		if err != nil {
			return detailActionMsg{to: to{id}, err: err}
		}
		return detailActionMsg{to: to{id}, what: fmt.Sprintf("queued a label (job %d): print it on the Labels screen (l on Home)", j.ID)}
	})
}
