package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/tagdesk/tagdesk/store"
)

func peopleCommands() []command {
	return []command{
		{name: "person show", summary: "a person and everything they hold", usage: "WHO [--json]", run: cmdPersonShow},
		{name: "person offboard", summary: "take back everything a leaver holds and offboard them", usage: "WHO [--condition ok|repair|retire|missing] [--location L] [--receipt FILE.pdf] [--json]", run: cmdPersonOffboard},
		{name: "person reactivate", summary: "undo an offboarding (the wrong person, or back at work): they can hold assets again", usage: "WHO [--json]", run: cmdPersonReactivate},
		{name: "person receipt", summary: "a hand-over receipt (PDF) of what a person holds", usage: "WHO --out FILE.pdf", run: cmdPersonReceipt},
	}
}

type personView struct {
	store.Person
	Holds []store.Asset `json:"holds"`
}

func cmdPersonShow(ctx context.Context, a *app, args []string) error {
	c := findCommand("person show")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("person show needs one WHO (badge, employee number, username, email, name, or the uid person list --json gives)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		p, err := db.Person(ctx, pos[0])
		if err != nil {
			return err
		}
		holds, err := db.Holdings(ctx, p.UID)
		if err != nil {
			return err
		}
		if *asJSON {
			if holds == nil {
				holds = []store.Asset{}
			}
			return writeJSON(a.stdout, personView{Person: p, Holds: holds})
		}
		state := "active"
		if !p.Active {
			state = "offboarded"
		}
		fmt.Fprintf(a.stdout, "%s (%s)\n", p.Name, state)
		for _, kv := range [][2]string{{"Badge", p.Badge}, {"Employee no.", p.EmployeeNo}, {"Username", p.Username}, {"Email", p.Email}, {"Department", p.Department}, {"Cost centre", p.CostCentre}, {"Location", p.LocationCode}} {
			if kv[1] != "" {
				fmt.Fprintf(a.stdout, "%-13s %s\n", kv[0]+":", kv[1])
			}
		}
		if len(holds) == 0 {
			fmt.Fprintln(a.stdout, "\nHolds nothing.")
			return nil
		}
		today := db.Now().Format("2006-01-02")
		fmt.Fprintf(a.stdout, "\nHolds %d:\n", len(holds))
		for _, h := range holds {
			due := h.DueDate
			if due != "" && due < today {
				due += " OVERDUE"
			}
			fmt.Fprintf(a.stdout, "  %-14s %s %-14s since %s  due %s\n", h.Tag, col(h.Model, 28), h.Serial, short(h.CheckedOutAt), orDash(due))
		}
		return nil
	})
}

// short is the desk's local day of a stored instant.
func short(ts string) string { return store.LocalDay(ts) }

func cmdPersonReactivate(ctx context.Context, a *app, args []string) error {
	c := findCommand("person reactivate")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("person reactivate needs one WHO")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		p, err := db.Reactivate(ctx, pos[0])
		if err != nil {
			return fmt.Errorf("reactivate: %w; nothing changed", err)
		}
		if *asJSON {
			return writeJSON(a.stdout, p)
		}
		fmt.Fprintf(a.stdout, "reactivated %s: they can hold assets again (what the offboarding checked in stays in)\n", p.Name)
		return nil
	})
}

func cmdPersonOffboard(ctx context.Context, a *app, args []string) error {
	c := findCommand("person offboard")
	fs := a.flags(c)
	cond := fs.String("condition", "ok", "condition of everything returned: ok, repair or retire; missing: none of it came back (check in what did first)")
	loc := fs.String("location", "", "where the returned assets go (default: their home location)")
	receipt := fs.String("receipt", "", "write a return receipt (PDF) to this file")
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("person offboard needs one WHO")
	}
	if err := checkCondition(c.name, *cond, *loc); err != nil {
		return err
	}
	st, err := store.ConditionStatus(*cond)
	if err != nil {
		return usagef("%s", store.ErrorMessage(err))
	}
	kept := st == store.StatusMissing // nothing came back
	if kept && *receipt != "" {
		return usagef("a return receipt is for what came back: --condition missing says nothing did (leave out --receipt)")
	}
	if *receipt == stdoutName {
		// (Standard output carries what was returned: the PDF goes to a
		// file, or comes from person receipt --out - beforehand.)
		return usagef("--receipt needs a file: standard output lists what came back")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if *receipt != "" {
			if _, _, err := outTarget(*receipt, db.Path()); err != nil {
				return fmt.Errorf("offboard: cannot write the receipt: %w; nothing changed", err)
			}
		}
		res, err := db.Offboard(ctx, pos[0], store.CheckInOptions{Condition: *cond, Location: *loc})
		if err != nil {
			return fmt.Errorf("offboard: %w; nothing changed", err)
		}
		if *receipt != "" {
			pdf, err := receiptPDF(ctx, db, "Return receipt", res.Person, res.Returned, *cond)
			if err != nil {
				return fmt.Errorf("offboarded %s, but the receipt failed: %w", res.Person.Name, err)
			}
			if err := writeBytes(*receipt, db.Path(), 0o600, pdf); err != nil {
				return fmt.Errorf("offboarded %s, but the receipt failed: %w", res.Person.Name, err)
			}
		}
		if *asJSON {
			if res.Returned == nil {
				res.Returned = []store.Asset{}
			}
			return writeJSON(a.stdout, res)
		}
		if len(res.Returned) == 0 {
			fmt.Fprintf(a.stdout, "%s held nothing; offboarded\n", res.Person.Name)
		} else {
			for _, x := range res.Returned {
				if kept {
					fmt.Fprintf(a.stdout, "%s not returned: missing at %s\n", x.Tag, orDash(x.LocationCode))
				} else {
					fmt.Fprintf(a.stdout, "%s checked in: %s at %s\n", x.Tag, x.Status.Label(), orDash(x.LocationCode))
				}
			}
			if kept {
				fmt.Fprintf(a.stdout, "%s offboarded: %d asset(s) not returned, marked missing\n", res.Person.Name, len(res.Returned))
			} else {
				fmt.Fprintf(a.stdout, "%s offboarded: %d asset(s) returned\n", res.Person.Name, len(res.Returned))
			}
		}
		if *receipt != "" {
			fmt.Fprintf(a.stdout, "receipt: %s\n", *receipt)
		}
		return nil
	})
}

