package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/labels/printer"
	"github.com/tagdesk/tagdesk/store"
	"github.com/tagdesk/tagdesk/tui"
)

func labelCommands() []command {
	return []command{
		{name: "label", summary: "print or render labels for assets", usage: "[--template NAME] [--format zpl|pdf|png] [--out FILE | --printer URI] [--skip N] TAG... | --list", codes: allCodes, run: cmdLabel},
		{name: "decode", summary: "read barcodes and QR codes from image files", usage: "IMAGE...", run: cmdDecode},
		{name: "queue list", summary: "the print queue", usage: "[--all] [--json]", run: cmdQueueList},
		{name: "queue run", summary: "print every queued label (to its printer, or --printer)", usage: "[--printer URI]", run: cmdQueueRun},
		{name: "queue cancel", summary: "cancel print jobs", usage: "ID...", run: cmdQueueCancel},
		{name: "queue retry", summary: "put failed print jobs back in the queue", usage: "[--template NAME] [--printer URI] ID...", run: cmdQueueRetry},
		{name: "setting get", summary: "show a setting (or all; one not set shows its default)", usage: "[KEY]", run: cmdSettingGet},
		{name: "setting set", summary: "change a setting (printer, template, label_owner, tag_prefix, ...)", usage: "KEY VALUE", run: cmdSettingSet},
	}
}

