package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/labels/printer"
	"github.com/tagdesk/tagdesk/store"
)

// spooler renders queued labels and sends them to printers. It is the glue
// between the store's durable print queue and the pure labels package; the
// CLI and the terminal UI share it.
type spooler struct {
	db       *store.DB
	renderer *labels.Renderer
	user     []labels.Template // from the user's labels.toml
}

func newSpooler(db *store.DB, getenv func(string) string) (*spooler, error) {
	r, err := labels.NewRenderer()
	if err != nil {
		return nil, fmt.Errorf("label renderer: %w", err)
	}
	user, err := userTemplates(getenv)
	if err != nil {
		return nil, err
	}
	return &spooler{db: db, renderer: r, user: user}, nil
}

// userTemplatesPath is $XDG_CONFIG_HOME/tagdesk/labels.toml (~/.config/...).
func userTemplatesPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) { // unset, or relative: invalid, as the XDG spec says
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "tagdesk", "labels.toml")
}

func userTemplates(getenv func(string) string) ([]labels.Template, error) {
	path := userTemplatesPath(getenv)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("label templates: %w", err)
	}
	defer f.Close()
	ts, err := labels.ParseTemplates(f)
	if err != nil {
		return nil, fmt.Errorf("label templates in %s: %w", path, err)
	}
	return ts, nil
}

// template finds a template by name, else the desk's default.
func (s *spooler) template(ctx context.Context, name string) (labels.Template, error) {
	if name == "" {
		def, err := s.db.Setting(ctx, store.SettingTemplate)
		if err != nil {
			return labels.Template{}, err
		}
		name = def
	}
	if name == "" {
		name = labels.DefaultTemplate
	}
	return labels.Find(name, s.user)
}

// label turns an asset into the data a label shows.
func (s *spooler) label(ctx context.Context, a store.Asset) (labels.Label, error) {
	owner, err := s.db.Setting(ctx, store.SettingLabelOwner)
	if err != nil {
		return labels.Label{}, err
	}
	model := store.MakerModel(a.Manufacturer, a.Model)
	return labels.Label{Tag: a.Tag, Name: a.Name, Model: model, Serial: a.Serial, Location: a.LocationName, Owner: owner, Custom: a.Custom}, nil
}

// render produces a print job in the given format for the assets.
func (s *spooler) render(t labels.Template, format string, ls []labels.Label, skip int) ([]byte, error) {
	var b bytes.Buffer
	switch format {
	case "zpl":
		if t.Sheet != nil {
			return nil, fmt.Errorf("template %s is a sheet: print it as pdf", t.Name)
		}
		if err := labels.ZPL(&b, t, ls...); err != nil {
			return nil, err
		}
	case "pdf":
		if err := s.renderer.PDF(&b, t, ls, skip); err != nil {
			return nil, err
		}
	case "png":
		if len(ls) != 1 {
			return nil, fmt.Errorf("png holds one label; got %d", len(ls))
		}
		if err := s.renderer.PNG(&b, t, ls[0]); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q (want zpl, pdf or png)", format)
	}
	return b.Bytes(), nil
}

// formatFor picks the output format a printer wants: PDF for sheets, a
// file's by its extension (.png, .pdf, .zpl), else the template's (ZPL for
// Zebra printers, PDF for those printed through a driver, Brother QL).
func formatFor(uri string, t labels.Template) string {
	switch {
	case t.Sheet != nil:
		return "pdf"
	case strings.HasSuffix(strings.ToLower(uri), ".png"):
		return "png"
	case strings.HasSuffix(strings.ToLower(uri), ".pdf"):
		return "pdf"
	case strings.HasSuffix(strings.ToLower(uri), ".zpl"):
		return "zpl"
	case t.Format != "":
		return t.Format
	}
	return "zpl"
}

