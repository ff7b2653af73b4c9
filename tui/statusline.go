package tui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// SyncStore is the desk's local sync state; *store.DB satisfies it. The
// status line reads Status every few seconds, so it must be cheap.
type SyncStore interface {
	Status(ctx context.Context) (store.SyncStatus, error)
	ResolveRefusal(ctx context.Context, id int64, how string) ([]store.Event, error)
}

var _ SyncStore = (*store.DB)(nil)

// Syncer runs one sync with the central server and says in one line what it
// did. The command line wraps sync.Client in one.
type Syncer interface {
	Sync(ctx context.Context) (summary string, err error)
}

// Defaults for the background work of the root model.
const (
	defaultStatusEvery = 5 * time.Second
	defaultSyncEvery   = 60 * time.Second
	defaultSyncTimeout = 2 * time.Minute
)

// services is the root's background state that every screen may read: the
// latest sync status, the sync client and the label printer.
type services struct {
	state   SyncStore // nil: the store keeps no sync state
	syncer  Syncer    // nil: not enrolled
	printer Printer   // nil: no printing

	status    store.SyncStatus
	statusOK  bool   // status has been read at least once
	statusErr string // why the last read failed
	statusAt  time.Time

	syncing  bool      // one sync at a time
	looking  bool      // the sync client is being built again (not enrolled at start)
	lastSync string    // what the last sync in this session did
	syncErr  string    // why the last sync in this session failed
	syncedAt time.Time // when it ended
	svcErr   string    // why printing or syncing could not start
	printErr string    // why printing could not start (a broken labels.toml: its file and line)

	// printing is set while a print run is going, by the run's command
	// itself: a run outlives the Labels screen that started it, and two
	// runs at once could print a job twice.
	printing atomic.Bool
}

// logWatcher is a screen whose figures follow the register: read again
// when the desk's pending changes move while it is open.
type logWatcher interface{ logChanged() tea.Cmd }

// servicesWatcher is a screen that shows the services' state and reloads
// when the printer or a sync run changes it.
type servicesWatcher interface{ servicesChanged() tea.Cmd }

// Messages of the background work; all go to the root.
type (
	statusTickMsg struct{}
	syncTickMsg   struct{}
	statusMsg     struct {
		st  store.SyncStatus
		err error
	}
	servicesMsg struct {
		syncer   Syncer
		printer  Printer
		printErr error // why there is no printer (also in err)
		err      error
	}
	// syncNowMsg asks the root to sync at once (the Sync screen's s key).
	syncNowMsg struct{}
	// syncerMsg carries a sync client built again on a sync asked for by
	// hand: the desk may have been enrolled (tagdesk sync --server) since
	// the terminal UI started.
	syncerMsg struct {
		syncer Syncer
		err    error
	}
	syncDoneMsg struct {
		summary string
		err     error
		byHand  bool // asked for (s on the Sync screen), not the timer's
	}
	// statusRefreshMsg asks the root to read the status again now.
	statusRefreshMsg struct{}
)

func (m *Model) statusEvery() time.Duration {
	if m.opt.StatusEvery > 0 {
		return m.opt.StatusEvery
	}
	return defaultStatusEvery
}

func (m *Model) syncEvery() time.Duration {
	if m.opt.SyncEvery > 0 {
		return m.opt.SyncEvery
	}
	return defaultSyncEvery
}

// startServices runs once the store is open: it builds the printer and the
// sync client in a command and starts the status line's refresh.
func (m *Model) startServices() tea.Cmd {
	if m.c.db == nil || m.c.svc != nil {
		return nil
	}
	svc := &services{state: m.opt.SyncState}
	if svc.state == nil {
		if s, ok := m.c.db.(SyncStore); ok {
			svc.state = s
		}
	}
	m.c.svc = svc
	db, opt := m.c.db, m.opt
	build := m.c.do(func(ctx context.Context) tea.Msg {
		var msg servicesMsg
		var errs []string
		if opt.Printing != nil {
			p, err := opt.Printing(ctx, db)
			if err != nil {
				errs = append(errs, "printing: "+oneLine(err.Error()))
			}
			msg.printer, msg.printErr = p, err
		}
		if opt.Syncing != nil {
			s, err := opt.Syncing(ctx, db)
			if err != nil {
				errs = append(errs, "sync: "+oneLine(err.Error()))
			}
			msg.syncer = s
		}
		if len(errs) > 0 {
			msg.err = fmt.Errorf("%s", strings.Join(errs, "; "))
		}
		return msg
	})
	return tea.Batch(build, m.readStatus())
}

