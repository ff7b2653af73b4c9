package main

import (
	"context"
	"fmt"

	"github.com/tagdesk/tagdesk/labels"
	"github.com/tagdesk/tagdesk/store"
	syncpkg "github.com/tagdesk/tagdesk/sync"
	"github.com/tagdesk/tagdesk/tui"
)

// tuiPrinter is the terminal UI's label printer: the CLI's print spooler
// over the store's queue.
type tuiPrinter struct{ sp *spooler }

var _ tui.Printer = tuiPrinter{}

// newTUIPrinter returns the Labels screen's printer over db.
func newTUIPrinter(db tui.Store, getenv func(string) string) (tui.Printer, error) {
	sdb, ok := db.(*store.DB)
	if !ok {
		return nil, fmt.Errorf("printing needs the tagdesk database")
	}
	sp, err := newSpooler(sdb, getenv)
	if err != nil {
		return nil, err
	}
	return tuiPrinter{sp: sp}, nil
}

// Templates lists the built-in and user templates (a user template of the
// same name replaces the built-in one) and the desk's default.
func (p tuiPrinter) Templates(ctx context.Context) ([]tui.TemplateInfo, string, error) {
	var out []tui.TemplateInfo
	seen := map[string]bool{}
	add := func(t labels.Template) {
		if seen[t.Name] {
			return
		}
		seen[t.Name] = true
		out = append(out, tui.TemplateInfo{Name: t.Name, Description: t.Description, WidthMM: t.WidthMM(), HeightMM: t.HeightMM()})
	}
	for _, t := range p.sp.user {
		add(t)
	}
	for _, t := range labels.Builtin() {
		add(t)
	}
	def, err := p.sp.template(ctx, "")
	if err != nil {
		// An unknown default template still lists the others to pick from.
		cur, serr := p.sp.db.Setting(ctx, store.SettingTemplate)
		if serr != nil {
			return nil, "", serr
		}
		return out, cur, nil
	}
	return out, def.Name, nil
}

// Preview draws the asset's label as the spooler would print it.
func (p tuiPrinter) Preview(ctx context.Context, tag, template string, width int) (string, error) {
	a, err := p.sp.db.Asset(ctx, tag)
	if err != nil {
		return "", err
	}
	t, err := p.sp.template(ctx, template)
	if err != nil {
		return "", err
	}
	l, err := p.sp.label(ctx, a)
	if err != nil {
		return "", err
	}
	return labels.Preview(t, l, width)
}

// RunQueue prints every queued job once with the desk's printer setting.
func (p tuiPrinter) RunQueue(ctx context.Context, progress func(done, total int)) (tui.PrintRun, error) {
	r, err := p.sp.run(ctx, "", progress)
	return tui.PrintRun{Printed: r.Printed, Waiting: r.Waiting, Failed: r.Failed, Errors: r.Errors}, err
}

// tuiSyncer is background sync for the terminal UI. It follows the desk's
// server and token as they are when it syncs: changed from the command
// line while the UI runs (`tagdesk sync --server ...`), they are used at
// the next sync, not at the next start.
type tuiSyncer struct {
	db *store.DB
	cl *syncpkg.Client // the client for the server and token it was made for; only Sync uses it, one at a time
}

// newTUISyncer returns the sync client of an enrolled desk, or nil when the
// desk has no server and token yet.
func newTUISyncer(ctx context.Context, db tui.Store) (tui.Syncer, error) {
	sdb, ok := db.(*store.DB)
	if !ok {
		return nil, nil
	}
	st, err := sdb.SyncState(ctx)
	if err != nil {
		return nil, err
	}
	if st.Server == "" || st.Token == "" {
		return nil, nil
	}
	cl, err := syncpkg.NewClient(ctx, sdb)
	if err != nil {
		return nil, err
	}
	return &tuiSyncer{db: sdb, cl: cl}, nil
}

// Sync runs one push and pull and says what it did.
func (s *tuiSyncer) Sync(ctx context.Context) (string, error) {
	st, err := s.db.SyncState(ctx)
	if err != nil {
		return "", err
	}
	if st.Server != s.cl.Server || st.Token != s.cl.Token {
		cl, err := syncpkg.NewClient(ctx, s.db)
		if err != nil {
			return "", err
		}
		s.cl = cl
	}
	rep, err := s.cl.Sync(ctx, nil)
	if err != nil {
		return "", err
	}
	said := fmt.Sprintf("pushed %d (%d applied, %d refused), pulled %d", rep.Pushed, rep.Applied, rep.Refused, rep.Pulled)
	if rep.LeaseRefused != "" {
		// (Else the clerk learns it only as "sync to lease more" at a
		// receipt.)
		said += "; no tag numbers leased: " + oneLine(rep.LeaseRefused)
	}
	return said, nil
}
