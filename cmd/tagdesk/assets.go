package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

func assetCommands() []command {
	return []command{
		{name: "asset list", summary: "list assets (all matching, streamed)", usage: "[--json] [--query Q] [--status S] [--location CODE] [--overdue] [--warranty-ends +N|DATE] [--limit N]", run: cmdAssetList},
		{name: "asset show", summary: "show one asset", usage: "TAG [--json]", codes: 1, run: cmdAssetShow},
		{name: "asset update", summary: "change an asset's descriptive fields", usage: "TAG FIELD=VALUE... [--json]\n\nFIELD is one of: " + strings.Join(store.AssetFields(), ", "), codes: 1, run: cmdAssetUpdate},
		{name: "receive", summary: "receive assets: one per serial, tags generated", usage: "--model M --location CODE [--tag TAG] [--po N] [--name N] [--warranty-end DATE] [--allow-duplicate-serial] [--json] SERIAL...", codes: allCodes, run: cmdReceive},
		{name: "checkout", summary: "check assets out to a person, location or parent asset", usage: "--to BADGE|LOCATION|TAG [--due YYYY-MM-DD|+N] [--json] TAG...", codes: allCodes, run: cmdCheckout},
		{name: "checkin", summary: "check assets back in", usage: "[--location CODE] [--condition ok|repair|retire|missing] [--json] TAG...", codes: allCodes, run: cmdCheckin},
		{name: "swap", summary: "swap a holder's asset for another: OLD checked in (in repair), NEW checked out to whoever had it", usage: "OLD NEW [--condition repair|ok|retire|missing] [--location CODE] [--any-kind] [--json]", codes: allCodes, run: cmdSwap},
		{name: "move", summary: "record that assets now sit at another location", usage: "--location CODE [--json] TAG...", codes: allCodes, run: cmdMove},
		{name: "history", summary: "an asset's full history", usage: "TAG [--json]", codes: 1, run: cmdHistory},
		{name: "retire", summary: "retire an asset (it must be checked in)", usage: "TAG [--reason R] [--json]", codes: 1, run: cmdRetire},
		{name: "dispose", summary: "record an asset's disposal (final)", usage: "TAG --method M [--certificate C] [--vendor V] [--json]", codes: 1, run: cmdDispose},
		{name: "status", summary: "mark an asset in stock, in repair or missing", usage: "TAG STATUS [--reason R] [--json]", codes: 1, run: cmdStatus},
	}
}

func findCommand(name string) command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return command{name: name}
}