// checkRoute refuses a label printer's PDF for a raw socket: a label
// printer on port 9100 takes its own language, not PDF. (A sheet's PDF may
// go there: office printers on 9100 often print PDF.)
func checkRoute(p printer.Printer, format string, t labels.Template) error {
	if format == "pdf" && t.Sheet == nil && strings.HasPrefix(p.String(), "tcp://") {
		return store.Errorf(store.EINVALID, "template %s prints PDF, which a raw socket printer (%s) does not take: print it through its driver (cups://QUEUE) or to a file", t.Name, p)
	}
	// A sheet is a PDF: written to a file named .png or .zpl, it was a
	// PDF under that name (garbage on a Zebra), as --out refuses.
	if name := strings.ToLower(p.String()); t.Sheet != nil && strings.HasPrefix(name, "file://") && (strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".zpl")) {
		return store.Errorf(store.EINVALID, "template %s is a sheet of labels, printed as PDF, not %s: name the file .pdf", t.Name, strings.ToUpper(name[strings.LastIndex(name, ".")+1:]))
	}
	return nil
}

// printResult is what one queue run did.
type printResult struct {
	Printed, Waiting, Failed int
	Errors                   []string
	// Notes say of labels printed what they left out (text too long for
	// the template, cut short), as label warns.
	Notes []string
}

// run tries every queued job once. override, when set, replaces each job's
// printer. Jobs whose printer is unreachable stay queued; jobs that can never
// print as they are (a tag too long for the template) are marked failed.
func (s *spooler) run(ctx context.Context, override string, progress func(done, total int)) (printResult, error) {
	var res printResult
	jobs, err := s.db.QueuedJobs(ctx, 0)
	if err != nil {
		return res, err
	}
	def, err := s.db.Setting(ctx, store.SettingPrinter)
	if err != nil {
		return res, err
	}
	var todo []store.PrintJob
	var uris []string
	noPrinter := 0
	for _, j := range jobs {
		uri := firstNonEmpty(override, j.Printer, def)
		if uri == "" {
			noPrinter++
			continue
		}
		todo, uris = append(todo, j), append(uris, uri)
	}
	if noPrinter > 0 {
		res.Waiting += noPrinter
		res.Errors = append(res.Errors, fmt.Sprintf("%d label(s) name no printer and none is set: tagdesk setting set printer URI (tcp://HOST:9100, cups://QUEUE, lp://QUEUE or a file), or queue run --printer URI", noPrinter))
	}
	outs, err := s.printJobs(ctx, todo, uris, progress)
	if err != nil {
		return res, err
	}
	for _, o := range outs {
		if o.done {
			continue // another run's
		}
		if o.err == nil {
			res.Printed++
			if note, err := s.cutNote(ctx, o.job); err != nil {
				return res, err
			} else if note != "" {
				res.Notes = append(res.Notes, note)
			}
			continue
		}
		j, err, permanent := o.job, o.err, o.permanent
		msg := fmt.Sprintf("job %d (%s): %s", j.ID, j.Tag, printReason(err)) // (one line each)
		res.Errors = append(res.Errors, msg)
		if permanent {
			res.Failed++
		} else {
			res.Waiting++
		}
		if merr := s.db.MarkPrintError(ctx, j.ID, printReason(err), permanent); merr != nil {
			return res, merr
		}
	}
	return res, nil
}

// cutNote says what job j's label printed cut short or left out, or "".
func (s *spooler) cutNote(ctx context.Context, j store.PrintJob) (string, error) {
	a, err := s.db.Asset(ctx, j.Tag)
	if err != nil {
		return "", err
	}
	t, err := s.template(ctx, j.Template)
	if err != nil {
		return "", nil // (printed: its template was found then)
	}
	l, err := s.label(ctx, a)
	if err != nil {
		return "", err
	}
	fs, err := labels.Shortened(t, l)
	if err != nil || len(fs) == 0 {
		return "", nil
	}
	return fmt.Sprintf("%s: text too long for %s printed cut short or left out (%s)", j.Tag, t.Name, strings.Join(fs, ", ")), nil
}

// jobOutcome is what became of one job: err nil when it printed.
type jobOutcome struct {
	job       store.PrintJob
	err       error
	permanent bool // a retry cannot help
	done      bool // printed by another run, not this one
}

