package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tagdesk/tagdesk/store"
	syncpkg "github.com/tagdesk/tagdesk/sync"
)

func adminCommands() []command {
	return []command{
		{name: "verify", summary: "check the hash chains and that current state equals the events", usage: "[--json] [--anchor DEVICE:SEQ:HASH,...] [--server]", run: cmdVerify},
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
	server := fs.Bool("server", false, "also compare what the desk records of the sync server's answers (which change was refused, in which order) with the server's own log")
	if err := a.parseNone(c, fs, args); err != nil {
		return err
	}
	return a.withDB(ctx, func(db *store.DB) error {
		if *server {
			// The server's log is what a desk's record is compared with:
			// on the server's own database the plain verify checks it
			// (said before that verify, which takes minutes there).
			if epoch, err := db.ServerEpoch(ctx); err != nil {
				return err
			} else if epoch != "" {
				return fmt.Errorf("this is a sync server's database (tagdesk serve): --server compares a desk's record with its server's log, which this is; here run tagdesk verify without --server, and tagdesk verify --server on each desk")
			}
		}
		rep, err := db.Verify(ctx, "")
		if err != nil {
			return err
		}
		if *server {
			// A server that cannot be asked is a problem of this check,
			// printed with the desk's own findings, never instead of them.
			sr, err := a.checkServer(ctx, db)
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				rep.Problems = append(rep.Problems, "server: not compared: "+store.ErrorMessage(err))
				rep.OK = false
			} else {
				rep.Server = &sr
			}
			for _, p := range sr.Problems {
				rep.Problems = append(rep.Problems, "server: "+p)
			}
			if sr.More > 0 {
				rep.Problems = append(rep.Problems, fmt.Sprintf("server: ... and %d more difference(s) from the server", sr.More))
			}
			rep.OK = rep.OK && len(sr.Problems) == 0
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
				fmt.Fprintf(a.stdout, "  %-18s %8d rows, rebuilt from events %8d: %s\n", t.Table, t.Rows, t.Rebuilt, mark)
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
			if sr := rep.Server; sr != nil && !rep.OK {
				fmt.Fprintf(a.stdout, "server %s: %d change(s) compared%s\n", sr.Server, sr.Compared, serverCheckExtra(*sr))
			}
			for _, n := range rep.Notes {
				fmt.Fprintf(a.stdout, "NOTE: %s\n", n)
			}
		}
		if !rep.OK {
			return fmt.Errorf("verify found %d problem(s)", len(rep.Problems))
		}
		if !*asJSON {
			fmt.Fprintln(a.stdout, "OK: hash chains intact, state equals events")
			if held {
				fmt.Fprintln(a.stdout, "OK: the log still passes through the anchor(s) given")
			}
			if sr := rep.Server; sr != nil {
				fmt.Fprintf(a.stdout, "OK: the server at %s agrees: %d change(s) compared%s\n", sr.Server, sr.Compared, serverCheckExtra(*sr))
			}
		}
		return nil
	})
}

// checkServer compares the desk's record of its sync server's log with the
// server's, with a progress line on stderr now and then.
func (a *app) checkServer(ctx context.Context, db *store.DB) (store.ServerCheckReport, error) {
	cl, err := syncpkg.NewClient(ctx, db)
	if err != nil {
		return store.ServerCheckReport{}, err
	}
	fmt.Fprintf(a.stderr, "comparing with the server at %s\n", cl.Server)
	var shown int64
	return cl.CheckServer(ctx, func(done, head int64) {
		if done-shown >= 100_000 {
			shown = done
			fmt.Fprintf(a.stderr, "compared %d of %d\n", done, head)
		}
	})
}

// serverCheckExtra says what a comparison with the server left aside.
func serverCheckExtra(r store.ServerCheckReport) string {
	var parts []string
	if r.NotPulled > 0 {
		parts = append(parts, fmt.Sprintf("%d of other desks not pulled yet", r.NotPulled))
	}
	if r.Unrecord > 0 {
		parts = append(parts, fmt.Sprintf("%d of this desk's answered and not yet recorded (the next sync records them)", r.Unrecord))
	}
	if r.BeforeRestore > 0 {
		parts = append(parts, fmt.Sprintf("%d of other desks pulled before the server was restored, which it lacks until their desks sync", r.BeforeRestore))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