// writeJSONList writes a list as a JSON array: [] when empty, never null.
func writeJSONList[T any](w io.Writer, xs []T) error {
	if xs == nil {
		xs = []T{}
	}
	return writeJSON(w, xs)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdAssetList(ctx context.Context, a *app, args []string) error {
	c := findCommand("asset list")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output: an array of assets, streamed")
	query := fs.String("query", "", "substring of tag, serial, name, model, manufacturer, custodian or location")
	status := fs.String("status", "", "only this status (in_stock, deployed, ...)")
	location := fs.String("location", "", "only assets at this location or under it")
	limit := fs.Int("limit", 0, "at most N assets (default: all)")
	overdue := fs.Bool("overdue", false, "only assets checked out past their due date (the DUE column replaces SERIAL)")
	warranty := fs.String("warranty-ends", "", "only assets whose warranty ends from today to this day: YYYY-MM-DD or +N days, e.g. +90 for the next quarter (the WARRANTY column replaces SERIAL)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("asset list takes no arguments (got %q); use --query", pos[0])
	}
	if *limit < 0 {
		return usagef("asset list: --limit %d: give a number of assets, or 0 for all", *limit)
	}
	f := store.AssetFilter{Query: *query, Location: *location, Limit: *limit, Overdue: *overdue}
	last, lastOf := "SERIAL", func(as store.Asset) string { return as.Serial }
	if *overdue {
		last, lastOf = "DUE", func(as store.Asset) string { return as.DueDate }
	}
	if *warranty != "" {
		if f.WarrantyBy, err = store.ParseDue(*warranty, time.Now()); err != nil {
			return usagef("asset list: --warranty-ends: %s", store.ErrorMessage(err))
		}
		last, lastOf = "WARRANTY", func(as store.Asset) string { return as.WarrantyEnd }
	}
	if *status != "" {
		if f.Status, err = store.ParseStatus(*status); err != nil {
			return usagef("asset list: %s", store.ErrorMessage(err))
		}
	}
	return a.withDB(ctx, func(db *store.DB) error {
		w := bufio.NewWriterSize(a.stdout, 64<<10)
		n := 0
		if *asJSON {
			w.WriteString("[")
		} else {
			fmt.Fprintf(w, "%-14s %-10s %-26s %-14s %-24s %s\n", "TAG", "STATUS", "MODEL", "LOCATION", "CUSTODIAN", last)
		}
		err := db.EachAsset(ctx, f, func(as store.Asset) error {
			if *asJSON {
				if n > 0 {
					w.WriteString(",")
				}
				b, err := json.Marshal(as)
				if err != nil {
					return err
				}
				w.WriteString("\n  ")
				w.Write(b)
			} else {
				fmt.Fprintf(w, "%-14s %-10s %s %s %s %s\n", as.Tag, as.Status.Label(), col(as.Model, 26), col(as.LocationCode, 14), col(as.CustodianName, 24), lastOf(as))
			}
			n++
			return nil
		})
		if err != nil {
			return err
		}
		if *asJSON {
			if n > 0 {
				w.WriteString("\n")
			}
			w.WriteString("]\n")
		} else if n == 0 {
			// (On stderr: stdout stays the table a script reads. After
			// the header, which waits in the buffer.)
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintln(a.stderr, "no assets match")
		}
		return w.Flush()
	})
}

// fit shortens s to n columns with an ellipsis.
func fit(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// col is a table column: s cut to n terminal cells and padded to exactly n
// (fmt's %-Ns counts a wide CJK character as one, and the table slips).
func col(s string, n int) string {
	s = fit(s, n)
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}

func cmdAssetShow(ctx context.Context, a *app, args []string) error {
	c := findCommand("asset show")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("asset show needs one TAG")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		as, err := db.ResolveAsset(ctx, pos[0])
		if err != nil {
			return err
		}
		if as, err = db.Asset(ctx, as.Tag); err != nil { // with what is installed in it
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, as)
		}
		printAsset(a.stdout, as)
		return nil
	})
}