// printJobs prints jobs, each on its printer (uris). Jobs for a sheet
// template (A4 or Letter label sheets) going to the same printer are laid
// out together, one document for them all, instead of a sheet per label;
// a label that does not fit fails alone and the others still print
// together. Other jobs go one by one.
//
// One run prints at a time on a desk (lockPrinting); a job another run
// printed meanwhile is not printed again. A printer that fails with a
// retryable error (off, stalled) is not sent the run's other jobs: they
// wait, rather than each waiting out its timeout.
func (s *spooler) printJobs(ctx context.Context, jobs []store.PrintJob, uris []string, progress func(done, total int)) ([]jobOutcome, error) {
	unlock, err := lockPrinting(s.db.Path())
	if err != nil {
		return nil, err
	}
	defer unlock()
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	queued, err := s.db.StillQueued(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]jobOutcome, 0, len(jobs))
	down := map[string]error{} // printers that failed in this run
	type sheet struct {
		t    labels.Template
		uri  string
		jobs []store.PrintJob
	}
	var sheets []*sheet
	byKey := map[string]*sheet{}
	done := 0
	step := func(n int) {
		done += n
		if progress != nil {
			progress(done, len(jobs))
		}
	}
	for i, j := range jobs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if queued[j.ID] && i > 0 {
			// Asked again before each label goes: one cancelled while
			// the run prints (queue cancel, the UI's ctrl+x) is not sent.
			still, err := s.db.StillQueued(ctx, []int64{j.ID})
			if err != nil {
				return out, err
			}
			queued[j.ID] = still[j.ID]
		}
		if !queued[j.ID] {
			// Printed (or cancelled) by another run since this one read
			// the queue: not printed again.
			out = append(out, jobOutcome{job: j, done: true})
			step(1)
			continue
		}
		if err := down[uris[i]]; err != nil {
			out = append(out, jobOutcome{j, notSent(err), false, false})
			step(1)
			continue
		}
		t, err := s.template(ctx, j.Template)
		if err != nil {
			out = append(out, jobOutcome{j, err, true, false})
			step(1)
			continue
		}
		if t.Sheet != nil {
			key := t.Name + "\x00" + uris[i]
			if byKey[key] == nil {
				byKey[key] = &sheet{t: t, uri: uris[i]}
				sheets = append(sheets, byKey[key])
			}
			byKey[key].jobs = append(byKey[key].jobs, j)
			continue
		}
		permanent, err := s.printJob(ctx, j, t, uris[i])
		if printer.IsRetryable(err) {
			down[uris[i]] = err
		}
		out = append(out, jobOutcome{j, err, permanent, false})
		step(1)
	}
	for _, sh := range sheets {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if err := down[sh.uri]; err != nil {
			for _, j := range sh.jobs {
				out = append(out, jobOutcome{j, notSent(err), false, false})
			}
			step(len(sh.jobs))
			continue
		}
		// Those cancelled while the run printed other labels are left out.
		sheetIDs := make([]int64, len(sh.jobs))
		for k, j := range sh.jobs {
			sheetIDs[k] = j.ID
		}
		still, err := s.db.StillQueued(ctx, sheetIDs)
		if err != nil {
			return out, err
		}
		keep := sh.jobs[:0:0]
		for _, j := range sh.jobs {
			if still[j.ID] {
				keep = append(keep, j)
			} else {
				out = append(out, jobOutcome{job: j, done: true})
			}
		}
		if len(keep) == 0 {
			step(len(sh.jobs))
			continue
		}
		outs, err := s.printSheet(ctx, sh.t, sh.uri, keep)
		if err != nil {
			return out, err
		}
		for _, o := range outs {
			if printer.IsRetryable(o.err) {
				down[sh.uri] = o.err
			}
		}
		out = append(out, outs...)
		step(len(sh.jobs))
	}
	return out, nil
}

// notSent is the outcome of a job not sent to a printer that failed
// earlier in the run: it waits in the queue, for the same reason.
func notSent(err error) error {
	return fmt.Errorf("not sent: %w (earlier in this run)", err)
}

