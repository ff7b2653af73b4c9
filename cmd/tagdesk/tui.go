package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
	"github.com/tagdesk/tagdesk/tui"
)

// runTUI opens the terminal UI on the database (or on the demo database
// with --demo). The operator comes from --operator or $TAGDESK_OPERATOR;
// without either the UI asks. If the first-run screen's demo offer is taken,
// the UI reopens on the demo database.
func (a *app) runTUI(ctx context.Context) error {
	in, inOK := a.stdin.(*os.File)
	out, outOK := a.stdout.(*os.File)
	if !inOK || !outOK {
		return usagef("the terminal UI needs a terminal; run 'tagdesk help' for the commands")
	}
	op := strings.TrimSpace(a.operator)
	if op == "" {
		op = strings.TrimSpace(a.getenv("TAGDESK_OPERATOR"))
	}
	if a.getenv("GOMEMLIMIT") == "" {
		// A soft limit keeps the Go heap small next to SQLite's page caches
		// (the desk runs for days on small machines).
		debug.SetMemoryLimit(48 << 20)
	}
	path := a.resolveDBPath()
	demo := a.demo
	for {
		if demo {
			// demoDB (demo.go) builds the demo database on first use: at
			// --db's path with --demo, beside the default database when the
			// first-run screen's offer is taken (--db's is open, empty).
			target := a.demoDBPath()
			if a.demo {
				target = a.demoTarget()
			}
			p, err := a.demoDB(ctx, target)
			if err != nil {
				return fmt.Errorf("demo database: %w", err)
			}
			path = p
		}
		wantsDemo, err := a.tuiSession(ctx, path, op, !demo, in, out)
		if err != nil || !wantsDemo {
			return err
		}
		demo = true
	}
}

// tuiSession runs the UI once on the database at path. The database opens
// in the UI's first command, after the first frame is on screen.
func (a *app) tuiSession(ctx context.Context, path, op string, offerDemo bool, in, out *os.File) (bool, error) {
	openAs := op
	if openAs == "" {
		openAs = "tagdesk"
	}
	// The UI's own context: cancelled when it ends, so that a print run
	// under way stops and records what it printed before the database
	// closes (Drain).
	uctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The program, once made: the store's notice of a long opening (the
	// search index rebuilt after an upgrade) goes to the screen, which
	// shows only "opening…" until the desk opens. (Set before Run, whose
	// first command opens the store.)
	var prog *tea.Program
	notice := func(s string) {
		if prog != nil {
			prog.Send(tui.OpeningMsg{Text: s})
		}
	}
	m := tui.New(uctx, nil, tui.Options{
		Operator:  op,
		NoColor:   a.getenv("NO_COLOR") != "",
		OfferDemo: offerDemo,
		Open: func(ctx context.Context) (tui.Store, error) {
			db, err := store.Open(ctx, path, store.Options{Operator: openAs, Session: true, Notice: notice})
			if err != nil {
				return nil, fmt.Errorf("open %s: %w", path, err)
			}
			// (As the commands refuse it: a change made in a server's
			// database reaches no desk.)
			if epoch, err := db.ServerEpoch(ctx); err != nil || epoch != "" {
				db.Close()
				if err == nil {
					err = fmt.Errorf("%s is a sync server's database (tagdesk serve): open a desk's", path)
				}
				return nil, err
			}
			return db, nil
		},
		Printing: func(ctx context.Context, db tui.Store) (tui.Printer, error) {
			return newTUIPrinter(db, a.getenv)
		},
		Syncing: newTUISyncer,
	})
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	prog = p
	_, err := p.Run()
	cancel()
	if !m.Drain(30 * time.Second) {
		fmt.Fprintln(a.stderr, "tagdesk: a print run did not stop within 30 s: `tagdesk queue list` shows what it printed")
	}
	var cerr error
	if db, ok := m.Store().(*store.DB); ok && db != nil {
		cerr = db.Close()
	}
	if errors.Is(err, tea.ErrProgramPanic) {
		// Bubble Tea wraps a caught panic in ErrProgramKilled too: a crash
		// is a failure, not a quit.
		return false, fmt.Errorf("terminal UI: %w", err)
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, context.Canceled) {
		return false, fmt.Errorf("terminal UI: %w", err)
	}
	if err := m.Err(); err != nil {
		return false, err
	}
	if cerr != nil {
		return false, fmt.Errorf("close database: %w", cerr)
	}
	return m.WantsDemo(), nil
}