func cmdLabel(ctx context.Context, a *app, args []string) error {
	c := findCommand("label")
	fs := a.flags(c)
	list := fs.Bool("list", false, "list the templates and their sizes")
	tmpl := fs.String("template", "", "label template (default: the 'template' setting, else zebra-2x1-203)")
	format := fs.String("format", "", "zpl, pdf or png (default: from --out's extension or the printer; pdf for sheets)")
	out := fs.String("out", "", "write to this file (png: one file per tag when several: TAG is added to the name); - is standard output (ZPL, a PDF or one PNG; the template's format unless --format says)")
	prn := fs.String("printer", "", "print to tcp://HOST:9100, lp://QUEUE, cups://QUEUE or a file path; the job is queued durably")
	skip := fs.Int("skip", 0, "sheets: skip the first N (already used) labels")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if *list {
		return listTemplates(a)
	}
	if len(pos) == 0 {
		return usagef("label needs at least one TAG (or --list)")
	}
	if *out != "" && *prn != "" {
		return usagef("give --out or --printer, not both")
	}
	// Neither: the printer set for the desk (as queue run and the UI
	// use it), else a usage error.
	useSetting := *out == "" && *prn == ""
	if useSetting && *format != "" {
		return usagef("--format is for --out FILE")
	}
	if *skip < 0 {
		return usagef("--skip must be 0 or more")
	}
	if *format != "" && *prn != "" {
		return usagef("--format is for --out: a printer gets what it takes (ZPL for a label printer, PDF for a sheet, a file printer by its name's extension: .png, .pdf, .zpl, else the template's: ZPL, PDF for Brother)")
	}
	switch *format {
	case "", "zpl", "pdf", "png":
	default:
		return usagef("unknown format %q (want zpl, pdf or png)", *format)
	}
	if *prn != "" {
		if _, err := printer.Open(*prn); err != nil {
			return usagef("%v", err)
		}
	}
	// Rendered to a file only reads the register: a copy that cannot be
	// written will do, as for the other reads. (A printer's job is
	// queued: a change.)
	a.pure = *out != ""
	return a.withDB(ctx, func(db *store.DB) error {
		if useSetting {
			def, err := db.Setting(ctx, store.SettingPrinter)
			if err != nil {
				return err
			}
			if def == "" {
				return usagef("label needs --out FILE or --printer URI (or a printer set for the desk: tagdesk setting set printer URI)")
			}
			*prn = def
		}
		sp, err := newSpooler(db, a.getenv)
		if err != nil {
			return err
		}
		t, err := sp.template(ctx, *tmpl)
		if err != nil && *tmpl != "" {
			return usagef("%v", err) // (a template named on the line)
		}
		if err != nil {
			return err
		}
		if *prn != "" {
			// Refused before anything is queued: a job that could never
			// print would wait in the queue for nothing.
			if p, err := printer.Open(*prn); err == nil {
				if err := checkRoute(p, formatFor(*prn, t), t); err != nil {
					return err
				}
			}
		}
		if *skip > 0 && (t.Sheet == nil || *prn != "") {
			return usagef("--skip is for a sheet template written to a PDF (--out FILE.pdf): %s", map[bool]string{true: "a printer's run starts on a new sheet", false: t.Name + " is not a sheet"}[*prn != "" && t.Sheet != nil])
		}
		var assets []store.Asset
		var ls []labels.Label
		for _, tag := range pos {
			as, err := labelAsset(ctx, db, tag)
			if err != nil {
				return err
			}
			if err := printable(as); err != nil { // to a file as to a printer
				return err
			}
			l, err := sp.label(ctx, as)
			if err != nil {
				return err
			}
			assets, ls = append(assets, as), append(ls, l)
		}
		// Every label is laid out first: one that does not fit is refused
		// before anything is written or queued. (The layout that checks
		// it says what it cuts short: one layout a label, not two.)
		var bad, badTags []string
		cut := make([][]string, len(ls))
		for i, l := range ls {
			var err error
			if cut[i], err = labels.Shortened(t, l); err != nil {
				bad = append(bad, fmt.Sprintf("%s: %s", assets[i].Tag, strings.TrimPrefix(err.Error(), "labels: ")))
				badTags = append(badTags, assets[i].Tag)
			}
		}
		if len(bad) > 0 {
			nothing := map[bool]string{true: "nothing queued", false: "nothing written"}[*prn != ""]
			if len(ls) == 1 {
				return store.Errorf(store.EINVALID, "%s; %s", bad[0], nothing)
			}
			// A line each (a batch's reasons run together were one line
			// past reading), then the summary, as a print run says them.
			for _, b := range bad {
				fmt.Fprintln(a.stderr, b)
			}
			return store.Errorf(store.EINVALID, "%d of %d label(s) cannot be printed with %s, %s: %s", len(bad), len(ls), t.Name, nothing, strings.Join(badTags, ", "))
		}
		// Text the label fonts cannot draw prints as '?', and text too long
		// for the template prints cut short: said, not silent.
		for i, l := range ls {
			if rs, err := labels.Unprintable(t, l); err == nil && len(rs) > 0 {
				fmt.Fprintf(a.stderr, "warning: %s: %d character(s) of its text are not in the label fonts and print as ? (%s); the codes are unaffected\n", assets[i].Tag, len(rs), clipBytes(string(rs), 40))
			}
			if len(cut[i]) > 0 {
				fmt.Fprintf(a.stderr, "warning: %s: text too long for %s prints cut short or is left out (%s); the tag and the codes are whole\n", assets[i].Tag, t.Name, strings.Join(cut[i], ", "))
			}
		}
		if *prn != "" {
			return printNow(ctx, a, db, sp, t, assets, *prn)
		}
		toStdout := *out == stdoutName
		if *out != "" && !toStdout {
			// Said first: a folder or a missing one is no format question.
			if _, _, err := outTarget(*out, db.Path()); err != nil {
				return err
			}
		}
		f := *format
		if f == "" && toStdout {
			f = formatFor("", t) // what its printer takes: a PDF for a sheet
		}
		if f == "" {
			f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
			if t.Sheet != nil {
				if f != "" && f != "pdf" && f != "png" {
					return usagef("%s is a sheet template: it makes a PDF (name the file .pdf, or .png for an image per label)", t.Name)
				}
				if f == "" {
					f = "pdf"
				}
			}
			if f != "zpl" && f != "pdf" && f != "png" {
				return usagef("cannot tell the format from the name %s: name it .zpl, .pdf or .png, or give --format", filepath.Base(*out))
			}
		}
		if t.Sheet != nil && f == "zpl" {
			return usagef("%s is a sheet template: it makes a PDF, or a PNG per label, not ZPL", t.Name)
		}
		if *skip > 0 && f != "pdf" {
			return usagef("--skip is for a sheet template written to a PDF (--out FILE.pdf): a %s is an image per label", strings.ToUpper(f))
		}
		if t.Sheet != nil && *skip >= t.Sheet.PerPage() {
			return usagef("--skip %d: a sheet of %s has %d labels (skip 0 to %d)", *skip, t.Name, t.Sheet.PerPage(), t.Sheet.PerPage()-1)
		}
		if f == "png" && len(ls) > 1 && toStdout {
			return usagef("--out - is one stream, and %d labels as PNG are a file each: give --out FILE.png (FILE-TAG.png each), or --format pdf or zpl", len(ls))
		}
		if f == "png" && len(ls) > 1 {
			return labels.PNGBatch(ctx, t, ls, 0, func(i int, png []byte) error {
				name := strings.TrimSuffix(*out, filepath.Ext(*out)) + "-" + ls[i].Tag + ".png"
				if err := writeBytes(name, db.Path(), 0o666, png); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s\n", name)
				return nil
			})
		}
		job, err := sp.render(t, f, ls, *skip)
		if err != nil {
			return err
		}
		if toStdout {
			// (Nothing else on stdout: it is the labels.)
			_, err := a.stdout.Write(job)
			return err
		}
		if err := writeBytes(*out, db.Path(), 0o666, job); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "wrote %d label(s) (%s, %s) to %s\n", len(ls), t.Name, f, *out)
		return nil
	})
}

