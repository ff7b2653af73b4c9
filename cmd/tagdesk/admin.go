package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tagdesk/tagdesk/store"
)

func adminCommands() []command {
	return []command{
		{name: "verify", summary: "check the hash chains and that current state equals the events", usage: "[--json] [--anchor DEVICE:SEQ:HASH,...]", run: cmdVerify},
		{name: "version", summary: "print the version", usage: "", run: func(ctx context.Context, a *app, args []string) error {
			c := findCommand("version")
			if err := a.parseNone(c, a.flags(c), args); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "tagdesk %s\n", version)
			return nil
		}},
	}
}

func cmdVerify(ctx context.Context, a *app, args []string) error {
	c := findCommand("verify")
	fs := a.flags(c)
	asJSON := fs.Bool("json", false, "JSON output")
	anchors := fs.String("anchor", "", "DEVICE:SEQ:HASH[,...]: heads an earlier verify printed (kept away from the desk); the log must still pass through them")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		rep, err := db.Verify(ctx, "")
		if err != nil {
			return err
		}
		held := false
		if *anchors != "" {
			list := strings.Split(*anchors, ",")
			probs, err := db.CheckAnchors(ctx, list)
			if err != nil {
				return usagef("verify --anchor: %s", store.ErrorMessage(err))
			}
			held = len(probs) == 0
			rep.Problems = append(rep.Problems, probs...)
			rep.OK = rep.OK && len(probs) == 0
		}
		if *asJSON {
			if err := writeJSON(a.stdout, rep); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(a.stdout, "events: %d on %d device(s)\n", rep.Events, len(rep.Devices))
			for _, d := range rep.Devices {
				fmt.Fprintf(a.stdout, "  device %s: %d events, chain head %s\n", d.DeviceID, d.Events, d.Head)
			}
			for _, t := range rep.Tables {
				mark := "ok"
				if !t.Equal {
					mark = "DIFFERS"
				}
				fmt.Fprintf(a.stdout, "  %-16s %8d rows, rebuilt from events %8d: %s\n", t.Table, t.Rows, t.Rebuilt, mark)
			}
			fmt.Fprintf(a.stdout, "hash: %s\n", rep.HashScheme)
			if len(rep.Devices) > 0 && rep.OK {
				var an []string
				for _, d := range rep.Devices {
					an = append(an, d.Anchor())
				}
				fmt.Fprintf(a.stdout, "anchor (keep it away from the desk; a later check: tagdesk verify --anchor ...): %s\n", strings.Join(an, ","))
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(a.stdout, "PROBLEM: %s\n", p)
			}
			for _, n := range rep.Notes {
				fmt.Fprintf(a.stdout, "NOTE: %s\n", n)
			}
		}
		if !rep.OK {
			return fmt.Errorf("verify found %d problem(s)", len(rep.Problems))
		}
		if !*asJSON {
			if len(rep.Notes) > 0 {
				fmt.Fprintln(a.stdout, "OK: hash chains intact; the state was not compared (see the note)")
			} else {
				fmt.Fprintln(a.stdout, "OK: hash chains intact, state equals events")
			}
			if held {
				fmt.Fprintln(a.stdout, "OK: the log still passes through the anchor(s) given")
			}
		}
		return nil
	})
}
