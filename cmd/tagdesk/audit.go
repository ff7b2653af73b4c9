package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

func auditCommands() []command {
	return []command{
		{name: "stocktake start", summary: "start counting a location (and everything under it)", usage: "LOCATION [--json]", run: cmdStocktakeStart},
		{name: "stocktake scan", summary: "record scans in the open stocktake", usage: "[--location L] CODE...", codes: allCodes, run: cmdStocktakeScan},
		{name: "stocktake finish", summary: "finish the open stocktake: what is still recorded there and not found is missing", usage: "[--location L]", run: cmdStocktakeFinish},
		{name: "stocktake report", summary: "a stocktake's found, missing, unexpected, unknown and left-during-the-count", usage: "[--location L] [--json|--csv]", run: cmdStocktakeReport},
		{name: "stocktake list", summary: "stocktakes, newest first", usage: "[--json]", run: cmdStocktakeList},
		{name: "report kpis", summary: "the asset-management figures", usage: "[--json]", run: cmdReportKPIs},
		{name: "report history", summary: "the event log for auditors", usage: "[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv|--json]", run: cmdReportHistory},
		{name: "report duplicates", summary: "serials on more than one asset: a device received twice, or a placeholder serial", usage: "[--json]", run: cmdReportDuplicates},
	}
}

func cmdStocktakeStart(ctx context.Context, a *app, args []string) error {
	c := findCommand("stocktake start")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("stocktake start needs one LOCATION (code or name)")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		st, err := db.StartStocktake(ctx, pos[0])
		if err != nil {
			return fmt.Errorf("stocktake start: %w; nothing changed", err)
		}
		if *asJSON {
			return writeJSON(a.stdout, st)
		}
		fmt.Fprintf(a.stdout, "stocktake of %s (%s) started: %d assets expected\n", st.LocationCode, st.LocationName, st.Expected)
		return nil
	})
}

// stocktakeFlag adds --location to pick among several open stocktakes.
func currentStocktake(ctx context.Context, db *store.DB, location string, finished bool) (store.Stocktake, error) {
	if !finished {
		return db.CurrentStocktake(ctx, location)
	}
	all, err := db.Stocktakes(ctx, false, 0)
	if err != nil {
		return store.Stocktake{}, err
	}
	for _, s := range all {
		if location == "" || strings.EqualFold(s.LocationCode, location) || strings.EqualFold(s.LocationName, location) {
			return s, nil
		}
	}
	return store.Stocktake{}, store.Errorf(store.ENOTFOUND, "no stocktake%s", map[bool]string{true: " of " + location, false: ""}[location != ""])
}

func cmdStocktakeScan(ctx context.Context, a *app, args []string) error {
	c := findCommand("stocktake scan")
	fs := a.flags(c)
	loc := fs.String("location", "", "the open stocktake of this location (when several are open)")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("stocktake scan needs at least one CODE")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		st, err := currentStocktake(ctx, db, *loc, false)
		if err != nil {
			return err
		}
		// Each scan is recorded as it is made, as at the desk: a refused
		// one is listed and the rest still counted.
		refused, saved := 0, 0
		for _, code := range pos {
			s, err := db.ScanIntoStocktake(ctx, st.UID, code)
			if err != nil {
				if ec := store.ErrorCode(err); ec == store.EINTERNAL || ec == store.EBUSY || ec == store.EFULL || store.IsReadOnly(err) || ctx.Err() != nil {
					return stoppedAt(err, fmt.Sprintf("scan %q", clipBytes(code, 60)), "scan", saved)
				}
				refused++
				fmt.Fprintf(a.stdout, "refused     %q: %s\n", clipBytes(code, 60), store.ErrorMessage(err))
				continue
			}
			saved++
			switch s.Result {
			case store.ScanFound:
				fmt.Fprintf(a.stdout, "found       %s %s\n", s.Tag, s.Name)
			case store.ScanUnexpected:
				if s.Why != "" {
					fmt.Fprintf(a.stdout, "unexpected  %s %s (%s)\n", s.Tag, s.Name, s.Why)
					break
				}
				fmt.Fprintf(a.stdout, "unexpected  %s %s (recorded at %s: move it with 'tagdesk move --location %s %s')\n", s.Tag, s.Name, orDash(s.Location), st.LocationCode, s.Tag)
			case store.ScanDuplicate:
				fmt.Fprintf(a.stdout, "duplicate   %s already scanned (not counted twice)\n", firstNonEmpty(s.Tag, s.Code))
			case store.ScanUnknown:
				if s.Why != "" {
					fmt.Fprintf(a.stdout, "unknown     %q %s (kept in the report)\n", s.Code, s.Why)
					break
				}
				fmt.Fprintf(a.stdout, "unknown     %q (kept in the report)\n", s.Code)
			}
		}
		st, err = db.Stocktake(ctx, st.UID)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s: %d of %d found, %d missing so far, %d unexpected, %d unknown\n", st.LocationCode, st.Found, st.Expected, st.Missing, st.Unexpected, st.Unknown)
		if refused > 0 {
			return fmt.Errorf("stocktake scan: %d of %d scans refused (listed above); the others are recorded", refused, len(pos))
		}
		return nil
	})
}