func printAsset(w io.Writer, as store.Asset) {
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-15s %s\n", k+":", v)
		}
	}
	row("Tag", as.Tag)
	row("Status", as.Status.Label())
	row("Name", as.Name)
	row("Serial", as.Serial)
	model := store.MakerModel(as.Manufacturer, as.Model)
	if as.ModelNumber != "" {
		model += " (" + as.ModelNumber + ")"
	}
	row("Model", model)
	row("Category", as.Category)
	loc := as.LocationCode
	if as.LocationName != "" {
		loc += " (" + as.LocationName + ")"
	}
	row("Location", loc)
	row("Home", as.HomeLocationCode)
	if as.CustodianKind != store.CustodianNone {
		to := fmt.Sprintf("%s %s", as.CustodianKind, as.CustodianName)
		if as.Custodian != "" && as.Custodian != as.CustodianName {
			to += " (" + as.Custodian + ")"
		}
		row("Checked out to", to)
		row("Since", localStamp(as.CheckedOutAt))
		row("Due", as.DueDate)
	}
	row("Installed", strings.Join(as.Installed, " "))
	row("Cost centre", as.CostCentre)
	row("Supplier", as.Supplier)
	row("Purchase order", as.PONumber)
	row("Order number", as.OrderNumber)
	row("Purchased", as.PurchaseDate)
	if as.PurchaseCost != "" {
		row("Cost", strings.TrimSpace(as.PurchaseCost+" "+as.Currency))
	}
	row("Warranty end", as.WarrantyEnd)
	row("End of life", as.EOLDate)
	row("Last audit", as.LastAudit)
	row("Next audit", as.NextAudit)
	for _, k := range sortedKeys(as.Custom) {
		row(k, as.Custom[k])
	}
	row("Notes", as.Notes)
	if as.Disposal != nil {
		row("Disposed", fmt.Sprintf("%s by %s, certificate %s, vendor %s", localStamp(as.Disposal.DisposedAt), as.Disposal.Method, orDash(as.Disposal.Certificate), orDash(as.Disposal.Vendor)))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cmdAssetUpdate(ctx context.Context, a *app, args []string) error {
	c := findCommand("asset update")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "print the asset as it now is, as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("asset update needs a TAG and at least one FIELD=VALUE (fields: %s)", strings.Join(store.AssetFields(), ", "))
	}
	fields := map[string]string{}
	for _, kv := range pos[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usagef("%q is not FIELD=VALUE", kv)
		}
		fields[k] = v
	}
	return a.withDB(ctx, func(db *store.DB) error {
		as, err := db.UpdateAsset(ctx, pos[0], fields)
		if err != nil {
			return fmt.Errorf("update %s: %w; nothing changed", pos[0], err)
		}
		if *asJSON {
			return writeAssetJSON(ctx, a, db, as)
		}
		fmt.Fprintf(a.stdout, "updated %s\n", as.Tag)
		return nil
	})
}

