package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// A scanner that pauses right after a code's first key.
//
// A key typed alone acts at once (after the hold window): where letters
// are keys (Home, an asset's screen in view mode, a person's, Sync) it
// fires a shortcut. A scanner that pauses right after a code's first key
// (longer than the hold window, within the pause window) fires it too, and
// the rest of the code comes to the screen it opened as a scan that
// continues it (scanMsg.joins; a part cut off by another pause came there
// first as text, its lead: scanResult.afterKey says the whole continues
// the key). Holding every lone key for the
// pause window broke typing (a review of f72ff9f), so the key is taken
// back instead, when it only opened something: the root remembers such a
// key (navKeyer), or one that only closed the help, and the screen it
// came from; if the next input is a scan
// that continues it, on what it opened, the scan waits for a lookup
// (navCheck, in a command: I/O). When the key and the scan together name
// something (an asset, a person, a place) and the scan alone names
// nothing, what the key opened is closed and the whole code acts as a scan
// where the key was pressed. Otherwise the scan goes where it came, as it
// would have. A key that wrote or answered a question is no navKeyer key:
// never taken back. Input that comes during the lookup waits for it (in
// Model.early), so that it keeps its order.

// navKind says what a key typed alone did on a screen.
type navKind int

const (
	navNo     navKind = iota // it may have changed something: never taken back
	navHere                  // nothing lasting, or opened a prompt here (undoNav closes it)
	navScreen                // opened another screen (the root closes it)
	navHelp                  // only closed the help (nothing to undo: it stays closed)
)

// navKeyer is a screen whose keys typed alone may only open something.
type navKeyer interface {
	// navKey says what k, a printable key about to be delivered, does
	// on the screen as it is now.
	navKey(k tea.KeyPressMsg) navKind
	// undoNav closes the prompt a navHere key opened.
	undoNav()
}

// navKeyed is a key typed alone that only opened something.
type navKeyed struct {
	text   string
	kind   navKind
	from   screen // where it was typed
	opened screen // with navScreen: the screen it opened, once open
	bell   bool   // its refusal's bell is held (holdBell)
}

// navCheck is a scan that came right after a navKeyed key, being looked up.
type navCheck struct {
	gen int
	key *navKeyed
	to  screen  // the screen the scan came to
	msg scanMsg // the scan as it came there
}

// navCheckMsg is the lookup's answer: whether the key and the scan name
// something together, and whether the scan alone names nothing.
type navCheckMsg struct {
	gen          int
	joined       bool
	aloneUnknown bool
}

// noteNavKey remembers k, about to be delivered to a, if it only opens
// something there.
func (m *Model) noteNavKey(a screen, k tea.KeyPressMsg) {
	n, ok := a.(navKeyer)
	if !ok || !printable(k) {
		return
	}
	if kind := n.navKey(k); kind != navNo {
		m.navKey = &navKeyed{text: k.Text, kind: kind, from: a}
	}
}

// openedBy notes s, about to be opened by n, as what the remembered key
// opened; any other navigation ends the key's claim.
func (m *Model) openedBy(n navigateMsg, s screen) {
	nk := m.navKey
	if nk == nil {
		return
	}
	if nk.kind == navScreen && nk.opened == nil && m.active() == nk.from && !n.replace && n.to != scrHome {
		nk.opened = s
		return
	}
	m.navKey = nil
}

// checkNavKey starts the lookup of msg, a scan continuing the key typed
// alone just before it, on a: nil when the key opened nothing a is (the
// scan is then a's, as it came).
func (m *Model) checkNavKey(a screen, msg scanMsg) tea.Cmd {
	nk := m.navKey
	m.navKey = nil
	if nk == nil {
		return nil
	}
	switch nk.kind {
	case navScreen:
		if nk.opened != a || !m.under(a, nk.from) {
			return nil
		}
	case navHere, navHelp:
		if a != nk.from {
			return nil
		}
	default:
		return nil
	}
	m.navGen++
	m.navCheck = &navCheck{gen: m.navGen, key: nk, to: a, msg: msg}
	if m.early == nil {
		m.early = []earlyInput{} // (input waits for the answer)
	}
	db, gen, joined, alone := m.c.db, m.navGen, nk.text+alone(msg), alone(msg)
	return m.c.do(func(ctx context.Context) tea.Msg {
		out := navCheckMsg{gen: gen}
		if res, err := db.Resolve(ctx, joined); err != nil || res.Kind == "" {
			return out
		}
		out.joined = true
		_, err := db.Resolve(ctx, alone)
		out.aloneUnknown = store.ErrorCode(err) == store.ENOTFOUND
		return out
	})
}