func cmdStocktakeFinish(ctx context.Context, a *app, args []string) error {
	c := findCommand("stocktake finish")
	fs := a.flags(c)
	loc := fs.String("location", "", "the open stocktake of this location (when several are open)")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		st, err := currentStocktake(ctx, db, *loc, false)
		if err != nil {
			if store.ErrorCode(err) == store.ENOTFOUND {
				return fmt.Errorf("%w (finished already?)", err)
			}
			return err
		}
		st, err = db.FinishStocktake(ctx, st.UID)
		if err != nil {
			return fmt.Errorf("stocktake finish: %w; nothing changed", err)
		}
		fmt.Fprintf(a.stdout, "stocktake of %s finished: %d of %d found, %d missing, %d unexpected, %d unknown", st.LocationCode, st.Found, st.Expected, st.Missing, st.Unexpected, st.Unknown)
		if st.Away > 0 {
			fmt.Fprintf(a.stdout, ", %d left during the count (not missing)", st.Away)
		}
		fmt.Fprintln(a.stdout)
		return nil
	})
}

func cmdStocktakeReport(ctx context.Context, a *app, args []string) error {
	c := findCommand("stocktake report")
	fs := a.flags(c)
	loc := fs.String("location", "", "the latest stocktake of this location")
	asJSON := fs.Bool("json", false, "JSON output")
	asCSV := fs.Bool("csv", false, "CSV output: one row per asset or code (a cell a spreadsheet would run as a formula gets a backtick before it)")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("give --json or --csv, not both")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		st, err := currentStocktake(ctx, db, *loc, true)
		if err != nil {
			return err
		}
		rep, err := db.StocktakeReport(ctx, st.UID)
		if err != nil {
			return err
		}
		switch {
		case *asJSON:
			return writeJSON(a.stdout, rep)
		case *asCSV:
			w := csv.NewWriter(a.stdout)
			w.Write([]string{"result", "tag", "serial", "name", "model", "recorded_location", "status", "code"})
			// code: what was scanned (a serial, a label's URL), blank for
			// what was not.
			scanned := map[string]string{}
			for _, sc := range rep.Scans {
				if _, ok := scanned[sc.Tag]; !ok && sc.Tag != "" {
					scanned[sc.Tag] = sc.Code
				}
			}
			for _, g := range []struct {
				result string
				as     []store.Asset
			}{{"found", rep.Found}, {"missing", rep.Missing}, {"unexpected", rep.Unexpected}, {"away", rep.Away}} {
				for _, x := range g.as {
					w.Write(store.SpreadsheetRow([]string{g.result, x.Tag, x.Serial, x.Name, x.Model, x.LocationCode, string(x.Status), scanned[x.Tag]}))
				}
			}
			for _, code := range rep.Unknown {
				w.Write(store.SpreadsheetRow([]string{"unknown", "", "", "", "", "", "", code}))
			}
			w.Flush()
			return w.Error()
		}
		s := rep.Stocktake
		fmt.Fprintf(a.stdout, "Stocktake of %s (%s), %s, started %s by %s", s.LocationCode, s.LocationName, s.Status, localStamp(s.StartedAt), s.StartedBy)
		if s.FinishedAt != "" {
			fmt.Fprintf(a.stdout, ", finished %s by %s", finishedStamp(s), s.FinishedBy)
		}
		fmt.Fprintf(a.stdout, "\nexpected %d, found %d, missing %d, unexpected %d, unknown %d, duplicate scans %d", s.Expected, s.Found, s.Missing, s.Unexpected, s.Unknown, s.Duplicates)
		awayTitle := "NOT FOUND, NOT MISSING (left while it was open, or a missing mark refused)"
		switch {
		case s.Away > 0 && s.Status == "open":
			fmt.Fprintf(a.stdout, ", left since the count began or inside an asset found %d", s.Away)
			awayTitle = "NOT FOUND, NOT MISSING (left since the count began, or installed in an asset found: found at the finish)"
		case s.Away > 0:
			fmt.Fprintf(a.stdout, ", not found and not missing %d", s.Away)
		}
		fmt.Fprintln(a.stdout)
		section := func(title string, as []store.Asset, status bool) {
			if len(as) == 0 {
				return
			}
			fmt.Fprintf(a.stdout, "\n%s (%d)\n", title, len(as))
			for _, x := range as {
				line := fmt.Sprintf("  %-14s %s %-14s %s", x.Tag, col(x.Model, 26), x.LocationCode, x.Serial)
				if status && x.Status != store.StatusInStock {
					// A disposed laptop on the shelf is the finding.
					line += "  (" + x.Status.Label() + ")"
				}
				fmt.Fprintln(a.stdout, line)
			}
		}
		section("MISSING", rep.Missing, false)
		section("UNEXPECTED (scanned here: not on the expected list, or lent since the count began)", rep.Unexpected, true)
		section(awayTitle, rep.Away, true)
		if len(rep.Unknown) > 0 {
			fmt.Fprintf(a.stdout, "\nUNKNOWN CODES (%d)\n", len(rep.Unknown))
			for _, code := range rep.Unknown {
				if why := rep.UnknownWhy[code]; why != "" {
					fmt.Fprintf(a.stdout, "  %q %s\n", code, why)
					continue
				}
				fmt.Fprintf(a.stdout, "  %q\n", code)
			}
		}
		section("FOUND", rep.Found, true) // (one marked missing since its scan says so)
		return nil
	})
}