// printNow queues one job per asset for the printer, then tries them (a
// sheet template's labels together, on as few sheets as they fill): a
// printer that is off keeps the jobs waiting in the queue.
func printNow(ctx context.Context, a *app, db *store.DB, sp *spooler, t labels.Template, assets []store.Asset, uri string) error {
	// All queued in one transaction, or none: a tag that cannot have a
	// label refuses the batch before anything is queued, and a crash while
	// queueing leaves no half batch to come out later beside a re-run's.
	tags := make([]string, len(assets))
	uris := make([]string, len(assets))
	for i, as := range assets {
		tags[i], uris[i] = as.Tag, uri
	}
	jobs, err := db.QueueLabels(ctx, tags, t.Name, uri)
	if err != nil {
		return err
	}
	outs, err := sp.printJobs(ctx, jobs, uris, a.printProgress())
	if store.ErrorCode(err) == store.ECONFLICT {
		return fmt.Errorf("%s; the %d label(s) wait in the queue (tagdesk queue run)", store.ErrorMessage(err), len(jobs))
	}
	if err != nil {
		return err
	}
	// Each label that did not print is a line of its own on stderr (a
	// batch's reasons run together were one line past reading, cut at
	// its end), the summary the command's error.
	waiting, failed := 0, 0
	for _, o := range outs {
		if o.err == nil {
			fmt.Fprintf(a.stdout, "%s printed on %s\n", o.job.Tag, uri)
			continue
		}
		reason := printReason(o.err)
		if merr := db.MarkPrintError(ctx, o.job.ID, reason, o.permanent); merr != nil {
			return merr
		}
		if o.permanent {
			failed++
			fmt.Fprintf(a.stderr, "%s: %s (job %d failed)\n", o.job.Tag, reason, o.job.ID)
		} else {
			waiting++
			fmt.Fprintf(a.stderr, "%s: %s (job %d kept in the queue)\n", o.job.Tag, reason, o.job.ID)
		}
	}
	switch {
	case waiting > 0 && failed > 0:
		return fmt.Errorf("%d of %d label(s) not printed: %d wait in the queue (tagdesk queue run), %d failed (tagdesk queue list)", waiting+failed, len(assets), waiting, failed)
	case waiting > 0:
		return fmt.Errorf("%d of %d label(s) not printed: they wait in the queue (tagdesk queue run)", waiting, len(assets))
	case failed > 0:
		return fmt.Errorf("%d of %d label(s) not printed: failed (tagdesk queue list)", failed, len(assets))
	}
	return nil
}

func listTemplates(a *app) error {
	user, err := userTemplates(a.getenv)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	// (The description under each, indented: 80 columns.)
	fmt.Fprintf(a.stdout, "%-20s %-18s %-5s %s\n", "TEMPLATE", "SIZE", "DPI", "CODE")
	for _, t := range append(user, labels.Builtin()...) {
		if seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		size := fmt.Sprintf("%.1fx%.1f mm", t.WidthMM(), t.HeightMM())
		if t.Sheet != nil {
			size = fmt.Sprintf("%s %dx%d", t.Sheet.Page, t.Sheet.Columns, t.Sheet.Rows)
		}
		fmt.Fprintf(a.stdout, "%-20s %-18s %-5d %s\n", t.Name, size, t.DPI, t.Symbology.String())
		if t.Description != "" {
			fmt.Fprintln(a.stdout, wrapWords("    "+t.Description, helpWidth, "    "))
		}
	}
	return nil
}