// navWaiting is how many scans and entries wait for a lookup: the one
// looked up and those that came behind it. A terminator counts where it
// ends something: a scan, or a code typed by hand and entered (a screen
// that records scans records those too). A Tab or Enter with nothing
// before it since the last one (a person's Tab to the next field) is no
// entry.
func (m *Model) navWaiting() int {
	if m.navCheck == nil {
		return 0
	}
	n := 1
	typed := false // text since the last terminator
	for _, in := range m.early {
		switch msg := in.msg.(type) {
		case tea.KeyPressMsg:
			switch {
			case printable(msg):
				typed = true
			case terminator(msg):
				if typed {
					n++
				}
				typed = false
			}
		case tea.PasteMsg:
			typed = false
			n += strings.Count(strings.ReplaceAll(strings.ReplaceAll(msg.Content, "\r\n", "\n"), "\r", "\n"), "\n")
		}
	}
	return n
}

// under reports whether b is the screen right under top, which is on top.
func (m *Model) under(top, b screen) bool {
	n := len(m.stack)
	return n >= 2 && m.stack[n-1] == top && m.stack[n-2] == b
}

// settleNavCheck delivers the scan that waited for its lookup: to where
// the key was typed, with the key in front, when the two name something
// and the scan alone nothing (what the key opened closed first); else to
// the screen it came to.
func (m *Model) settleNavCheck(msg navCheckMsg) tea.Cmd {
	c := m.navCheck
	if c == nil || c.gen != msg.gen {
		return nil
	}
	m.navCheck = nil
	ring := c.key.bell
	c.key.bell = false
	cmd, takenBack := m.settle(c, msg)
	if ring && !takenBack {
		// The key's refusal stands: its bell, held for the lookup.
		cmd = tea.Batch(cmd, bell())
	}
	return cmd
}

// settle gives c's scan where its lookup says; takenBack says the key was
// taken back (the scan went where it was typed, with it in front).
func (m *Model) settle(c *navCheck, msg navCheckMsg) (cmd tea.Cmd, takenBack bool) {
	a := m.active()
	if a == nil {
		return nil, false
	}
	if a != c.to {
		// Another screen opened meanwhile (a lookup under way before
		// the key): the scan is its, as apply would give it now.
		sm := c.msg
		if sm.joins && !a.Capturing() {
			sm = scanMsg{code: sm.code}
		}
		return a.Update(sm), false
	}
	nk := c.key
	if !msg.joined || !msg.aloneUnknown {
		return a.Update(c.msg), false
	}
	var cmds []tea.Cmd
	switch nk.kind {
	case navScreen:
		if !m.under(a, nk.from) {
			return a.Update(c.msg), false
		}
		cmds = append(cmds, m.back())
	case navHere:
		if n, ok := nk.from.(navKeyer); ok {
			n.undoNav()
		}
	}
	m.note = ""
	return tea.Batch(append(cmds, nk.from.Update(scanMsg{code: nk.text + alone(c.msg)}))...), true
}

// A lone key that a screen refused with a bell (the asset screen's i on
// an asset not checked out) may be a code's first, taken back: its bell
// waits (holdBell) for the join window, and while a burst that may
// continue it is under way, or its lookup; it rings unless the key is
// taken back.

// navBellMsg is the bell of a remembered key's refusal, held.
type navBellMsg struct{ key *navKeyed }

// navBellDueMsg ends the window a held bell waits for a scan continuing
// its key.
type navBellDueMsg struct{ key *navKeyed }

// holdBell turns the bells cmd would ring into navBellMsg for nk.
func holdBell(cmd tea.Cmd, nk *navKeyed) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case tea.RawMsg:
			if msg.Msg == "\a" {
				return navBellMsg{key: nk}
			}
			return msg
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(msg))
			for i, c := range msg {
				out[i] = holdBell(c, nk)
			}
			return out
		default:
			return msg
		}
	}
}

// heldBell starts the wait of nk's bell.
func (m *Model) heldBell(nk *navKeyed) tea.Cmd {
	if nk.bell {
		return nil // (one bell)
	}
	nk.bell = true
	return m.c.clock.After(joinWindow*m.scan.gap, navBellDueMsg{key: nk})
}

// bellDue rings nk's held bell, unless a scan that may continue the key
// is under way (a burst, again later) or being looked up
// (settleNavCheck rings it or not).
func (m *Model) bellDue(nk *navKeyed) tea.Cmd {
	switch {
	case !nk.bell:
		return nil
	case m.navCheck != nil && m.navCheck.key == nk:
		return nil
	case m.navKey == nk && !m.scan.empty():
		return m.c.clock.After(m.scan.gap, navBellDueMsg{key: nk})
	case m.navKey == nk && !m.scan.typed.IsZero():
		// A burst given back as text (a scan's part cut off by a
		// pause) may be continued until the join window after it.
		if left := joinWindow*m.scan.gap - m.c.clock.Now().Sub(m.scan.typed); left > 0 {
			return m.c.clock.After(left, navBellDueMsg{key: nk})
		}
	}
	nk.bell = false
	return bell()
}

// alone is the whole code of msg as its screen reads it: with its lead,
// the first part that went to the field (joins).
func alone(msg scanMsg) string {
	if msg.joins {
		return msg.lead + msg.code
	}
	return msg.code
}