func cmdReceive(ctx context.Context, a *app, args []string) error {
	c := findCommand("receive")
	fs := a.flags(c)
	model := fs.String("model", "", "model, by name or model number (required)")
	location := fs.String("location", "", "where the assets go, by code or name (required)")
	tag := fs.String("tag", "", "a pre-printed tag for the (single) serial")
	po := fs.String("po", "", "purchase order number the assets arrive on")
	name := fs.String("name", "", "asset name")
	warranty := fs.String("warranty-end", "", "warranty end date (YYYY-MM-DD)")
	dup := fs.Bool("allow-duplicate-serial", false, "accept a serial that another asset already has")
	asJSON := fs.Bool("json", false, "print the assets received, as JSON (a list)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if *model == "" || *location == "" {
		return usagef("receive needs --model and --location")
	}
	if len(pos) == 0 {
		return usagef("receive needs at least one SERIAL")
	}
	if *tag != "" && len(pos) > 1 {
		return usagef("--tag pairs with exactly one SERIAL")
	}
	w, err := store.ParseDate(*warranty)
	if err != nil {
		return usagef("--warranty-end: %s", store.ErrorMessage(err))
	}
	rs := make([]store.Receipt, len(pos))
	for i, s := range pos {
		if strings.TrimSpace(s) == "" {
			return usagef("receive: item %d is empty: give each asset's serial", i+1)
		}
		rs[i] = store.Receipt{Serial: s, Model: *model, Location: *location, Tag: *tag, PONumber: *po, Name: *name, WarrantyEnd: w, AllowDuplicateSerial: *dup}
	}
	return a.withDB(ctx, func(db *store.DB) error {
		// A serial of an asset on order receives that asset: said apart,
		// stdout keeping its TAG<tab>SERIAL lines for scripts.
		onOrder := map[int]string{}
		for i, r := range rs {
			if res, err := db.Resolve(ctx, r.Serial); err == nil && res.Kind == store.ResolvedAsset && res.Asset.Status == store.StatusOnOrder {
				onOrder[i] = res.Asset.Tag
			}
		}
		tags, err := db.ReceiveAll(ctx, rs)
		if err != nil && (errors.Is(err, store.ErrDuplicateSerial) || errors.Is(err, store.ErrSerialIsOtherNumber)) {
			return fmt.Errorf("receive: %w; nothing was received (if it is the serial all the same: --allow-duplicate-serial)", err)
		}
		if err != nil {
			return fmt.Errorf("receive: %w; nothing was received", err)
		}
		var got []store.Asset
		// The models received now (warned of), and whether any came that
		// was not registered on order first (an arrival is on its order).
		models := map[[2]string]bool{}
		for i, t := range tags {
			x, err := db.Asset(ctx, t)
			if err != nil {
				return err
			}
			key := [2]string{strings.ToLower(x.Model), strings.ToLower(x.ModelNumber)}
			models[key] = models[key] || onOrder[i] != t
			if *asJSON {
				got = append(got, x)
			} else {
				// The serial as stored (a scanner's AIM prefix dropped: the
				// argument as typed said otherwise).
				fmt.Fprintf(a.stdout, "%s\t%s\n", t, x.Serial)
			}
			if on, ok := onOrder[i]; ok && on == t {
				fmt.Fprintf(a.stderr, "note: %s was on order: it has arrived\n", t)
			} else if ok && slices.Contains(tags, on) {
				// (The serial twice, duplicates allowed: the first arrived.)
				fmt.Fprintf(a.stderr, "note: %s has the serial of %s too (a duplicate, as allowed)\n", t, on)
			} else if ok {
				// (--allow-duplicate-serial, and the receipt did not fit
				// it: another model or order.)
				fmt.Fprintf(a.stderr, "note: %s has the serial of %s, still on order\n", t, on)
			}
		}
		if *asJSON {
			if err := writeJSONList(a.stdout, got); err != nil {
				return err
			}
		}
		if *po != "" {
			// Received all the same (the boxes are here), but said.
			o, err := db.PurchaseOrder(ctx, *po)
			if err != nil {
				return err
			}
			for _, l := range o.Lines {
				beyondNow, touched := models[[2]string{strings.ToLower(l.Model), strings.ToLower(l.ModelNumber)}]
				if !touched {
					continue // (a line this receipt did not touch)
				}
				switch {
				case o.Beyond(l) == 0, !beyondNow: // (only arrivals, on their order: never beyond it)
				case l.Expected == 0:
					fmt.Fprintf(a.stderr, "warning: %s is not on order %s: %d received all the same\n", o.Label(l), o.Number, o.Beyond(l))
				default:
					notDue := ""
					if l.DueBySerial > 0 {
						notDue = " (not one of those due)"
					}
					fmt.Fprintf(a.stderr, "warning: beyond order %s: %s%s\n", o.Number, o.Count(l), notDue)
				}
			}
		}
		return nil
	})
}

func cmdCheckout(ctx context.Context, a *app, args []string) error {
	c := findCommand("checkout")
	fs := a.flags(c)
	to := fs.String("to", "", "a person (badge, employee number, username, email or full name), a location (code, name) or a parent asset (tag, serial, label's link)")
	due := fs.String("due", "", "expected return date (YYYY-MM-DD, or +N: N days from today)")
	asJSON := fs.Bool("json", false, "print the assets checked out, as JSON (a list)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if *to == "" || len(pos) == 0 {
		return usagef("checkout needs --to WHO and at least one TAG")
	}
	if *due != "" {
		d, err := store.ParseDue(*due, time.Now())
		if err != nil {
			return usagef("checkout: --due: %s; nothing was checked out", store.ErrorMessage(err))
		}
		*due = d
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		as, err := db.CheckOutAll(ctx, tags, *to, *due)
		if err != nil {
			return fmt.Errorf("checkout: %w; nothing was checked out", err)
		}
		if *asJSON {
			if err := writeAssetsJSON(ctx, a, db, as); err != nil {
				return err
			}
		} else {
			for _, x := range as {
				fmt.Fprintf(a.stdout, "%s checked out to %s%s\n", x.Tag, x.CustodianName, prefixed(", due ", x.DueDate))
			}
		}
		// A loan recorded after the fact may be due already; a typed year
		// may be wrong. Either way the desk should know at once.
		if len(as) > 0 && as[0].DueDate != "" && as[0].DueDate < db.Now().Local().Format("2006-01-02") {
			what := "the asset is"
			if len(as) > 1 {
				what = "the assets are"
			}
			fmt.Fprintf(a.stderr, "warning: due date %s has passed: %s overdue already\n", as[0].DueDate, what)
		}
		return nil
	})
}