// writeBytes is writeOut for output already in memory.
func writeBytes(path, dbPath string, perm fs.FileMode, data []byte) error {
	return writeOut(path, dbPath, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func cmdDecode(ctx context.Context, a *app, args []string) error {
	c := findCommand("decode")
	fs := a.flags(c)
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("decode needs at least one IMAGE file (PNG, JPEG or GIF)")
	}
	bad, unread := 0, 0
	for _, p := range pos {
		rs, err := decodeFile(p)
		if err != nil {
			fmt.Fprintf(a.stderr, "%s: %v\n", p, err)
			if errors.Is(err, labels.ErrNoCode) {
				bad++
			} else {
				unread++
			}
			continue
		}
		for _, r := range rs {
			if len(pos) > 1 {
				fmt.Fprintf(a.stdout, "%s: %s: %s\n", p, r.Format, r.Text)
			} else {
				fmt.Fprintf(a.stdout, "%s: %s\n", r.Format, r.Text)
			}
		}
	}
	switch {
	case unread > 0 && bad > 0:
		return fmt.Errorf("%d of %d file(s) could not be read as images, and %d had no readable code", unread, len(pos), bad)
	case unread > 0:
		return fmt.Errorf("%d of %d file(s) could not be read as images", unread, len(pos))
	case bad > 0:
		return fmt.Errorf("%d of %d image(s) had no readable code", bad, len(pos))
	}
	return nil
}

// maxDecodePixels bounds an image decode reads: a small file can declare
// a huge picture (a 557 kB PNG of 60,000 by 60,000 pixels asked for 3.6 GB).
const maxDecodePixels = 100_000_000

func decodeFile(path string) ([]labels.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, errors.New("is a folder, not an image")
	}
	// The header read first, and kept: a pipe (decode /dev/stdin) cannot
	// be read twice.
	var head bytes.Buffer
	br := bufio.NewReader(f)
	cfg, _, err := image.DecodeConfig(io.TeeReader(br, &head))
	if err != nil {
		return nil, fmt.Errorf("not an image: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return nil, fmt.Errorf("the image is %d by %d pixels: more than tagdesk reads (%d million); scale it down", cfg.Width, cfg.Height, maxDecodePixels/1_000_000)
	}
	img, _, err := image.Decode(io.MultiReader(&head, br))
	if err != nil {
		return nil, fmt.Errorf("not an image: %w", err)
	}
	return labels.Decode(img)
}

func cmdQueueList(ctx context.Context, a *app, args []string) error {
	c := findCommand("queue list")
	fs := a.flags(c)
	all := fs.Bool("all", false, "every job, printed and cancelled included, newest first (all of them, however many)")
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		// Streamed, every job (--all: a desk's whole print history): a
		// row at a time, as asset list does.
		w := bufio.NewWriterSize(a.stdout, 64<<10)
		n := 0
		put := func(j store.PrintJob) error {
			if *asJSON {
				if n > 0 {
					w.WriteString(",")
				}
				b, err := json.Marshal(j)
				if err != nil {
					return err
				}
				w.WriteString("\n  ")
				w.Write(b)
			} else {
				fmt.Fprintf(w, "%-6d %-14s %-10s %-16s %s %-3d %s\n", j.ID, j.Tag, j.Status, orDash(j.Template), col(orDash(j.Printer), 24), j.Attempts, j.LastError)
			}
			n++
			return nil
		}
		if *asJSON {
			w.WriteString("[")
		} else {
			fmt.Fprintf(w, "%-6s %-14s %-10s %-16s %-24s %-3s %s\n", "JOB", "TAG", "STATUS", "TEMPLATE", "PRINTER", "TRY", "LAST ERROR")
		}
		var err error
		if *all {
			err = db.EachPrintJob(ctx, "", put)
		} else {
			// What waits, oldest first (the order it prints in), then
			// every failed job, newest first.
			var queued []store.PrintJob
			if queued, err = db.QueuedJobs(ctx, 0); err == nil {
				for _, j := range queued {
					put(j)
				}
				err = db.EachPrintJob(ctx, store.JobFailed, put)
			}
		}
		if err != nil {
			return err
		}
		if *asJSON {
			if n > 0 {
				w.WriteString("\n")
			}
			w.WriteString("]\n")
		}
		return w.Flush()
	})
}

// printProgress shows a long print run's progress on stderr (of 20 labels
// or more): one line kept up to date on a terminal, else a line every 10%
// (a log had every step run together with carriage returns).
func (a *app) printProgress() func(done, total int) {
	return progressOf(a.stderr, "printing", "labels", 20)
}

