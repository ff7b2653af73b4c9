package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// demoAssets is the size of the demo database --demo builds on first use.
const demoAssets = 5000

func demoCommands() []command {
	return []command{
		{name: "demo", summary: "build a realistic demo database", usage: "--assets N --out PATH [--seed S] [--force] [--json]", run: cmdDemo},
	}
}

func cmdDemo(ctx context.Context, a *app, args []string) error {
	c := findCommand("demo")
	fs := a.flags(c)
	n := fs.Int("assets", demoAssets, "how many assets (1 to 5,000,000)")
	out := fs.String("out", "", "the database file to write (required)")
	seed := fs.Int64("seed", 1, "the same seed gives the same demo")
	force := fs.Bool("force", false, "replace an existing file")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	pos, err := a.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("demo takes no arguments (got %q); use --out PATH", pos[0])
	}
	if *out == "" {
		return usagef("demo needs --out PATH")
	}
	if *n < 1 || *n > store.MaxDemoAssets {
		return usagef("demo: --assets must be between 1 and %d (got %d)", store.MaxDemoAssets, *n)
	}
	if _, err := os.Stat(*out); err == nil && !*force {
		return fmt.Errorf("%s already exists (use --force to replace it); nothing changed", *out)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("check %s: %w", *out, err)
	}
	rep, err := store.BuildDemo(ctx, *out, store.DemoOptions{Assets: *n, Seed: *seed, Progress: progressLine(a.stderr, "building demo")})
	if err != nil {
		return fmt.Errorf("build demo %s: %w; nothing changed", *out, err)
	}
	if *asJSON {
		return writeJSON(a.stdout, rep)
	}
	printDemoReport(a.stdout, rep)
	return nil
}

func printDemoReport(w io.Writer, rep store.DemoReport) {
	fmt.Fprintf(w, "demo database %s built in %.1fs\n", rep.Path, rep.Elapsed.Seconds())
	fmt.Fprintf(w, "  %d assets, %d people, %d locations, %d models, %d suppliers, %d purchase orders, %d events\n",
		rep.Assets, rep.People, rep.Locations, rep.Models, rep.Suppliers, rep.PurchaseOrders, rep.Events)
	fmt.Fprint(w, "  by status:")
	for _, s := range store.Statuses {
		fmt.Fprintf(w, " %s %d", s.Label(), rep.ByStatus[s])
		if s != store.StatusDisposed {
			fmt.Fprint(w, ",")
		}
	}
	fmt.Fprintf(w, "\n  %d overdue, %d warranties ending within 90 days\n", rep.Overdue, rep.WarrantySoon)
}

// progressLine returns a progress callback that keeps one line up to date
// on w: redrawn in place on a terminal, a new line every 10% otherwise.
func progressLine(w io.Writer, what string) func(done, total int) {
	return progressOf(w, what, "assets", 0)
}

// progressOf is progressLine counting units, silent below least.
func progressOf(w io.Writer, what, units string, least int) func(done, total int) {
	tty := isTerminal(w)
	start := time.Now()
	lastTenth := -1
	return func(done, total int) {
		if total < least {
			return
		}
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		line := fmt.Sprintf("%s: %d/%d %s (%d%%, %.0fs)", what, done, total, units, pct, time.Since(start).Seconds())
		switch {
		case tty:
			fmt.Fprintf(w, "\r%s\x1b[K", line)
			if done >= total {
				fmt.Fprintln(w)
			}
		case pct/10 != lastTenth:
			lastTenth = pct / 10
			fmt.Fprintln(w, line)
		}
	}
}

// demoDBPath is where --demo keeps its database: next to the default one.
func (a *app) demoDBPath() string {
	return filepath.Join(filepath.Dir(defaultDBPath(a.getenv)), "demo.db")
}

// demoTarget is where --demo's database is: --db's path when given (built
// there if it does not exist yet), else demo.db beside the default one.
func (a *app) demoTarget() string {
	if a.dbPath != "" {
		return a.dbPath
	}
	return a.demoDBPath()
}

// demoDB returns path, building a demo database there (with demoAssets
// assets, progress on stderr) if there is none yet.
func (a *app) demoDB(ctx context.Context, path string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("check demo database: %w", err)
	}
	fmt.Fprintf(a.stderr, "tagdesk: building a demo database at %s\n", path)
	if _, err := store.BuildDemo(ctx, path, store.DemoOptions{Assets: demoAssets, Seed: 1, Progress: progressLine(a.stderr, "building demo")}); err != nil {
		return "", fmt.Errorf("build demo database: %w", err)
	}
	return path, nil
}