// readStatus reads the sync status in a command.
func (m *Model) readStatus() tea.Cmd {
	svc := m.c.svc
	if svc == nil || svc.state == nil {
		return nil
	}
	st := svc.state
	return m.c.do(func(ctx context.Context) tea.Msg {
		s, err := st.Status(ctx)
		return statusMsg{st: s, err: err}
	})
}

// startSync runs the sync client in a command with a timeout, unless one is
// already running.
func (m *Model) startSync() tea.Cmd { return m.startSyncBy(false) }

// startSyncBy starts a sync; byHand: the operator asked for it, and a
// failure rings (the timer's, on a desk offline as it often is, only shows).
func (m *Model) startSyncBy(byHand bool) tea.Cmd {
	svc := m.c.svc
	if svc == nil || svc.syncer == nil || svc.syncing {
		return nil
	}
	svc.syncing = true
	timeout := m.opt.SyncTimeout
	if timeout <= 0 {
		timeout = defaultSyncTimeout
	}
	s, parent := svc.syncer, m.c.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		sum, err := s.Sync(ctx)
		return syncDoneMsg{summary: sum, err: err, byHand: byHand}
	}
}

// updateServices handles the background messages; ok reports whether msg
// was one of them.
func (m *Model) updateServices(msg tea.Msg) (tea.Cmd, bool) {
	svc := m.c.svc
	switch msg := msg.(type) {
	case servicesMsg:
		if svc == nil {
			return nil, true
		}
		started := svc.syncer != nil // built already by a sync asked for (syncerMsg), its timer running
		svc.printer = msg.printer
		if !started {
			svc.syncer = msg.syncer
		}
		svc.svcErr = errText(msg.err)
		svc.printErr = "" // (the file's own words: no store error, no "internal error")
		if msg.printErr != nil {
			svc.printErr = oneLine(msg.printErr.Error())
		}
		cmds := []tea.Cmd{m.c.clock.After(m.statusEvery(), statusTickMsg{})}
		if svc.syncer != nil && !started {
			cmds = append(cmds, m.startSync(), m.c.clock.After(m.syncEvery(), syncTickMsg{}))
		}
		if r, ok := m.active().(servicesWatcher); ok {
			cmds = append(cmds, r.servicesChanged())
		}
		return tea.Batch(cmds...), true
	case statusTickMsg:
		return tea.Batch(m.readStatus(), m.c.clock.After(m.statusEvery(), statusTickMsg{})), true
	case statusRefreshMsg:
		return m.readStatus(), true
	case statusMsg:
		if svc == nil {
			return nil, true
		}
		svc.statusAt = m.c.clock.Now()
		if msg.err != nil {
			svc.statusErr = errText(msg.err)
			return nil, true
		}
		// A change the server refused since the last reading rings: it
		// needs the operator (resolve it on the Sync screen).
		var cmd tea.Cmd
		if svc.statusOK {
			seen := map[int64]bool{}
			for _, r := range svc.status.Refusals {
				seen[r.ID] = true
			}
			for _, r := range msg.st.Refusals {
				if !seen[r.ID] {
					cmd = bell()
				}
			}
		}
		changed := svc.statusOK && msg.st.Pending != svc.status.Pending
		svc.status, svc.statusOK, svc.statusErr = msg.st, true, ""
		if w, ok := m.active().(logWatcher); ok && changed {
			// The register changed under an open screen (a command line,
			// another window): its figures read again, as the header's.
			cmd = tea.Batch(cmd, w.logChanged())
		}
		return cmd, true
	case syncTickMsg:
		return tea.Batch(m.startSync(), m.c.clock.After(m.syncEvery(), syncTickMsg{})), true
	case syncNowMsg:
		if svc != nil && svc.syncer == nil {
			if m.opt.Syncing == nil {
				return m.updateServices(syncerMsg{})
			}
			if svc.looking {
				return nil, true
			}
			svc.looking = true
			db, opt := m.c.db, m.opt
			return m.c.do(func(ctx context.Context) tea.Msg {
				s, err := opt.Syncing(ctx, db)
				return syncerMsg{syncer: s, err: err}
			}), true
		}
		return m.startSyncBy(true), true
	case syncerMsg:
		if svc == nil {
			return nil, true
		}
		svc.looking = false
		var cmds []tea.Cmd
		switch {
		case msg.err != nil:
			svc.syncErr = errText(msg.err)
		case msg.syncer == nil:
			svc.syncErr = notEnrolled
			cmds = append(cmds, bell())
		case svc.syncer != nil:
			// The start-up build found it meanwhile: its timer runs.
		default:
			svc.syncer, svc.syncErr = msg.syncer, ""
			cmds = append(cmds, m.startSyncBy(true), m.c.clock.After(m.syncEvery(), syncTickMsg{}))
		}
		if r, ok := m.active().(servicesWatcher); ok {
			cmds = append(cmds, r.servicesChanged())
		}
		return tea.Batch(cmds...), true
	case syncDoneMsg:
		if svc == nil {
			return nil, true
		}
		svc.syncing = false
		svc.syncedAt = m.c.clock.Now()
		svc.lastSync, svc.syncErr = msg.summary, ""
		if msg.err != nil {
			svc.syncErr = oneLine(msg.err.Error())
		}
		cmds := []tea.Cmd{m.readStatus()}
		if msg.err != nil && msg.byHand {
			cmds = append(cmds, bell())
		}
		if r, ok := m.active().(servicesWatcher); ok {
			cmds = append(cmds, r.servicesChanged())
		}
		return tea.Batch(cmds...), true
	}
	return nil, false
}