func cmdQueueRun(ctx context.Context, a *app, args []string) error {
	c := findCommand("queue run")
	fs := a.flags(c)
	prn := fs.String("printer", "", "send every queued job here instead of its own printer")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	if *prn != "" {
		if err := a.checkPrintSetting(store.SettingPrinter, *prn); err != nil {
			return err
		}
	}
	return a.withDB(ctx, func(db *store.DB) error {
		sp, err := newSpooler(db, a.getenv)
		if err != nil {
			return err
		}
		res, err := sp.run(ctx, *prn, a.printProgress())
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "printed %d, waiting %d, failed %d\n", res.Printed, res.Waiting, res.Failed)
		for _, n := range res.Notes {
			fmt.Fprintf(a.stderr, "warning: %s\n", n)
		}
		for _, e := range res.Errors {
			fmt.Fprintf(a.stderr, "%s\n", e)
		}
		if res.Waiting > 0 || res.Failed > 0 {
			return fmt.Errorf("%d label(s) still waiting, %d failed (see tagdesk queue list)", res.Waiting, res.Failed)
		}
		return nil
	})
}

func jobIDs(pos []string) ([]int64, error) {
	var ids []int64
	for _, p := range pos {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return nil, usagef("%q is not a job number", p)
		}
		if !slices.Contains(ids, id) { // (named twice: once)
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func cmdQueueCancel(ctx context.Context, a *app, args []string) error {
	c := findCommand("queue cancel")
	pos, err := a.parse(c, a.flags(c), args)
	if err != nil {
		return err
	}
	ids, err := jobIDs(pos)
	if err != nil {
		return err // (which word is no job number)
	}
	if len(ids) == 0 {
		return usagef("queue cancel needs job numbers (tagdesk queue list)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if err := db.CancelPrintJob(ctx, ids...); err != nil {
			return err
		}
		for _, id := range ids {
			fmt.Fprintf(a.stdout, "job %d cancelled\n", id)
		}
		return nil
	})
}

func cmdQueueRetry(ctx context.Context, a *app, args []string) error {
	c := findCommand("queue retry")
	fs := a.flags(c)
	tmpl := fs.String("template", "", "use this template from now on")
	prn := fs.String("printer", "", "use this printer from now on")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	ids, err := jobIDs(pos)
	if err != nil {
		return err // (which word is no job number)
	}
	if len(ids) == 0 {
		return usagef("queue retry needs job numbers (tagdesk queue list)")
	}
	// The printer and template as setting set takes them.
	for k, v := range map[string]string{store.SettingPrinter: *prn, store.SettingTemplate: *tmpl} {
		if v == "" {
			continue
		}
		if err := checkSetting(k, v); err != nil {
			return err
		}
		if err := a.checkPrintSetting(k, v); err != nil {
			return err
		}
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if err := db.RetryPrintJob(ctx, *tmpl, *prn, ids...); err != nil {
			return err
		}
		for _, id := range ids {
			fmt.Fprintf(a.stdout, "job %d queued again\n", id)
		}
		return nil
	})
}

var settingKeys = []string{store.SettingPrinter, store.SettingTemplate, store.SettingLabelOwner, store.SettingAutoLabel,
	store.SettingTagPrefix, store.SettingTagNext, store.SettingTagWidth, store.SettingTagCheck, store.SettingSite,
	store.SettingAuditMonths, store.SettingAuditWarnDays, tui.SettingScannerPrefix, tui.SettingPreprintedTag, tui.SettingScanGap, store.SettingDeviceID}

// settingDefault is the value in effect for a setting while it is unset
// ("" for one with no default: printer, site, label_owner, ...).
func settingDefault(k string) string {
	switch k {
	case store.SettingTemplate:
		return labels.DefaultTemplate
	case tui.SettingScanGap:
		return strconv.Itoa(int(tui.DefaultScanGap / time.Millisecond))
	}
	return store.SettingDefault(k)
}

// settableKeys are the settings setting set takes: all but the device id.
func settableKeys() []string {
	return slices.DeleteFunc(slices.Clone(settingKeys), func(s string) bool { return s == store.SettingDeviceID })
}

// checkPrintSetting refuses a printer that cannot be opened and a
// template there is none of.
func (a *app) checkPrintSetting(k, v string) error {
	switch k {
	case store.SettingPrinter:
		if v != "" {
			if _, err := printer.Open(v); err != nil {
				return usagef("%v", err)
			}
		}
	case store.SettingTemplate:
		if _, err := labels.Find(v, nil); err != nil {
			user, uerr := userTemplates(a.getenv)
			if uerr != nil {
				return uerr
			}
			if _, err := labels.Find(v, user); err != nil {
				return usagef("%v", err)
			}
		}
	}
	return nil
}