func cmdCheckin(ctx context.Context, a *app, args []string) error {
	c := findCommand("checkin")
	fs := a.flags(c)
	loc := fs.String("location", "", "where the assets go (default: their home location)")
	cond := fs.String("condition", "ok", "ok, repair or retire; missing: it did not come back (a leaver kept it, its holder lost it)")
	asJSON := fs.Bool("json", false, "print the assets checked in, as JSON (a list)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("checkin needs at least one TAG")
	}
	if err := checkCondition(c.name, *cond, *loc); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		as, err := db.CheckInAll(ctx, tags, store.CheckInOptions{Location: *loc, Condition: *cond})
		if err != nil {
			return fmt.Errorf("checkin: %w; nothing was checked in", err)
		}
		if *asJSON {
			return writeAssetsJSON(ctx, a, db, as)
		}
		for _, x := range as {
			fmt.Fprintf(a.stdout, "%s checked in: %s at %s\n", x.Tag, x.Status.Label(), orDash(x.LocationCode))
		}
		return nil
	})
}

// checkCondition refuses a --condition that names none, blank included (a
// store call takes blank for ok; given on the line, it is a mistake).
func checkCondition(cmd, cond, loc string) error {
	if strings.TrimSpace(cond) == "" {
		return usagef("%s: --condition is empty: give ok, repair, retire or missing", cmd)
	}
	st, err := store.ConditionStatus(cond)
	if err != nil {
		return usagef("%s: %s", cmd, store.ErrorMessage(err))
	}
	if st == store.StatusMissing && strings.TrimSpace(loc) != "" {
		// (It moved the lost asset, and what is installed in it, there.)
		return usagef("%s: --location is where what comes back goes; with --condition missing nothing came back: it stays where it was last recorded", cmd)
	}
	return nil
}

func cmdSwap(ctx context.Context, a *app, args []string) error {
	c := findCommand("swap")
	fs := a.flags(c)
	loc := fs.String("location", "", "where OLD goes (default: its home location)")
	cond := fs.String("condition", "repair", "OLD's condition: repair (a broken device), ok, retire, or missing (it was lost)")
	anyKind := fs.Bool("any-kind", false, "swap for an asset of another category too (a swap gives one of the same kind)")
	asJSON := fs.Bool("json", false, `print {"returned": asset, "given": asset} as JSON`)
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("swap needs OLD and NEW: the tag taken back and the tag given in its place")
	}
	if err := checkCondition(c.name, *cond, *loc); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		res, err := db.Swap(ctx, pos[0], pos[1], store.SwapOptions{CheckInOptions: store.CheckInOptions{Location: *loc, Condition: *cond}, AnyKind: *anyKind})
		if err != nil {
			if msg := store.ErrorMessage(err); strings.Contains(msg, "one of the same kind") {
				return fmt.Errorf("swap: %s (--any-kind swaps anyway); nothing changed", msg)
			}
			return fmt.Errorf("swap: %w; nothing changed", err)
		}
		if *asJSON {
			shown, err := shownAssets(ctx, db, []store.Asset{res.Returned, res.Given})
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, struct {
				Returned store.Asset `json:"returned"`
				Given    store.Asset `json:"given"`
			}{shown[0], shown[1]})
		}
		fmt.Fprintf(a.stdout, "%s checked in: %s at %s\n", res.Returned.Tag, res.Returned.Status.Label(), orDash(res.Returned.LocationCode))
		due := ""
		if res.Given.DueDate != "" {
			due = ", due back " + res.Given.DueDate
		}
		fmt.Fprintf(a.stdout, "%s checked out to %s in its place%s\n", res.Given.Tag, res.Given.CustodianName, due)
		if d := res.Given.DueDate; d != "" && d < db.Now().Local().Format("2006-01-02") {
			fmt.Fprintf(a.stderr, "warning: due date %s has passed: %s is overdue already\n", d, res.Given.Tag)
		}
		return nil
	})
}