func cmdStocktakeList(ctx context.Context, a *app, args []string) error {
	c := findCommand("stocktake list")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		all, err := db.Stocktakes(ctx, false, 200)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSONList(a.stdout, all)
		}
		// Each column as wide as what it holds: the code as the longest
		// (as location list; one made from a name runs to 24 characters),
		// the start as the longest (a time with its zone, NZDT or +0530,
		// whole). The start gives way to long codes, as location list's
		// name does, down to its date and time (the zone cut: 17 cells,
		// "2026-11-02 09:00…"), and for codes of 31 and 32 characters
		// (the register's longest) to its date (the time cut whole: 11
		// cells, "2026-11-02…"; never "09:…"), so that a row fits 80
		// columns for every code and counts of up to 8 digits. The code is
		// never cut: it is what is typed or scanned to name the place
		// (stocktake report and --json give the start whole).
		cw, sw, tw := 14, len("STATUS"), len("STARTED")
		ew, fw, mw := len("EXPECTED"), len("FOUND"), len("MISSING")
		stamps := make([]string, len(all))
		for i, s := range all {
			stamps[i] = localStamp(s.StartedAt)
			cw, sw, tw = max(cw, len(s.LocationCode)), max(sw, len(s.Status)), max(tw, ansi.StringWidth(stamps[i]))
			ew = max(ew, len(strconv.Itoa(s.Expected)))
			fw, mw = max(fw, len(strconv.Itoa(s.Found))), max(mw, len(strconv.Itoa(s.Missing)))
		}
		room := 80 - (cw + sw + ew + fw + mw + 5)
		tw = min(tw, max(17, room))
		if tw > room {
			tw = min(tw, 11)
		}
		fmt.Fprintf(a.stdout, "%-*s %-*s %-*s %*s %*s %*s\n", cw, "LOCATION", sw, "STATUS", tw, "STARTED", ew, "EXPECTED", fw, "FOUND", mw, "MISSING")
		for i, s := range all {
			fmt.Fprintf(a.stdout, "%-*s %-*s %s %*d %*d %*d\n", cw, s.LocationCode, sw, s.Status, col(stamps[i], tw), ew, s.Expected, fw, s.Found, mw, s.Missing)
		}
		return nil
	})
}