func cmdPersonReceipt(ctx context.Context, a *app, args []string) error {
	c := findCommand("person receipt")
	fs := a.flags(c)
	out := fs.String("out", "", "the PDF file to write (- is standard output)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *out == "" {
		return usagef("person receipt needs one WHO and --out FILE.pdf")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		p, err := db.Person(ctx, pos[0])
		if err != nil {
			return err
		}
		holds, err := db.Holdings(ctx, p.UID)
		if err != nil {
			return err
		}
		if len(holds) == 0 {
			return fmt.Errorf("%s holds nothing: no receipt to print", p.Name)
		}
		pdf, err := receiptPDF(ctx, db, "Hand-over receipt", p, holds, "")
		if err != nil {
			return err
		}
		if *out == stdoutName {
			_, err := a.stdout.Write(pdf) // (and nothing else there)
			return err
		}
		if err := writeBytes(*out, db.Path(), 0o600, pdf); err != nil {
			return err
		}
		inside, err := db.InstalledIn(ctx, tagsOf(holds))
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "receipt for %d asset(s): %s\n", len(holds)+len(inside), *out)
		return nil
	})
}

// receiptPDF draws a hand-over or return receipt: who, when, what, and lines
// to sign.
func receiptPDF(ctx context.Context, db *store.DB, title string, p store.Person, items []store.Asset, condition string) ([]byte, error) {
	site, err := db.Setting(ctx, store.SettingSite)
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: title + ": " + p.Name, Creator: "tagdesk"})
	if err := pdf.AddTTFFontData("regular", goregular.TTF); err != nil {
		return nil, fmt.Errorf("receipt font: %w", err)
	}
	if err := pdf.AddTTFFontData("bold", gobold.TTF); err != nil {
		return nil, fmt.Errorf("receipt font: %w", err)
	}
	const left, width = 50.0, 495.0
	y := 0.0
	text := func(font string, size float64, x float64, s string) error {
		if err := pdf.SetFont(font, "", size); err != nil {
			return err
		}
		pdf.SetXY(x, y)
		return pdf.Cell(nil, s)
	}
	newPage := func() {
		pdf.AddPage()
		y = 50
	}
	newPage()
	if err := text("bold", 18, left, title); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	y += 30
	lines := []string{
		"Person: " + p.Name + parens(p.Badge),
		"Email: " + orDash(p.Email) + "    Department: " + orDash(p.Department),
		"Date: " + db.Now().Format("2 January 2006 15:04") + "    Desk operator: " + orDash(db.Operator()),
	}
	if site != "" {
		lines = append([]string{"Site: " + site}, lines...)
	}
	if condition != "" {
		lines = append(lines, "Condition on return: "+condition)
	}
	for _, l := range lines {
		if err := text("regular", 11, left, l); err != nil {
			return nil, fmt.Errorf("receipt: %w", err)
		}
		y += 16
	}
	y += 10
	cols := []struct {
		name string
		x    float64
	}{{"Tag", left}, {"Model", left + 95}, {"Serial", left + 290}, {"Due / status", left + 400}}
	header := func() error {
		for _, c := range cols {
			if err := text("bold", 10, c.x, c.name); err != nil {
				return err
			}
		}
		y += 14
		pdf.Line(left, y, left+width, y)
		y += 6
		return nil
	}
	if err := header(); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	// What is installed in them goes with them, and is signed for too (a
	// dock in a laptop was on neither the hand-over nor the return).
	inside, err := db.InstalledIn(ctx, tagsOf(items))
	if err != nil {
		return nil, err
	}
	items = append(slices.Clone(items), inside...)
	for _, it := range items {
		if y > 760 {
			newPage()
			if err := header(); err != nil {
				return nil, fmt.Errorf("receipt: %w", err)
			}
		}
		last := orDash(it.DueDate)
		if condition != "" {
			last = it.Status.Label()
		}
		if it.CustodianKind == store.CustodianAsset {
			last = "in " + it.Custodian
		}
		for i, v := range []string{it.Tag, fit(store.MakerModel(it.Manufacturer, it.Model), 32), fit(it.Serial, 18), last} {
			if err := text("regular", 10, cols[i].x, v); err != nil {
				return nil, fmt.Errorf("receipt: %w", err)
			}
		}
		y += 15
	}
	y += 10
	if err := text("regular", 10, left, fmt.Sprintf("%d item(s).", len(items))); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if y > 700 {
		newPage()
	}
	y += 60
	pdf.Line(left, y, left+200, y)
	pdf.Line(left+280, y, left+480, y)
	y += 6
	if err := text("regular", 9, left, "Signature: "+p.Name); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if err := text("regular", 9, left+280, "Signature: IT desk"); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	var b bytes.Buffer
	if _, err := pdf.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	return b.Bytes(), nil
}

// tagsOf lists assets' tags.
func tagsOf(as []store.Asset) []string {
	tags := make([]string, len(as))
	for i, a := range as {
		tags[i] = a.Tag
	}
	return tags
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}