func cmdMove(ctx context.Context, a *app, args []string) error {
	c := findCommand("move")
	fs := a.flags(c)
	loc := fs.String("location", "", "the new location (code or name)")
	asJSON := fs.Bool("json", false, `print {"moved": [assets], "already": [tags]} as JSON`)
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if *loc == "" || len(pos) == 0 {
		return usagef("move needs --location and at least one TAG")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		moved, already, err := db.MoveAll(ctx, tags, *loc)
		if err != nil {
			return fmt.Errorf("move: %w; nothing was moved", err)
		}
		if *asJSON {
			if moved == nil {
				moved = []store.Asset{}
			}
			if already == nil {
				already = []string{}
			}
			if moved, err = shownAssets(ctx, db, moved); err != nil {
				return err
			}
			return writeJSON(a.stdout, struct {
				Moved   []store.Asset `json:"moved"`
				Already []string      `json:"already"`
			}{moved, already})
		}
		for _, x := range moved {
			fmt.Fprintf(a.stdout, "%s moved to %s\n", x.Tag, x.LocationCode)
		}
		for _, t := range already {
			fmt.Fprintf(a.stdout, "%s was there already\n", t)
		}
		return nil
	})
}

func cmdHistory(ctx context.Context, a *app, args []string) error {
	c := findCommand("history")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("history needs one TAG")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		as, err := db.ResolveAsset(ctx, pos[0])
		if err != nil {
			return err
		}
		evs, err := db.History(ctx, as.UID)
		if err != nil {
			return err
		}
		if *asJSON {
			out := make([]eventOut, len(evs))
			for i, e := range evs {
				out[i] = describedEvent(e)
			}
			return writeJSONList(a.stdout, out)
		}
		fmt.Fprintf(a.stdout, "History of %s\n", as.Tag)
		// Where each change was made, once any desk that touched it
		// has stated its site.
		sited := slices.ContainsFunc(evs, func(e store.Event) bool { return e.Site != "" })
		for _, e := range evs {
			where := ""
			if sited {
				where = col(orDash(e.Site), 12) + " "
			}
			fmt.Fprintf(a.stdout, "%s  %-22s %s %s%s\n", e.At.Local().Format("2006-01-02 15:04:05 MST"), e.Type, col(e.Operator, 12), where, store.Describe(e))
		}
		return nil
	})
}

func cmdRetire(ctx context.Context, a *app, args []string) error {
	c := findCommand("retire")
	fs := a.flags(c)
	reason := fs.String("reason", "", "why")
	asJSON := fs.Bool("json", false, "print the asset as it now is, as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("retire needs one TAG")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		x, err := db.Retire(ctx, tags[0], *reason)
		if err != nil {
			return fmt.Errorf("retire: %w; nothing changed", err)
		}
		if *asJSON {
			return writeAssetJSON(ctx, a, db, x)
		}
		fmt.Fprintf(a.stdout, "%s retired\n", x.Tag)
		return nil
	})
}

