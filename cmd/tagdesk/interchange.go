package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"strings"

	"github.com/tagdesk/tagdesk/store"
)

func interchangeCommands() []command {
	return []command{
		{name: "import snipeit", summary: "import assets (or --type users, locations) from a CSV in Snipe-IT's import headers", usage: "FILE.csv [--type assets|users|locations] [--update] [--skip-invalid] [--dry-run] [--statuses LABEL=STATUS,...] [--encoding NAME] [--json]", run: cmdImportSnipeIT},
		{name: "export snipeit", summary: "export every asset (or --type users, locations) as CSV in Snipe-IT's headers", usage: "[--type assets|users|locations] [--out FILE] [--no-bom]", run: cmdExportSnipeIT},
	}
}

// progressEvery is how often (in rows) a non-terminal stderr gets a
// progress line during a large import.
const progressEvery = 10000

func cmdImportSnipeIT(ctx context.Context, a *app, args []string) error {
	c := findCommand("import snipeit")
	fs := a.flags(c)
	kindName := fs.String("type", "assets", "what the file holds, as Snipe-IT's Import Type: assets, users (people; Snipe-IT's Activated, a login flag, is not read: tagdesk's Offboarded column is) or locations; import locations, then users, then assets")
	skip := fs.Bool("skip-invalid", false, "import the good rows of a file with bad rows (the bad ones are listed)")
	dry := fs.Bool("dry-run", false, "check the file and show what would be imported; change nothing")
	statuses := fs.String("statuses", "", `the file's own status labels as tagdesk's statuses: "LABEL=STATUS,..." (e.g. "Staging=in_stock,Awaiting Parts=in_repair")`)
	update := fs.Bool("update", false, "rows of assets (people) this register has already update them (blank cells change nothing), as Snipe-IT's Update Existing Values does; without it they are refused (left as they are)")
	encName := fs.String("encoding", "", `the file's text encoding when it is not UTF-8: "windows-1252" for Excel's "CSV (Comma delimited)" in Western Europe and the Americas, "iso-8859-2", "windows-1251", "shift_jis", ... (a byte-order mark, as "CSV UTF-8" and "Unicode Text" write, is read by itself)`)
	asJSON := fs.Bool("json", false, "print the import report as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("import snipeit needs one FILE.csv (or - for standard input)")
	}
	if _, err := store.ParseEncoding(*encName); err != nil {
		return usagef("--encoding: %s", store.ErrorMessage(err))
	}
	kind, err := store.ParseImportKind(*kindName)
	if err != nil {
		return usagef("--type: %s", store.ErrorMessage(err))
	}
	if *statuses != "" && kind != store.KindAssets {
		return usagef("--statuses is for assets: a %s file has no statuses", kind)
	}
	name := pos[0]
	var in io.Reader = a.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import snipeit: %w; nothing imported", err)
		}
		defer f.Close()
		in = f
	}
	progress, endProgress := a.importProgress()
	opt := store.ImportOptions{SkipInvalid: *skip, DryRun: *dry, Update: *update, Progress: progress, Source: name, Encoding: *encName}
	if *statuses != "" {
		opt.Statuses = map[string]store.Status{}
		seen := map[string]store.Status{} // (labels are read case and spaces aside)
		for _, pair := range strings.Split(*statuses, ",") {
			label, st, ok := strings.Cut(pair, "=")
			if !ok || strings.TrimSpace(label) == "" {
				return usagef("--statuses: %q is not LABEL=STATUS", pair)
			}
			s, err := store.ParseStatus(strings.TrimSpace(st))
			if err != nil {
				return usagef("--statuses: %s", store.ErrorMessage(err))
			}
			k := strings.ToLower(strings.Join(strings.Fields(label), " "))
			if was, twice := seen[k]; twice && was != s {
				return usagef("--statuses: %q is given twice, as %s and as %s: give it once", strings.TrimSpace(label), was, s)
			}
			seen[k] = s
			opt.Statuses[strings.TrimSpace(label)] = s
		}
	}
	if name == "-" {
		opt.Source = "standard input"
	}
	// An import that imports nothing into a desk that did not exist leaves
	// no database behind: "nothing imported" means no new file either
	// (withDB keeps a new one only as keepNew says).
	committed := false
	a.keepNew = func(error) bool { return committed }
	err = a.withDB(ctx, func(db *store.DB) error {
		var rep store.ImportReport
		switch kind {
		case store.KindUsers:
			rep, err = db.ImportSnipeITUsers(ctx, in, opt)
		case store.KindLocations:
			rep, err = db.ImportSnipeITLocations(ctx, in, opt)
		default:
			rep, err = db.ImportSnipeIT(ctx, in, opt)
		}
		endProgress()
		// Nothing imported (--skip-invalid and no row good, or every row
		// deleted in Snipe-IT): a desk the import would have created is
		// not left behind.
		nothing := err == nil && rep.Imported == 0 && rep.Updated == 0 && rep.Unchanged == 0
		committed = err == nil && !*dry && !nothing // what fails after this (the report's output) keeps the database
		if err != nil && rep.Rows == 0 && len(rep.Bad) == 0 {
			// The file itself is unusable (no header, a missing column).
			return fmt.Errorf("import snipeit %s: %s; nothing imported", name, store.ErrorMessage(err))
		}
		for _, b := range rep.Bad {
			prefix := ""
			if err == nil {
				prefix = "skipped "
			}
			fmt.Fprintf(a.stderr, "%s%s: %s\n", prefix, name, b)
		}
		if rep.BadRows > len(rep.Bad) {
			fmt.Fprintf(a.stderr, "%s: ... and %d more bad row(s)\n", name, rep.BadRows-len(rep.Bad))
		}
		if rep.Skipped > 0 {
			what := "people"
			if kind == store.KindLocations {
				what = "locations"
			}
			// (Not of the rows --update would refuse: said apart.)
			if n := rep.Skipped - rep.WouldRefuse; n > 0 {
				fmt.Fprintf(a.stderr, "%s: %d row(s) are %s of this register already with other details, left as they are: --update gives them the file's\n", name, n, what)
			}
			if rep.WouldRefuse > 0 {
				fmt.Fprintf(a.stderr, "%s: %d row(s) are %s of this register already, left as they are: --update refuses them (each warned of below, with why)\n", name, rep.WouldRefuse, what)
			}
		}
		if rep.InRegister > 0 {
			fmt.Fprintf(a.stderr, "%s: %d row(s) are assets of this register already: an import adds new assets and changes none without --update (or change them with tagdesk asset update, move, checkout or checkin)\n", name, rep.InRegister)
		}
		for _, w := range rep.Warnings {
			fmt.Fprintf(a.stderr, "warning: %s: %s\n", name, w)
		}
		if more := rep.WarningCount - len(rep.Warnings); more > 0 {
			fmt.Fprintf(a.stderr, "warning: %s: ... and %d more warning(s)\n", name, more)
		}
		if *asJSON {
			if jerr := writeJSON(a.stdout, rep); jerr != nil && err == nil {
				return jerr
			}
		}
		if err != nil {
			if store.ErrorCode(err) == store.EINTERNAL {
				return fmt.Errorf("import snipeit %s: %w; nothing imported", name, err)
			}
			return fmt.Errorf("import snipeit %s: %s", name, store.ErrorMessage(err))
		}
		if !*asJSON {
			printImportSummary(a.stdout, name, rep)
		}
		if nothing && rep.BadRows > 0 {
			return fmt.Errorf("import snipeit %s: all %d row(s) are bad (listed above): nothing imported", name, rep.BadRows)
		}
		return nil
	})
	return err
}