// notEnrolled says how to enrol a desk that is not.
const notEnrolled = "this desk is not enrolled: run tagdesk sync --server URL --token T"

// statusLine is the one line about sync shown on every screen.
func (c *common) statusLine() string {
	svc := c.svc
	if svc == nil || svc.state == nil || !svc.statusOK {
		return ""
	}
	st := svc.status
	var parts []string
	switch {
	case svc.syncing:
		parts = append(parts, "sync: syncing…")
	case st.Stalled:
		parts = append(parts, "! sync: stalled")
	case !st.Configured:
		parts = append(parts, "sync: off")
	case st.Online && !st.LastSuccess.IsZero():
		parts = append(parts, "sync: ok "+ago(c.clock.Now(), st.LastSuccess))
	case st.Online:
		parts = append(parts, "sync: online")
	case st.Failed:
		parts = append(parts, "! sync: failed") // the link may be up: the sync screen says why
	default:
		parts = append(parts, "sync: offline")
	}
	if st.Pending > 0 {
		parts = append(parts, commas(st.Pending)+" pending")
	}
	if n := len(st.Refusals); n > 0 {
		parts = append(parts, commas(n)+" refused")
	}
	return strings.Join(parts, " · ")
}

// syncProblems are the lines the Home screen's "Needs attention" shows about
// sync: the watchdog's warning and refused changes (resolve them on y).
func (c *common) syncProblems() []string {
	svc := c.svc
	if svc == nil || !svc.statusOK {
		return nil
	}
	st := svc.status
	var out []string
	if st.Stalled {
		out = append(out, fmt.Sprintf("%s change(s) not synced for too long (y)", commas(st.Pending)))
	}
	if n := len(st.Refusals); n > 0 {
		out = append(out, fmt.Sprintf("%s change(s) refused by the server (y)", commas(n)))
	}
	return out
}

// ago says how long ago t was, roughly.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// when formats a time for the Sync screen.
func (c *common) when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(c.loc).Format("2006-01-02 15:04:05") + " (" + ago(c.clock.Now(), t) + ")"
}

// The screens this file's feature adds; numbered apart from messages.go's.
const (
	scrLabels screenKind = 100 + iota
	scrSync
)
