package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

type syncKeys struct {
	Accept, Redo, SyncNow key.Binding
}

func newSyncKeys() syncKeys {
	return syncKeys{
		Accept:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept server's")),
		Redo:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "redo mine")),
		SyncNow: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sync now")),
	}
}

// syncScreen shows the sync state the root keeps (server, online, last
// success, pending, the watchdog) and the refused changes, each resolved by
// accepting the server's state or redoing the action.
type syncScreen struct {
	base
	keys   syncKeys
	cursor int
	top    int
	msg    string
	msgBad bool
	busy   bool
	// confirming is the refusal a asked to accept the server's state for
	// (0: none), which drops the desk's change for good; y does it, to
	// that refusal only.
	confirming int64
}

type syncResolvedMsg struct {
	to
	id     int64
	how    string
	events int
	note   string // store.RelabelNote
	err    error
}

func newSyncScreen(c *common) *syncScreen {
	return &syncScreen{base: newBase(c), keys: newSyncKeys()}
}

func (s *syncScreen) Title() string   { return "Sync" }
func (s *syncScreen) Capturing() bool { return false }

func (s *syncScreen) Init() tea.Cmd { return refreshStatus }

// Refresh rereads the status when the screen comes back to the top.
func (s *syncScreen) Refresh() tea.Cmd {
	s.confirming = 0
	return refreshStatus
}

func (s *syncScreen) servicesChanged() tea.Cmd { return nil }

func refreshStatus() tea.Msg { return statusRefreshMsg{} }

func syncNow() tea.Msg { return syncNowMsg{} }

func (s *syncScreen) refusals() []store.Refusal {
	if s.c.svc == nil {
		return nil
	}
	return s.c.svc.status.Refusals
}

func (s *syncScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanMsg: // a scan opens what it names, as on Home
		if id := s.confirming; id != 0 {
			// A question is open: a scan neither answers it nor leaves
			// it hidden behind the scan's result, for a key to answer.
			s.msg, s.msgBad = fmt.Sprintf("%s: not opened: answer the question on refusal %d first (y accepts the server's state, n keeps it)", clipCode(msg.code), id), true
			return bell()
		}
		s.msg, s.msgBad = "looking up "+msg.code+"…", false
		return s.c.resolveScan(s.id, msg.code)
	case scanResolvedMsg:
		if msg.err != nil {
			s.msg, s.msgBad = errText(msg.err), true
			return bell()
		}
		s.msg = ""
		return openResolution(msg.res)
	case syncResolvedMsg:
		s.busy = false
		if msg.err != nil {
			s.msg, s.msgBad = errText(msg.err), true
			return tea.Batch(bell(), refreshStatus)
		}
		verb := "accepted the server's state for"
		if msg.how == store.ResolveRedo {
			verb = fmt.Sprintf("redid (%d new event(s))", msg.events)
		}
		s.msg, s.msgBad = fmt.Sprintf("%s refusal %d", verb, msg.id), false
		if msg.note != "" {
			s.msg = fmt.Sprintf("%s: %s", s.msg, msg.note)
		}
		return refreshStatus
	case tea.KeyPressMsg:
		k := s.c.keys
		if id := s.confirming; id != 0 {
			s.confirming = 0
			switch msg.String() {
			case "y": // (y only: a scanner's late Enter must not accept)
				rs := s.refusals()
				i := slices.IndexFunc(rs, func(r store.Refusal) bool { return r.ID == id })
				if i < 0 {
					s.msg, s.msgBad = fmt.Sprintf("refusal %d is no longer waiting (resolved elsewhere?): nothing done", id), false
					return nil
				}
				s.cursor = i
				return s.resolve(store.ResolveAccept)
			}
			s.msg, s.msgBad = "kept: nothing changed (r redoes your change, a accepts the server's state)", false
			return nil
		}
		switch {
		case key.Matches(msg, k.Back):
			return back
		case key.Matches(msg, k.Up):
			s.cursor--
		case key.Matches(msg, k.Down):
			s.cursor++
		case key.Matches(msg, k.Refresh):
			return refreshStatus
		case key.Matches(msg, s.keys.SyncNow):
			svc := s.c.svc
			switch {
			case svc == nil:
				s.msg, s.msgBad = notEnrolled, true
				return bell()
			case svc.syncer == nil:
				// Enrolled since the UI started? The root looks again.
				s.msg, s.msgBad = "", false
				return syncNow
			case svc.syncing:
				s.msg, s.msgBad = "a sync is already running", false
				return nil
			}
			s.msg, s.msgBad = "", false
			return syncNow
		case key.Matches(msg, s.keys.Accept):
			rs := s.refusals()
			if len(rs) == 0 || s.busy {
				return s.resolve(store.ResolveAccept) // says there is nothing to resolve
			}
			r := rs[min(max(0, s.cursor), len(rs)-1)]
			s.confirming = r.ID
			s.msg, s.msgBad = fmt.Sprintf("accept the server's state for refusal %d? Your change is then never done (it stays in the history as refused). y accept · n keep it", r.ID), false
			return nil
		case key.Matches(msg, s.keys.Redo):
			return s.resolve(store.ResolveRedo)
		}
	}
	return nil
}