func cmdReportKPIs(ctx context.Context, a *app, args []string) error {
	c := findCommand("report kpis")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		k, err := db.KPIs(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, k)
		}
		pct := func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
		fmt.Fprintf(a.stdout, "Asset KPIs on %s\n\n", k.Date)
		fmt.Fprintf(a.stdout, "  assets (not disposed)           %d\n", k.Assets)
		acc := "no finished stocktake yet"
		switch {
		case k.StocktakeLocations > 0 && k.Expected() == 0:
			acc = fmt.Sprintf("— (nothing was expected at the %d location(s) counted)", k.StocktakeLocations)
		case k.StocktakeLocations > 0:
			acc = fmt.Sprintf("%s over %d location(s)", pct(k.InventoryAccuracy), k.StocktakeLocations)
		}
		fmt.Fprintf(a.stdout, "  inventory accuracy              %s\n", acc)
		owner := "— (nothing deployed)"
		if k.Deployed > 0 {
			owner = fmt.Sprintf("%s (%d of %d)", pct(k.OwnerShare), k.DeployedWithOwner, k.Deployed)
		}
		fmt.Fprintf(a.stdout, "  deployed with an owner          %s\n", owner)
		fmt.Fprintf(a.stdout, "  overdue returns                 %d\n", k.OverdueReturns)
		fmt.Fprintf(a.stdout, "  warranties ending in 90 days    %d\n", k.WarrantyEnding90)
		fmt.Fprintf(a.stdout, "  end of life in 90 days          %d\n", k.EOL90)
		// (By each asset's next audit: a count's, an import's or an
		// edit's last audit plus the interval then, or never audited.)
		fmt.Fprintf(a.stdout, "  audit due (or never audited)    %d\n", k.NotAudited)
		fmt.Fprintf(a.stdout, "  events waiting to sync          %d\n", k.PendingSyncEvents)
		var byStatus []store.Count
		for _, s := range store.Statuses {
			byStatus = append(byStatus, store.Count{Key: s.Label(), Count: k.ByStatus[string(s)]})
		}
		bars(a.stdout, "By status", byStatus)
		bars(a.stdout, "By site", k.BySite)
		bars(a.stdout, "By cost centre (top 20)", k.ByCostCentre)
		return nil
	})
}

// bars prints a small horizontal bar chart.
func bars(w io.Writer, title string, cs []store.Count) {
	if len(cs) == 0 {
		return
	}
	max, width := 0, 0
	for _, c := range cs {
		if c.Count > max {
			max = c.Count
		}
		if n := len([]rune(c.Key)); n > width {
			width = n
		}
	}
	width = min(width, 20)
	fmt.Fprintf(w, "\n%s\n", title)
	for _, c := range cs {
		n := 0
		if max > 0 {
			n = (c.Count*40 + max - 1) / max
		}
		fmt.Fprintf(w, "  %s %s %d\n", col(c.Key, width), strings.Repeat("█", n), c.Count)
	}
}

func cmdReportDuplicates(ctx context.Context, a *app, args []string) error {
	c := findCommand("report duplicates")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		shares, err := db.SharedSerials(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(a.stdout, shares)
		}
		if len(shares) == 0 {
			fmt.Fprintln(a.stdout, "No serial is on more than one asset.")
			return nil
		}
		n := 0
		for _, s := range shares {
			fmt.Fprintf(a.stdout, "Serial %s is on %d assets:\n", s.Serial, len(s.Assets))
			for _, x := range s.Assets {
				where := orDash(x.Location)
				received := "received " + localStamp(x.ReceivedAt) + " on desk " + x.Device
				if x.Site != "" {
					received += " (" + x.Site + ")"
				}
				fmt.Fprintf(a.stdout, "  %-14s %-10s %-16s %s\n      %s by %s\n", x.Tag, x.Status.Label(), fit(where, 16), fit(x.Model, 32), received, x.ReceivedBy)
				n++
			}
		}
		fmt.Fprintf(a.stdout, "\n%d serial(s) on more than one asset (%d assets): a device received twice (check the labels against the device, and retire the extra record: tagdesk retire TAG --reason duplicate), or a placeholder serial.\n", len(shares), n)
		return nil
	})
}