func printImportSummary(w io.Writer, name string, rep store.ImportReport) {
	verb := "imported"
	if rep.DryRun {
		verb = "dry run: would import"
	}
	noun := "asset(s)"
	switch rep.Kind {
	case store.KindUsers:
		noun = "person/people"
	case store.KindLocations:
		noun = "location(s)"
	}
	fmt.Fprintf(w, "%s %d %s from %s (%d row(s))", verb, rep.Imported, noun, name, rep.Rows)
	var extra []string
	if rep.Updated > 0 || rep.Unchanged > 0 {
		verb := "updated"
		if rep.DryRun {
			verb = "would update"
		}
		if rep.Updated == 0 && rep.Kind != store.KindAssets {
			extra = append(extra, fmt.Sprintf("%d already in the register unchanged", rep.Unchanged))
		} else {
			extra = append(extra, fmt.Sprintf("%s %d already in the register (%d unchanged)", verb, rep.Updated, rep.Unchanged))
		}
	}
	if rep.Skipped > 0 {
		extra = append(extra, fmt.Sprintf("%d already in the register left as they are", rep.Skipped))
	}
	if rep.CheckedOut > 0 {
		extra = append(extra, fmt.Sprintf("%d checked out", rep.CheckedOut))
	}
	if rep.Disposed > 0 {
		extra = append(extra, fmt.Sprintf("%d disposed", rep.Disposed))
	}
	if rep.GeneratedTags > 0 {
		extra = append(extra, fmt.Sprintf("%d tag(s) generated", rep.GeneratedTags))
	}
	if rep.Deleted > 0 {
		extra = append(extra, fmt.Sprintf("%d deleted in Snipe-IT left out", rep.Deleted))
	}
	if rep.BadRows > 0 {
		extra = append(extra, fmt.Sprintf("%d bad row(s) skipped", rep.BadRows))
	}
	if len(extra) > 0 {
		fmt.Fprintf(w, ": %s", strings.Join(extra, ", "))
	}
	fmt.Fprintln(w)
	cr := rep.Created
	var made []string
	for _, x := range []struct {
		n    int
		what string
	}{{cr.Models, "model(s)"}, {cr.Manufacturers, "manufacturer(s)"}, {cr.Categories, "categor(y/ies)"}, {cr.Suppliers, "supplier(s)"}, {cr.Locations, "location(s)"}, {cr.People, "person/people"}, {cr.PurchaseOrders, "purchase order(s)"}} {
		if x.n > 0 {
			made = append(made, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	if len(made) > 0 {
		verb := "created"
		if rep.DryRun {
			verb = "would create" // (nothing was)
		}
		fmt.Fprintf(w, "%s %s\n", verb, strings.Join(made, ", "))
	}
	var custom, ignored []string
	for _, c := range rep.Columns {
		switch {
		case c.Field == "custom":
			// (The field it fills: "RAM" and "ram" make RAM and "ram (2)".)
			custom = append(custom, cmp.Or(c.Custom, c.Header))
		case c.Header != "" && strings.Contains(c.Field, "ignored"):
			ignored = append(ignored, c.Header)
		}
	}
	if rep.Kind != store.KindAssets && len(ignored) > 0 {
		fmt.Fprintf(w, "not imported (no place for them in tagdesk): %s\n", strings.Join(ignored, ", "))
		ignored = nil
	}
	if len(custom) > 0 {
		fmt.Fprintf(w, "custom fields: %s\n", strings.Join(custom, ", "))
	}
	if len(ignored) > 0 {
		fmt.Fprintf(w, "not imported (Snipe-IT's own or computed columns): %s\n", strings.Join(ignored, ", "))
	}
	if rep.DryRun {
		fmt.Fprintln(w, "nothing changed (dry run)")
	}
}

// importProgress returns the progress callback for a large import (a live
// line when stderr is a terminal, else a line every progressEvery steps) and
// the function that ends it. It shows a percentage: the store counts steps
// (a row, and its check-out or disposal), not rows.
func (a *app) importProgress() (progress func(done, total int), end func()) {
	tty := isTerminal(a.stderr)
	last, live := 0, false
	progress = func(done, total int) {
		if total < progressEvery {
			return
		}
		if tty {
			fmt.Fprintf(a.stderr, "\rimporting: %d%%", done*100/total)
			live = true
			return
		}
		if done/progressEvery > last/progressEvery || (done == total && done != last) {
			fmt.Fprintf(a.stderr, "importing: %d%%\n", done*100/total)
			last = done
		}
	}
	end = func() {
		if live {
			fmt.Fprintln(a.stderr)
			live = false
		}
	}
	return progress, end
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// exportWarnings says on stderr what of an export Snipe-IT or a
// re-import cannot take as it is.
func (a *app) exportWarnings(rep store.ExportReport) {
	for _, w := range rep.Warnings() {
		fmt.Fprintf(a.stderr, "warning: %s\n", w)
	}
}

func cmdExportSnipeIT(ctx context.Context, a *app, args []string) error {
	c := findCommand("export snipeit")
	fs := a.flags(c)
	out := fs.String("out", "", "write to FILE (atomically) instead of standard output; either way a cell a spreadsheet would run as a formula (= + - @ first) gets a backtick before it, as in Snipe-IT's own exports, and import takes it off")
	kindName := fs.String("type", "assets", "what to export, as Snipe-IT's import types: assets, users (every person; tagdesk's Offboarded column says who left) or locations (parents first)")
	noBOM := fs.Bool("no-bom", false, "leave out the UTF-8 byte-order mark the file starts with (Excel, opening a CSV by double-click, reads one without it in the Windows code page: \"BÃ¼ro\"); for scripts; import reads the file either way")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("export snipeit takes no arguments (got %q); use --out FILE", pos[0])
	}
	kind, err := store.ParseImportKind(*kindName)
	if err != nil {
		return usagef("--type: %s", store.ErrorMessage(err))
	}
	// bom puts the UTF-8 byte-order mark before what export writes, unless
	// --no-bom: Excel reads a CSV without one in the Windows code page.
	bom := func(export func(context.Context, io.Writer) (store.ExportReport, error)) func(context.Context, io.Writer) (store.ExportReport, error) {
		if *noBOM {
			return export
		}
		return func(ctx context.Context, w io.Writer) (store.ExportReport, error) {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return store.ExportReport{}, fmt.Errorf("export: %w", err)
			}
			return export(ctx, w)
		}
	}
	if kind != store.KindAssets {
		return a.withDB(ctx, func(db *store.DB) error {
			export := func(ctx context.Context, w io.Writer) (store.ExportReport, error) {
				n, err := db.ExportSnipeITUsers(ctx, w)
				return store.ExportReport{Rows: n}, err
			}
			if kind == store.KindLocations {
				export = db.ExportSnipeITLocationsReport
			}
			export = bom(export)
			if *out == "" || *out == "-" {
				rep, err := export(ctx, a.stdout)
				if err == nil {
					a.exportWarnings(rep)
				}
				return err
			}
			perm := iofs.FileMode(0o600) // (people: names, emails, badges, as a receipt)
			if kind == store.KindLocations {
				perm = 0o666
			}
			var rep store.ExportReport
			err := writeOut(*out, db.Path(), perm, func(w io.Writer) error {
				var err error
				rep, err = export(ctx, w)
				return err
			})
			if err != nil {
				return fmt.Errorf("export snipeit: %w; %s not written", err, *out)
			}
			a.exportWarnings(rep)
			noun := "person/people"
			if kind == store.KindLocations {
				noun = "location(s)"
			}
			fmt.Fprintf(a.stdout, "exported %d %s to %s\n", rep.Rows, noun, *out)
			return nil
		})
	}
	return a.withDB(ctx, func(db *store.DB) error {
		warn := a.exportWarnings
		export := bom(db.ExportSnipeITReport)
		if *out == "" || *out == "-" {
			rep, err := export(ctx, a.stdout)
			if err == nil {
				warn(rep)
			}
			return err
		}
		var rep store.ExportReport
		// (Its holders' names, emails, badges: personal data, as a
		// receipt's.)
		err := writeOut(*out, db.Path(), 0o600, func(w io.Writer) error {
			var err error
			rep, err = export(ctx, w)
			return err
		})
		if err != nil {
			return fmt.Errorf("export snipeit: %w; %s not written", err, *out)
		}
		warn(rep)
		fmt.Fprintf(a.stdout, "exported %d asset(s) to %s\n", rep.Rows, *out)
		return nil
	})
}