// printSheet prints jobs of sheet template t on uri as one document.
func (s *spooler) printSheet(ctx context.Context, t labels.Template, uri string, jobs []store.PrintJob) ([]jobOutcome, error) {
	var out []jobOutcome
	var ok []store.PrintJob
	var ls []labels.Label
	for _, j := range jobs {
		a, err := s.db.Asset(ctx, j.Tag)
		if err == nil {
			err = printable(a)
		}
		if err == nil {
			var l labels.Label
			if l, err = s.label(ctx, a); err == nil {
				ok, ls = append(ok, j), append(ls, l)
				continue
			}
		}
		out = append(out, jobOutcome{j, err, store.ErrorCode(err) != store.EINTERNAL, false})
	}
	// A label that does not fit fails alone; the others share the sheets.
	fits, fitting := ok[:0:0], ls[:0:0]
	for i, l := range ls {
		if err := labels.Check(t, l); err != nil {
			out = append(out, jobOutcome{ok[i], err, true, false})
			continue
		}
		fits, fitting = append(fits, ok[i]), append(fitting, l)
	}
	ok, ls = fits, fitting
	if len(ok) == 0 {
		return out, nil
	}
	doc, err := s.render(t, "pdf", ls, 0)
	if err != nil {
		for _, j := range ok {
			out = append(out, jobOutcome{j, err, true, false})
		}
		return out, nil
	}
	p, err := printer.Open(uri)
	if err != nil {
		for _, j := range ok {
			out = append(out, jobOutcome{j, err, true, false})
		}
		return out, nil
	}
	if err := p.Print(ctx, doc); err != nil {
		for _, j := range ok {
			out = append(out, jobOutcome{j, err, !printer.IsRetryable(err), false})
		}
		return out, nil
	}
	ids := make([]int64, len(ok))
	for i, j := range ok {
		ids[i] = j.ID
	}
	// One transaction for the whole sheet: a crash after it came out must
	// not leave hundreds of its labels queued to come out again.
	// (Recorded even if the run is being interrupted: the sheet came out.)
	if err := s.db.MarkPrintedAll(context.WithoutCancel(ctx), ids, t.Name, p.String()); err != nil {
		return out, err
	}
	for _, j := range ok {
		out = append(out, jobOutcome{j, nil, false, false})
	}
	return out, nil
}

// printable refuses a label for an asset disposed of since its job was
// queued (at receipt): a disposal is final, and so is its label's job.
func printable(a store.Asset) error {
	if a.Status == store.StatusDisposed {
		return store.Errorf(store.EINVALID, "%s is disposed; a disposal is final", a.Tag)
	}
	return nil
}

// printJob renders job j with its template t (printJobs resolved it) and
// sends it; permanent says a retry cannot help.
func (s *spooler) printJob(ctx context.Context, j store.PrintJob, t labels.Template, uri string) (permanent bool, err error) {
	a, err := s.db.Asset(ctx, j.Tag)
	if err == nil {
		err = printable(a)
	}
	if err != nil {
		return true, err
	}
	l, err := s.label(ctx, a)
	if err != nil {
		return false, err
	}
	format := formatFor(uri, t)
	job, err := s.render(t, format, []labels.Label{l}, 0)
	if err != nil {
		return true, err
	}
	p, err := printer.Open(uri)
	if err != nil {
		return true, err
	}
	if err := checkRoute(p, format, t); err != nil {
		// The desk's printer and template do not go together (a setting
		// chosen wrong, ctrl+t on the labels screen): the label waits for
		// them to be put right, not failed for good with every other.
		return false, err
	}
	if err := p.Print(ctx, job); err != nil {
		return !printer.IsRetryable(err), err
	}
	// Not strict: a job another run printed meanwhile (a label reused by
	// a batch while a queue run had it) did print here too; no error.
	// Recorded even if the run is being interrupted (ctrl+c, the UI
	// quitting): the label came out, and must not come out again.
	return false, s.db.MarkPrintedAll(context.WithoutCancel(ctx), []int64{j.ID}, t.Name, p.String())
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// printReason is a failed print's reason as the queue keeps it: one line,
// without the package's prefix.
func printReason(err error) string {
	return oneLine(strings.TrimPrefix(err.Error(), "labels: "))
}