func cmdReportHistory(ctx context.Context, a *app, args []string) error {
	c := findCommand("report history")
	fs := a.flags(c)
	from := fs.String("from", "", "first day (YYYY-MM-DD, inclusive; days and times are UTC, as an auditor compares desks)")
	to := fs.String("to", "", "last day (YYYY-MM-DD, inclusive; UTC)")
	asJSON := fs.Bool("json", false, "JSON output: every field, hashes included")
	asCSV := fs.Bool("csv", false, "CSV output (a cell a spreadsheet would run as a formula, = + - @ first, gets a backtick before it; --json gives every value as recorded)")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	if *asJSON && *asCSV {
		return usagef("give --json or --csv, not both")
	}
	var f, t time.Time
	var err error
	if *from != "" {
		if f, err = store.Day(*from); err != nil {
			return usagef("--from: %s", store.ErrorMessage(err))
		}
	}
	if *to != "" {
		if t, err = store.Day(*to); err != nil {
			return usagef("--to: %s", store.ErrorMessage(err))
		}
		t = t.AddDate(0, 0, 1)
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		return usagef("--from is after --to")
	}
	return a.withDB(ctx, func(db *store.DB) error {
		w := bufio.NewWriterSize(a.stdout, 64<<10)
		var cw *csv.Writer
		n := 0
		switch {
		case *asCSV:
			cw = csv.NewWriter(w)
			cw.Write([]string{"device_id", "seq", "at", "operator", "site", "type", "subject", "summary", "payload", "prev_hash", "hash", "refused", "subject_label"})
		case *asJSON:
			w.WriteString("[")
		}
		err := db.EachEvent(ctx, f, t, func(e store.Event) error {
			switch {
			case *asCSV:
				return cw.Write(store.SpreadsheetRow([]string{e.DeviceID, fmt.Sprint(e.Seq), e.At.UTC().Format(time.RFC3339Nano), e.Operator, e.Site, string(e.Type), e.Subject, store.Describe(e), string(e.Payload), e.PrevHash, e.Hash, strconv.FormatBool(e.Refused), store.SubjectLabel(e)}))
			case *asJSON:
				b, err := json.Marshal(describedEvent(e))
				if err != nil {
					return err
				}
				if n > 0 {
					w.WriteString(",")
				}
				w.WriteString("\n  ")
				w.Write(b)
			default:
				fmt.Fprintf(w, "%s  %-10s %-4d %s %-22s %s %s %s\n", e.At.UTC().Format("2006-01-02 15:04:05 UTC"), e.DeviceID, e.Seq, col(orDash(e.Site), 12), e.Type, col(e.Operator, 12), col(orDash(store.SubjectLabel(e)), 14), store.Describe(e))
			}
			n++
			return nil
		})
		if err != nil {
			return err
		}
		if cw != nil {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return err
			}
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

// localStamp is a stored instant as the desk reads it: local time, to the
// minute, with its zone ("2026-11-27 23:11 GMT"); as stored if it is not one.
// A day recorded without its time (midnight UTC exactly: an imported
// check-out or disposal date) is that day wherever the desk is.
func localStamp(ts string) string {
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return ts
	}
	if strings.HasSuffix(ts, "T00:00:00Z") {
		return ts[:10]
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// finishedStamp is when a count finished, in this desk's time, with the
// count's own day when that is another: a count finished at 23:30 in New
// York on the 27th, read in Sydney, finished on the 28th there and is
// dated the 27th (its audits too).
func finishedStamp(s store.Stocktake) string {
	at := localStamp(s.FinishedAt)
	if s.FinishedOn != "" && !strings.HasPrefix(at, s.FinishedOn) {
		at += " (dated " + s.FinishedOn + " where it was counted)"
	}
	return at
}

// eventOut is an event as --json writes it: every field, hashes included,
// and what the text and CSV say of it (summary, subject_label).
type eventOut struct {
	store.Event
	Summary      string `json:"summary"`
	SubjectLabel string `json:"subject_label"`
}

func describedEvent(e store.Event) eventOut {
	return eventOut{Event: e, Summary: store.Describe(e), SubjectLabel: store.SubjectLabel(e)}
}