// navKey: Sync's letters other than its actions (a, r, s) and the
// answer to its question only scroll or do nothing.
func (s *syncScreen) navKey(k tea.KeyPressMsg) navKind {
	if s.confirming != 0 || key.Matches(k, s.keys.Accept) || key.Matches(k, s.keys.Redo) || key.Matches(k, s.keys.SyncNow) {
		return navNo
	}
	return navHere
}

func (s *syncScreen) undoNav() {}

func (s *syncScreen) resolve(how string) tea.Cmd {
	rs := s.refusals()
	svc := s.c.svc
	if len(rs) == 0 || svc == nil || svc.state == nil {
		s.msg, s.msgBad = "no refused changes to resolve", false
		return nil
	}
	if s.busy {
		return nil
	}
	s.cursor = min(max(0, s.cursor), len(rs)-1)
	r, st, id := rs[s.cursor], svc.state, s.id
	s.busy = true
	return s.c.do(func(ctx context.Context) tea.Msg {
		evs, err := st.ResolveRefusal(ctx, r.ID, how)
		return syncResolvedMsg{to: to{id}, id: r.ID, how: how, events: len(evs), note: store.RelabelNote(r, evs), err: err}
	})
}

func (s *syncScreen) View() string {
	st := s.c.styles
	w := s.width
	svc := s.c.svc
	if svc == nil || svc.state == nil {
		return st.Dim.Render("This store keeps no sync state.")
	}
	if !svc.statusOK {
		if svc.statusErr != "" {
			return st.Err.Render(truncate(svc.statusErr, w))
		}
		return st.Dim.Render("  reading the sync state…")
	}
	ss := svc.status
	var lines []string
	field := func(name, value string) {
		lines = append(lines, truncate(fmt.Sprintf("  %-14s %s", name, value), w))
	}
	server := ss.Server
	if server == "" {
		server = "none: run tagdesk sync --server URL --token T"
	}
	field("Server", server)
	if ss.DeviceID != "" {
		field("Device", ss.DeviceID)
	}
	online := "offline"
	switch {
	case svc.syncing:
		online = "syncing…"
	case !ss.Configured:
		online = "not enrolled"
	case ss.Online:
		online = "online"
	case ss.Failed:
		online = "last sync failed (see Last error)"
	}
	if svc.syncer == nil && ss.Configured {
		online += " (background sync off)"
	}
	field("State", online)
	field("Last success", s.c.when(ss.LastSuccess))
	if !ss.LastAttempt.IsZero() && ss.LastAttempt.Sub(ss.LastSuccess) > time.Second {
		field("Last attempt", s.c.when(ss.LastAttempt))
	}
	// An error wraps under its label: its end says why (which server,
	// "nothing answers there") and what to do, at length for a desk
	// copied to another (start a fresh database: seven lines at 80x24).
	// At most half the screen, less the lines around it.
	errLines := func(label, text string) {
		const indent = 17
		parts := []string{oneLine(text)}
		if w-indent >= 20 {
			parts = wrapWords(parts[0], w-indent)
		}
		if most := max(3, s.height/2-3); len(parts) > most {
			parts = append(parts[:most-1], truncate(strings.Join(parts[most-1:], " "), w-indent))
		}
		for i, p := range parts {
			head := strings.Repeat(" ", indent)
			if i == 0 {
				head = fmt.Sprintf("  %-15s", label)
			}
			lines = append(lines, st.Err.Render(truncate(head+p, w)))
		}
	}
	if ss.LastError != "" {
		errLines("Last error", ss.LastError)
	}
	pending := commas(ss.Pending) + " event(s)"
	if !ss.OldestPending.IsZero() {
		pending += ", oldest " + ago(s.c.clock.Now(), ss.OldestPending)
	}
	field("Pending", pending)
	if ss.Watchdog != "" {
		field("Watchdog", ss.Watchdog)
	}
	if svc.lastSync != "" || svc.syncErr != "" {
		if svc.syncErr != "" && svc.syncErr == oneLine(ss.LastError) {
			// (The sync records its error: said once, above.)
			field("This session", "sync failed (the Last error)")
		} else if svc.syncErr != "" {
			errLines("This session", "sync failed: "+svc.syncErr)
		} else {
			field("This session", svc.lastSync)
		}
	}
	if svc.svcErr != "" {
		lines = append(lines, st.Err.Render(truncate("  "+svc.svcErr, w)))
	}
	lines = append(lines, "")
	if len(ss.Problems) > 0 {
		lines = append(lines, st.Section.Render("Problems"))
		for _, p := range ss.Problems {
			style := st.Warn
			if ss.Stalled && strings.Contains(p, "waiting to sync") {
				style = st.Err
			}
			lines = append(lines, hanging(style, "  ! ", p, w)...)
		}
		lines = append(lines, "")
	}
	rs := ss.Refusals
	lines = append(lines, st.Section.Render(fmt.Sprintf("Needs attention: %d refused change(s)", len(rs))))
	if len(rs) == 0 {
		lines = append(lines, st.OK.Render("  nothing refused"))
	}
	s.cursor = min(max(0, s.cursor), max(0, len(rs)-1))
	// Each refusal takes three lines; show the ones that fit around the cursor.
	room := max(1, (s.height-len(lines)-1)/3)
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+room {
		s.top = s.cursor - room + 1
	}
	s.top = max(0, min(s.top, len(rs)-room))
	for i := s.top; i < len(rs) && i < s.top+room; i++ {
		r := rs[i]
		lead := fmt.Sprintf("  %-4d ", r.ID)
		detail := "won by: nothing recorded"
		if ws := r.Winner.String(); ws != "" {
			detail = "won by: " + ws
		}
		if i == s.cursor {
			// The one chosen, whole: what was refused (a check-in's
			// condition ends its line), what won, by whom, where and when
			// is what a and r are decided on (cut at 80 columns, the
			// condition and when were lost).
			lines = append(lines, hanging(st.Selected, lead, oneLine(r.Summary), w)...)
			lines = append(lines, hanging(lipgloss.NewStyle(), "       refused: ", oneLine(r.Reason), w)...)
			lines = append(lines, hanging(st.Dim, "       ", detail, w)...)
			continue
		}
		head := st.Warn.Render(truncate(lead+oneLine(r.Summary), w))
		lines = append(lines, head, truncate("       refused: "+oneLine(r.Reason), w), st.Dim.Render(truncate("       "+detail, w)))
	}
	// A message that says what to do next (relabel an asset) wraps, up to
	// three lines, above the rest's last lines.
	// So does a refusal (a redo's says why and what to do: accept).
	var msg []string
	if s.msg != "" {
		style, lead, text := st.OK, "", s.msg
		if s.msgBad {
			style, lead, text = st.Err, "✗ ", oneLine(s.msg)
		}
		pad := strings.Repeat(" ", ansi.StringWidth(lead))
		parts := wrapWords(text, max(8, w-len(pad)))
		if len(parts) > 3 {
			parts = append(parts[:2], truncate(strings.Join(parts[2:], " "), max(8, w-len(pad))))
		}
		for i, p := range parts {
			if i == 0 {
				msg = append(msg, style.Render(lead+p))
			} else {
				msg = append(msg, style.Render(pad+p))
			}
		}
	}
	out := strings.Join(fit(strings.Join(lines, "\n"), w, max(1, s.height-max(1, len(msg)))), "\n")
	switch {
	case s.msg != "":
		out += "\n" + strings.Join(msg, "\n")
	case len(rs) > 0:
		out += "\n" + st.Dim.Render(truncate("a keeps the server's state, r does your change again on top of it.", w))
	}
	return out
}

func (s *syncScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{s.keys.SyncNow, s.keys.Accept, s.keys.Redo, k.Refresh, k.Back, k.Help}
}

func (s *syncScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{s.keys.SyncNow, k.Refresh}, {s.keys.Accept, s.keys.Redo}, {k.Up, k.Down}, {k.Back, k.Help}}
}