// checkSetting refuses a key the desk does not read (a typo would be kept
// and do nothing) and a value it could not use.
func checkSetting(k, v string) error {
	if k == store.SettingDeviceID {
		return usagef("the device id cannot be changed: it names this desk's history")
	}
	if !slices.Contains(settingKeys, k) {
		return usagef("no setting %q (settings: %s)", clipBytes(k, 60), strings.Join(settableKeys(), ", "))
	}
	// (A scanner's prefix too: the terminal delivers a control character
	// as a key with no text, which the UI could never match.)
	if len(v) > 1024 || strings.ContainsFunc(v, unicode.IsControl) {
		return usagef("%s: a value of at most 1,024 characters on one line, please", k)
	}
	switch k {
	case tui.SettingPreprintedTag:
		if _, err := regexp.Compile(v); err != nil {
			return usagef("%s is a regular expression: %v", k, err)
		}
	case tui.SettingScanGap:
		if _, err := tui.ScanGapSetting(v); err != nil {
			return usagef("%v", err)
		}
	case store.SettingTagWidth:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 19 {
			return usagef("%s is the digits of a tag's number, 1 to 19 (got %q)", k, clipBytes(v, 60))
		}
	case store.SettingTagNext:
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 || n > store.MaxTagNumber {
			return usagef("%s is a whole number from 0 to %d (got %q)", k, int64(store.MaxTagNumber), clipBytes(v, 60))
		}
	case store.SettingAuditMonths:
		// (A next audit past the year 2199 is no date an import takes.)
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > store.MaxAuditMonths {
			return usagef("%s is the months from one audit to the next, 1 to %d (0: the default, 12) (got %q)", k, store.MaxAuditMonths, clipBytes(v, 60))
		}
	case store.SettingAuditWarnDays:
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 3660 {
			return usagef("%s is a number of days, 0 to 3660 (got %q)", k, clipBytes(v, 60))
		}
	case store.SettingAutoLabel, store.SettingTagCheck:
		if v != "0" && v != "1" && v != "true" && v != "false" {
			return usagef("%s is 1 (on) or 0 (off) (got %q)", k, clipBytes(v, 60))
		}
	}
	return nil
}

func cmdSettingGet(ctx context.Context, a *app, args []string) error {
	c := findCommand("setting get")
	pos, err := a.parse(c, a.flags(c), args)
	if err != nil {
		return err
	}
	keys := settingKeys
	if len(pos) > 0 {
		keys = pos
	}
	for _, k := range keys {
		if !slices.Contains(settingKeys, k) {
			// (setting set refuses it: get said "k=" as if it were one.)
			return usagef("no setting %q (settings: %s)", k, strings.Join(settingKeys, ", "))
		}
	}
	return a.withDB(ctx, func(db *store.DB) error {
		for _, k := range keys {
			v, err := db.Setting(ctx, k)
			if err != nil {
				return err
			}
			if v == "" {
				// Unset: the value in effect (a blank tag_prefix read as
				// no prefix while tags came out TD-).
				v = settingDefault(k)
			}
			fmt.Fprintf(a.stdout, "%s=%s\n", k, v)
		}
		return nil
	})
}

func cmdSettingSet(ctx context.Context, a *app, args []string) error {
	c := findCommand("setting set")
	pos, err := a.parse(c, a.flags(c), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("setting set needs KEY VALUE (keys: %s)", strings.Join(settableKeys(), ", "))
	}
	k, v := pos[0], pos[1]
	if err := checkSetting(k, v); err != nil {
		return err
	}
	if err := a.checkPrintSetting(k, v); err != nil {
		return err
	}
	switch k {
	case store.SettingTagPrefix:
		if err := store.ValidateTag(strings.TrimRight(strings.ToUpper(v), "-") + "1"); err != nil && v != "" {
			return usagef("tag prefix %q: %s", v, store.ErrorMessage(err))
		}
		v = strings.ToUpper(v)
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s=%s\n", k, v)
		return nil
	})
}

// labelAsset finds the asset a TAG argument names, as assetArgs reads
// them: its tag or its label's link, not a serial (a tag typed that is no
// asset's tag would print another asset's label, to be stuck on this one).
func labelAsset(ctx context.Context, db *store.DB, arg string) (store.Asset, error) {
	res, err := db.Resolve(ctx, arg)
	if err == nil && res.Kind == store.ResolvedAsset && res.Via == "serial" {
		return store.Asset{}, store.Errorf(store.ENOTFOUND, "no asset with tag %s (it is the serial of %s: name its tag); nothing printed", clipBytes(arg, 80), res.Asset.Tag)
	}
	return db.ResolveAsset(ctx, arg)
}