func cmdDispose(ctx context.Context, a *app, args []string) error {
	c := findCommand("dispose")
	fs := a.flags(c)
	method := fs.String("method", "", "how it was disposed of and its data destroyed (shred, wipe, degauss, recycle, ...)")
	cert := fs.String("certificate", "", "certificate or reference of the data destruction")
	vendor := fs.String("vendor", "", "who did it")
	asJSON := fs.Bool("json", false, "print the asset as it now is, as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*method) == "" {
		return usagef("dispose needs one TAG and --method")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		x, err := db.Dispose(ctx, tags[0], store.Disposal{Method: *method, Certificate: *cert, Vendor: *vendor})
		if err != nil {
			return fmt.Errorf("dispose: %w; nothing changed", err)
		}
		if *asJSON {
			return writeAssetJSON(ctx, a, db, x)
		}
		fmt.Fprintf(a.stdout, "%s disposed (%s)\n", x.Tag, x.Disposal.Method)
		return nil
	})
}

func cmdStatus(ctx context.Context, a *app, args []string) error {
	c := findCommand("status")
	fs := a.flags(c)
	reason := fs.String("reason", "", "why")
	asJSON := fs.Bool("json", false, "print the asset as it now is, as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("status needs a TAG and a STATUS (in_stock, in_repair, missing)")
	}
	st, err := store.ParseStatus(pos[1])
	if err != nil {
		return usagef("%s", store.ErrorMessage(err))
	}
	return a.withDB(ctx, func(db *store.DB) error {
		tags, err := assetArgs(ctx, db, pos)
		if err != nil {
			return err
		}
		x, err := db.SetStatus(ctx, tags[0], st, *reason)
		if err != nil {
			return fmt.Errorf("status: %w; nothing changed", err)
		}
		if *asJSON {
			return writeAssetJSON(ctx, a, db, x)
		}
		fmt.Fprintf(a.stdout, "%s is now %s\n", x.Tag, x.Status.Label())
		return nil
	})
}

// writeAssetsJSON prints assets a command changed as JSON, each as asset
// show --json prints it (read again: what is installed in it too).
func writeAssetsJSON(ctx context.Context, a *app, db *store.DB, as []store.Asset) error {
	out, err := shownAssets(ctx, db, as)
	if err != nil {
		return err
	}
	return writeJSONList(a.stdout, out)
}

// shownAssets reads assets again as asset show does (what is installed in
// each too: a list's reads leave it out).
func shownAssets(ctx context.Context, db *store.DB, as []store.Asset) ([]store.Asset, error) {
	out := make([]store.Asset, 0, len(as))
	for _, x := range as {
		full, err := db.Asset(ctx, x.Tag)
		if err != nil {
			return nil, err
		}
		out = append(out, full)
	}
	return out, nil
}

// writeAssetJSON prints an asset a command changed as asset show --json does.
func writeAssetJSON(ctx context.Context, a *app, db *store.DB, x store.Asset) error {
	full, err := db.Asset(ctx, x.Tag)
	if err != nil {
		return err
	}
	return writeJSON(a.stdout, full)
}

// assetArgs reads TAG arguments as a scan of the asset's label reads
// them: a tag, the label's QR link (tagdesk's, or Snipe-IT's
// /hardware/{id}), with a scanner's AIM prefix (]Q1) before either (asset
// show took them, checkout refused them). Not a serial: a tag typed that
// is no asset's tag must not act on the asset whose serial it is. A link
// that names no asset is refused with the scan's reason; anything else is
// left as written, for the command's own refusal.
func assetArgs(ctx context.Context, db *store.DB, args []string) ([]string, error) {
	out := slices.Clone(args)
	for i, s := range args {
		res, err := db.Resolve(ctx, s)
		switch {
		case err == nil && res.Kind == store.ResolvedAsset && res.Via != "serial":
			out[i] = res.Asset.Tag
		case strings.Contains(s, "/") && !(err == nil && res.Kind == store.ResolvedAsset):
			// A link that names no asset: the scan's reason (a Snipe-IT
			// id no asset has), not "a tag of 37 characters".
			if _, aerr := db.ResolveAsset(ctx, s); aerr != nil {
				return nil, fmt.Errorf("%w; nothing changed", aerr)
			}
		}
	}
	return out, nil
}
