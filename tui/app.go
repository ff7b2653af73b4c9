package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

// Model is the root of the terminal UI: it owns the scan buffer, routes keys
// to the active screen and results to the screen that asked for them, and is
// the only type whose View returns a tea.View.
type Model struct {
	c        *common
	opt      Options
	scan     *scanBuffer
	stack    []screen
	help     help.Model
	showHelp bool
	width    int
	height   int
	operator string
	note     string // a root-level notice (boot errors, dropped input)
	booted   bool
	opening  string // what a long opening is doing (OpeningMsg)
	demo     bool
	quitting bool
	ctrlC    time.Time // the last ctrl+c refused while text was typed
	fatal    error
	// held says the message being handled only fed the scan buffer (a key
	// held, a hold window re-armed), which changes nothing on screen;
	// dirty says a message since the last frame did change it. While it is
	// not dirty, View gives the last frame again (drawn) instead of drawing
	// it anew for each key of a burst: a 10 kB garbage scan took seconds.
	held  bool
	dirty bool
	drawn string
	// early is input that came while the database was still opening (a
	// scan made as the desk starts): kept, with when each key came, and
	// given to the first screen once it is open. Input that comes while a
	// scan after a lone key is looked up (navCheck) waits there too.
	early []earlyInput
	// navKey is the last key typed alone that only opened a screen or a
	// prompt (navKeyer): the first key of a scanner that paused after it,
	// perhaps. navCheck is the scan that came next while it is looked up
	// (lonekey.go); navGen tells its answer from an older one's.
	navKey   *navKeyed
	navCheck *navCheck
	navGen   int
}

// earlyInput is a key or a paste that came before boot, and when (or a
// scan that came while the operator's badge was looked up).
type earlyInput struct {
	msg tea.Msg
	at  time.Time
	// live says it came to a desk already running, behind a scan after a
	// lone key being looked up (navCheck): when it came is when it was
	// typed (nextEarly keeps its pauses).
	live bool
}

// maxEarly bounds the input kept while the database opens (a scanner left
// firing at a slow start): beyond it, keys are dropped, and said so.
const maxEarly = 4096

// New returns the root model over db. ctx bounds every store call.
func New(ctx context.Context, db Store, opt Options) *Model {
	if opt.Clock == nil {
		opt.Clock = realClock{}
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	c := &common{
		ctx: ctx, db: db, clock: opt.Clock, timeout: opt.Timeout, loc: opt.Location,
		styles: NewStyles(true, opt.NoColor), keys: defaultKeyMap(),
	}
	m := &Model{c: c, opt: opt, scan: newScanBuffer(opt.ScanGap, ""), help: help.New(), width: 80, height: 24, operator: strings.TrimSpace(opt.Operator)}
	m.help.Styles = c.styles.Help
	return m
}

// WantsDemo reports whether the person chose the demo data on the first-run
// screen: the caller reopens the UI on the demo database.
func (m *Model) WantsDemo() bool { return m.demo }

// Operator is who was at the desk.
func (m *Model) Operator() string { return m.operator }

// Init asks for the terminal background and reads the settings.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tea.RequestBackgroundColor, m.c.boot(m.opt.Open, m.operator))
}

func (m *Model) active() screen {
	if len(m.stack) == 0 {
		return nil
	}
	return m.stack[len(m.stack)-1]
}

// bodySize is the room a screen gets: everything but the header and footer.
func (m *Model) bodySize() (int, int) {
	return m.width, max(1, m.height-2)
}

func (m *Model) push(s screen) tea.Cmd {
	s.SetSize(m.bodySize())
	m.stack = append(m.stack, s)
	return s.Init()
}

// Update routes one message.
// OpeningMsg says what a long step of opening the database is doing (a
// search index rebuilt after an upgrade): shown under "opening…" until the
// desk opens. The program is sent it from Options.Open's store.
type OpeningMsg struct{ Text string }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.held = false
	defer func() { m.dirty = m.dirty || !m.held }()
	if cmd, ok := m.updateServices(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case OpeningMsg:
		m.opening = msg.Text
		return m, nil
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		w, h := m.bodySize()
		for _, s := range m.stack {
			s.SetSize(w, h)
		}
		m.help.SetWidth(m.width)
		if r, ok := m.active().(interface{ Resized() tea.Cmd }); ok {
			return m, r.Resized()
		}
		return m, nil
	case tea.BackgroundColorMsg:
		*m.c.styles = *NewStyles(msg.IsDark(), m.opt.NoColor)
		m.help.Styles = m.c.styles.Help
		return m, nil
	case bootMsg:
		cmd := m.boot(msg)
		return m, tea.Batch(cmd, m.startServices(), m.replayEarly())
	case tea.KeyPressMsg:
		if key.Matches(msg, m.c.keys.ForceQ) {
			// Never while a scan or text is being typed: a second ctrl+c
			// (within two seconds) is meant.
			now := m.c.clock.Now()
			if arm, ok := m.scan.strayKey(msg.String(), now); ok {
				// Inside a scanner's burst (ETX is ctrl+c): part of a
				// broken scan, not a person quitting.
				m.held = true
				return m, m.c.clock.After(m.scan.gap, scanTimeoutMsg{gen: arm})
			}
			if n := m.recording(); n > 0 && now.Sub(m.ctrlC) > 2*time.Second {
				// Quit now, they would be lost unsaid (as esc waits).
				m.ctrlC = now
				m.note = fmt.Sprintf("%d scan(s) still being recorded: ctrl+c again to quit and lose them", n)
				return m, nil
			}
			if (!m.scan.empty() || m.typing()) && now.Sub(m.ctrlC) > 2*time.Second {
				m.ctrlC = now
				m.note = "text is being typed: ctrl+c again to quit, esc to go back"
				return m, nil
			}
			m.quitting = true
			return m, tea.Quit
		}
		if !m.booted || m.early != nil {
			m.keepEarly(msg)
			return m, nil
		}
		return m, m.key(msg)
	case tea.PasteMsg:
		if !m.booted || m.early != nil {
			m.keepEarly(msg)
			return m, nil
		}
		return m, m.paste(msg)
	case earlyMsg:
		if m.navCheck != nil {
			return m, nil // (given out once the lookup ends)
		}
		return m, m.nextEarly()
	case navCheckMsg:
		cmd := m.settleNavCheck(msg)
		if len(m.early) == 0 {
			m.early = nil
			return m, cmd
		}
		// What came meanwhile, now: before the scan's own work ends, as
		// it would have come.
		return m, tea.Batch(cmd, m.nextEarly())
	case navBellMsg:
		return m, m.heldBell(msg.key)
	case navBellDueMsg:
		return m, m.bellDue(msg.key)
	case scanTimeoutMsg:
		r := m.scan.timeout(msg.gen, m.c.clock.Now())
		m.held = r.heldOnly()
		return m, tea.Batch(m.apply(r, nil)...)
	case navigateMsg:
		return m, m.navigate(msg)
	case backMsg:
		return m, m.back()
	case operatorSetMsg:
		m.operator = msg.name
		m.c.db.SetOperator(msg.name)
		m.stack = nil
		cmd := m.push(newHome(m.c))
		if len(msg.after) == 0 {
			return m, cmd
		}
		// Scans that came while the badge was looked up act on Home now,
		// in turn, as input kept while the desk started does.
		idle := m.early == nil
		m.early = append(msg.after, m.early...)
		if !idle {
			return m, cmd
		}
		return m, tea.Batch(cmd, func() tea.Msg { return earlyMsg{} })
	case setupDoneMsg:
		if msg.err != nil {
			m.note = errText(msg.err)
			return m, bell()
		}
		m.c.site, m.c.prefix = msg.site, msg.prefix
		m.operator = msg.operator
		m.c.db.SetOperator(msg.operator)
		m.stack = nil
		return m, m.push(newHome(m.c))
	case wantDemoMsg:
		m.demo = true
		m.quitting = true
		return m, tea.Quit
	case owned:
		for _, s := range m.stack {
			if s.ID() == msg.ownerID() {
				return m, s.Update(msg)
			}
		}
		return m, nil
	}
	if a := m.active(); a != nil {
		return m, a.Update(msg)
	}
	return m, nil
}

// Drain waits, up to limit, for a print run under way to end: its caller
// cancels the UI's context first (Options aside, New's ctx), so that the
// run stops after the label being sent, and records it. Closing the
// database under it lost the record of a label that came out, and the
// next run printed it again.
func (m *Model) Drain(limit time.Duration) bool {
	svc := m.c.svc
	if svc == nil {
		return true
	}
	for end := time.Now().Add(limit); svc.printing.Load(); {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// Store is the database the UI works on (nil until opened, with Options.Open).
func (m *Model) Store() Store { return m.c.db }

// Err is why the UI could not start (the database would not open), if so.
func (m *Model) Err() error { return m.fatal }

func (m *Model) boot(b bootMsg) tea.Cmd {
	if b.db != nil {
		m.c.db = b.db
	}
	if m.c.db == nil {
		m.fatal = b.err
		m.quitting = true
		return tea.Quit
	}
	m.booted = true
	if b.err != nil {
		m.note = errText(b.err)
	}
	m.c.site, m.c.prefix, m.c.pretag = b.site, b.prefix, b.pretag
	if b.operator != "" {
		m.operator = b.operator
	}
	if b.leaver != "" {
		m.operator = ""
		m.note = fmt.Sprintf("%s is offboarded: sign in with your own badge or name", b.leaver)
	}
	if m.c.prefix == "" {
		m.c.prefix = store.DefaultTagPrefix
	}
	gap := m.opt.ScanGap
	if gap == 0 {
		g, err := ScanGapSetting(b.scanGap)
		if err != nil {
			m.note = err.Error()
		}
		gap = g
	}
	m.scan = newScanBuffer(gap, b.scanPrefix)
	switch {
	case b.empty:
		return m.push(newFirstRun(m.c, m.operator, m.opt.OfferDemo))
	case m.operator == "":
		return m.push(newOperator(m.c))
	}
	m.c.db.SetOperator(m.operator)
	return m.push(newHome(m.c))
}

// asker is a screen that may be asking a question answered by a key (y to
// finish a stocktake): keys that came as a burst without Enter (text
// only) do not reach it then.
type asker interface{ Asking() bool }

// burstTaker is a screen told when its field takes a burst's keys (fast
// input that came without its Enter: a scan whose Enter comes late, if at
// all), for a prompt whose Enter must not then confirm at once.
type burstTaker interface{ TookBurst() }

// typing reports whether the active screen has text typed and not entered.
// recording is how many scans the screens still have to record (queued
// behind a busy database).
func (m *Model) recording() int {
	n := m.navWaiting()
	for _, sc := range m.stack {
		if r, ok := sc.(interface{ Recording() int }); ok {
			n += r.Recording()
		}
	}
	return n
}

func (m *Model) typing() bool {
	t, ok := m.active().(interface{ Typing() bool })
	return ok && t.Typing()
}

// keepEarly keeps a key or paste that came before boot (or while kept
// input is still being given out), up to maxEarly.
func (m *Model) keepEarly(msg tea.Msg) {
	if len(m.early) >= maxEarly {
		m.note = "input while the database was opening was too long: some of it was dropped"
		return
	}
	// (What comes behind input that waited for a lookup, while that is
	// given out, came to the running desk too.)
	live := m.navCheck != nil || len(m.early) > 0 && m.early[len(m.early)-1].live
	m.early = append(m.early, earlyInput{msg: msg, at: m.c.clock.Now(), live: live})
}

// earlyMsg gives out the next input kept before boot.
type earlyMsg struct{}

// maxEarlyGap bounds the pause kept between two early inputs: longer than
// the scan window (a scan stays a scan, a person's typing stays typing),
// shorter than a person's thinking, which need not be waited out again.
const maxEarlyGap = 500 * time.Millisecond

// replayEarly starts giving out the input kept before boot: one at a
// time, each after the pause it came after, as if typed now (a key
// that opens a screen has opened it before the next key comes).
func (m *Model) replayEarly() tea.Cmd {
	if !m.booted || len(m.early) == 0 {
		m.early = nil
		return nil
	}
	return func() tea.Msg { return earlyMsg{} }
}

// nextEarly gives out the first kept input, with those that came right
// after it, and times the rest.
func (m *Model) nextEarly() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.early) > 0 {
		in := m.early[0]
		m.early = m.early[1:]
		switch msg := in.msg.(type) {
		case tea.KeyPressMsg:
			cmds = append(cmds, m.key(msg))
		case tea.PasteMsg:
			cmds = append(cmds, m.paste(msg))
		case scanMsg:
			// (A scan made right after the operator's badge.)
			if a := m.active(); a != nil {
				cmds = append(cmds, a.Update(msg))
			}
		}
		if m.navCheck != nil {
			// A scan after a lone key is being looked up: what is left
			// waits for it (settleNavCheck gives it out).
			return tea.Batch(cmds...)
		}
		if len(m.early) == 0 {
			break
		}
		// Stamped as the program read them, not as they were typed: a
		// starved start-up spreads a scan's keys (a CI run split "T" from
		// "D-000002"). What came closer than a person types is given in
		// this same step, a burst as the scan buffer sees it; a pause is
		// waited, so that a key that opens a screen has opened it first.
		// Input that waited for a lookup was stamped as it was typed: two
		// letters further apart than the hold window are two keys, and
		// the pause between them is waited (given in one step, a
		// person's keys 100 ms apart were read as a burst without Enter,
		// and ignored).
		least := minEarlyPause
		if in.live && m.early[0].live && isPrintable(in.msg) && isPrintable(m.early[0].msg) {
			least = m.scan.gap + time.Nanosecond
		}
		if gap := min(max(m.early[0].at.Sub(in.at), 0), maxEarlyGap); gap >= least {
			cmds = append(cmds, m.c.clock.After(gap, earlyMsg{}))
			return tea.Batch(cmds...)
		}
	}
	m.early = nil
	return tea.Batch(cmds...)
}

// isPrintable reports whether msg is a key that types text.
func isPrintable(msg tea.Msg) bool {
	k, ok := msg.(tea.KeyPressMsg)
	return ok && printable(k)
}

// minEarlyPause is the least gap between two early keys kept as a pause:
// shorter, they are given out together (a person types slower).
const minEarlyPause = 150 * time.Millisecond

// paste takes pasted text as the scan buffer reads it.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	m.navKey = nil // (other input)
	r, rest := m.scan.paste(msg.Content)
	cmds := m.apply(r, nil)
	for _, ch := range rest {
		cmds = append(cmds, m.deliver(keyFor(ch), true))
	}
	return tea.Batch(cmds...)
}

// key passes a key press through the scan buffer.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	r := m.scan.press(k, m.c.clock.Now())
	m.held = r.heldOnly()
	return tea.Batch(m.apply(r, &k)...)
}

// apply carries out what the scan buffer decided.
func (m *Model) apply(r scanResult, k *tea.KeyPressMsg) []tea.Cmd {
	var cmds []tea.Cmd
	if r.arm > 0 {
		cmds = append(cmds, m.c.clock.After(m.scan.gap, scanTimeoutMsg{gen: r.arm}))
	}
	refused := ""
	switch {
	case r.tooLong > 0:
		refused = fmt.Sprintf("refused a scan of %d characters: no code is that long; nothing was done", r.tooLong)
	case r.mangled != "":
		refused = fmt.Sprintf("refused a scan with %s inside it (a stray key or a scanner setting): nothing was done; scan it again", r.mangled)
	}
	if refused != "" {
		// A garbage scan: refused whole, audibly, and nothing done. A
		// screen with a list of refused scans keeps it there too.
		m.note = refused
		m.navKey = nil
		cmds = append(cmds, bell())
		if a := m.active(); a != nil {
			cmds = append(cmds, a.Update(scanRefusedMsg{reason: refused}))
		}
	}
	for _, f := range r.flushed {
		cmds = append(cmds, m.deliver(f, r.flushText))
	}
	if r.scan != "" {
		m.showHelp = false // (the scan acts on the screen: its result is shown, not hidden behind the help)
		if a := m.active(); a != nil {
			for i, code := range strings.Split(r.scan, "\n") {
				m.note = ""
				msg := scanMsg{code: code, joins: r.joins && i == 0, late: r.late && i == 0}
				if msg.joins {
					msg.lead = r.lead
				}
				if msg.joins && !a.Capturing() {
					// The scan's first part, cut off by a pause, found no
					// field to go to: it is put back in front.
					msg = scanMsg{code: r.lead + code}
				}
				if i == 0 && r.afterKey {
					// It came right after a key typed alone: that key
					// may have been its first (lonekey.go).
					if cmd := m.checkNavKey(a, msg); cmd != nil {
						cmds = append(cmds, cmd)
						continue
					}
				}
				cmds = append(cmds, a.Update(msg))
			}
		}
		m.navKey = nil
	}
	if r.pass && k != nil {
		cmds = append(cmds, m.deliver(*k, false))
	}
	return cmds
}

// deliver hands one key to the active screen. Global single-letter keys only
// apply when the screen has no text field capturing input, and never to
// keys that came from a burst (textOnly).
func (m *Model) deliver(k tea.KeyPressMsg, textOnly bool) tea.Cmd {
	nk := m.navKey
	m.navKey = nil
	a := m.active()
	if a == nil {
		return nil
	}
	if textOnly {
		// (A burst does not end a lone key's claim: a scan's first part
		// after it, cut off by a pause, comes so. The buffer says whether
		// the scan continues the key: scanResult.afterKey.)
		m.navKey = nk
		if !a.Capturing() {
			m.note = "ignored fast input without Enter (a scanner set to no suffix?)"
			return nil
		}
		if q, ok := a.(asker); ok && q.Asking() {
			// A burst's first key must not answer the question (a code
			// starting with y finishing a stocktake).
			m.note = "ignored fast input without Enter while a question is open: answer it first"
			return nil
		}
		if b, ok := a.(burstTaker); ok {
			b.TookBurst()
		}
		return a.Update(k)
	}
	m.note = ""
	if m.showHelp {
		// The help covers the screen: a key closes it and does nothing
		// else (a key pressed at a screen one cannot see must not act
		// on it: enter would answer a question hidden behind the help).
		// A scan still reaches the screen (it is no key here). A letter
		// that only closed it may be a code's first, a scanner having
		// paused after it (lonekey.go).
		m.showHelp = false
		if printable(k) {
			m.navKey = &navKeyed{text: k.Text, kind: navHelp, from: a}
		}
		return nil
	}
	if k.String() == "f1" || (!a.Capturing() && key.Matches(k, m.c.keys.Help)) {
		m.showHelp = !m.showHelp
		return nil
	}
	if !a.Capturing() && key.Matches(k, m.c.keys.Quit) {
		m.quitting = true
		return tea.Quit
	}
	m.noteNavKey(a, k)
	if nk := m.navKey; nk != nil {
		// It may be a code's first key, taken back: a refusal's bell
		// waits to know (lonekey.go).
		return holdBell(a.Update(k), nk)
	}
	return a.Update(k)
}

func (m *Model) navigate(n navigateMsg) tea.Cmd {
	var s screen
	switch n.to {
	case scrHome:
		m.stack = nil
		s = newHome(m.c)
	case scrReceive:
		s = newReceive(m.c)
	case scrCheckOut:
		s = newCheckOut(m.c, n.person)
	case scrCheckIn:
		s = newCheckIn(m.c)
	case scrFind:
		s = newFind(m.c, n.query, n.person, n.location)
	case scrDetail:
		s = newDetail(m.c, n.tag)
	case scrPeople:
		s = newPeople(m.c)
	case scrLabels:
		s = newLabels(m.c)
	case scrSync:
		s = newSyncScreen(m.c)
	case scrStocktake:
		s = newStocktake(m.c)
	case scrPerson:
		if n.person == nil {
			return nil
		}
		s = newPerson(m.c, *n.person)
	default:
		return nil
	}
	m.openedBy(n, s)
	if n.replace && len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	m.showHelp = false
	return m.push(s)
}

func (m *Model) back() tea.Cmd {
	m.showHelp = false
	m.navKey = nil
	if len(m.stack) <= 1 {
		return nil
	}
	m.stack = m.stack[:len(m.stack)-1]
	a := m.active()
	a.SetSize(m.bodySize())
	if r, ok := a.(interface{ Refresh() tea.Cmd }); ok {
		return r.Refresh()
	}
	return nil
}

// View renders the header, the active screen and the footer, cut to the
// terminal's size.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "tagdesk"
	v.SetContent(m.render())
	return v
}

func (m *Model) render() string {
	if !m.dirty && m.drawn != "" {
		return m.drawn
	}
	m.drawn, m.dirty = m.draw(), false
	return m.drawn
}

func (m *Model) draw() string {
	s := m.c.styles
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	a := m.active()
	left, right := m.header(a, w)
	header := pad(left, right+" ", w)
	lines := []string{s.App.Render(header)}
	bodyH := h - 2
	var body string
	switch {
	case !m.booted && m.opening != "":
		body = s.Dim.Render("  opening…\n\n  " + strings.Join(wrapWords(m.opening, w-4), "\n  "))
	case !m.booted:
		body = s.Dim.Render("  opening…")
	case a == nil:
		body = ""
	case m.showHelp:
		body = m.helpView(a, bodyH)
	default:
		body = a.View()
	}
	lines = append(lines, fit(body, w, bodyH)...)
	foot := ""
	switch {
	case m.note != "":
		foot = s.Warn.Render(truncate(m.note, w))
	case w < minWidth || h < minHeight:
		// Screens are laid out for 80x24: smaller, lines are cut. Said,
		// rather than leaving a cut label preview or list unexplained.
		foot = s.Warn.Render(truncate(fmt.Sprintf("window %dx%d: made for %dx%d or larger, some lines are cut", w, h, minWidth, minHeight), w))
	case a != nil:
		m.help.SetWidth(w)
		bs := a.ShortHelp()
		if a.Capturing() {
			// ? is typed into the field here: say which key gives help.
			bs = append([]key.Binding{key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help"))}, bs...)
		}
		foot = m.help.ShortHelpView(frontBack(bs, w))
	}
	lines = append(lines, fitLine(foot, w))
	return strings.Join(lines, "\n")
}

// header is the top line's two ends. What gives way when they do not fit,
// first to last: the site's name (to a few cells), the operator (then
// dropped), the screen's title; never the sync status ("2 refused",
// "offline": what a desk must not miss).
func (m *Model) header(a screen, w int) (left, right string) {
	site, op, scr, sl := m.c.site, "", "", ""
	if m.operator != "" {
		op = "operator: " + m.operator
	}
	if a != nil {
		scr = a.Title()
	}
	if m.booted {
		sl = m.c.statusLine()
	}
	build := func() (string, string) {
		l := " tagdesk"
		if site != "" {
			l += " · " + site
		}
		l += " │ " + scr
		r := sl
		if op != "" {
			r = strings.TrimPrefix(r+" │ "+op, " │ ")
		}
		return l, r
	}
	excess := func() int {
		l, r := build()
		return cellWidth(l) + cellWidth(r) + 2 - w
	}
	if x := excess(); x > 0 && site != "" {
		site = truncate(site, max(8, cellWidth(site)-x))
	}
	if x := excess(); x > 0 && op != "" {
		if room := cellWidth(op) - x; room >= 16 {
			op = truncate(op, room)
		} else {
			op = ""
		}
	}
	left, right = build()
	if cellWidth(left)+cellWidth(right)+2 > w {
		left = truncate(left, max(12, w-cellWidth(right)-2))
	}
	return left, right
}

// frontBack brings esc (back) forward, after help, when the key hints
// would be cut at width: the keys cut at the end are in help (f1), and a
// screen whose way out is cut looks like a trap.
func frontBack(bs []key.Binding, width int) []key.Binding {
	n := 0
	for _, b := range bs {
		if b.Enabled() {
			h := b.Help()
			n += cellWidth(h.Key) + 1 + cellWidth(h.Desc) + 3 // " • " between
		}
	}
	if n-3 <= width {
		return bs
	}
	at := 0
	if len(bs) > 0 && slices.Contains(bs[0].Keys(), "f1") {
		at = 1
	}
	for i, b := range bs {
		if i > at && slices.Contains(b.Keys(), "esc") {
			out := make([]key.Binding, 0, len(bs))
			out = append(out, bs[:at]...)
			out = append(out, b)
			out = append(out, bs[at:i]...)
			return append(out, bs[i+1:]...)
		}
	}
	return bs
}

// minWidth and minHeight are the window the screens are laid out for.
const minWidth, minHeight = 80, 24

func (m *Model) helpView(a screen, height int) string {
	m.help.SetWidth(m.width)
	out := m.c.styles.Title.Render("Keys: "+a.Title()) + "\n\n" + m.help.FullHelpView(a.FullHelp())
	out += "\n\n" + para(m.c.styles.Dim, "A scan (a burst ending in Enter, Tab or a line feed) works on every screen. Any key closes this help.", m.width)
	return out
}

// fit cuts or pads text to exactly height lines of at most width cells.
func fit(s string, width, height int) []string {
	in := strings.Split(s, "\n")
	out := make([]string, 0, max(0, height)) // a one-row window leaves no body
	for i := 0; i < height; i++ {
		if i < len(in) {
			out = append(out, fitLine(in[i], width))
		} else {
			out = append(out, "")
		}
	}
	return out
}

// para word-wraps a sentence to width cells and styles it: prose is
// wrapped, where a table row or a key list is cut (fitLine).
func para(style lipgloss.Style, text string, width int) string {
	return strings.Join(styleLines(style, wrapWords(text, width)), "\n")
}

// styleLines renders each of lines in style, in place.
func styleLines(style lipgloss.Style, lines []string) []string {
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}

// msgLines is how many lines a screen's last message may take.
const msgLines = 3

// wrapMsg is a screen's last message in lines of width, at most msgLines
// (the last one cut): what a refusal says to do is at its end.
func wrapMsg(style lipgloss.Style, text string, width int) []string {
	lines := wrapWords(text, width)
	if len(lines) > msgLines {
		lines = append(lines[:msgLines-1], truncate(strings.Join(lines[msgLines-1:], " "), width))
	}
	return styleLines(style, lines)
}

// wrapWords breaks plain text into lines of at most width cells at spaces
// only (a command such as "sync resolve ID --accept" keeps its words); a
// word longer than a line is cut.
func wrapWords(text string, width int) []string {
	if width <= 0 {
		return []string{text}
	}
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		switch {
		case cur == "":
			cur = w
		case ansi.StringWidth(cur)+1+ansi.StringWidth(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
		for ansi.StringWidth(cur) > width {
			head := ansi.Truncate(cur, width, "")
			if head == "" {
				// A character wider than the width (CJK at width 1):
				// a line of its own, cut, so that the loop goes on.
				head = string([]rune(cur)[:1])
			}
			lines = append(lines, head)
			cur = cur[len(head):]
		}
	}
	if cur == "" && len(lines) > 0 {
		return lines // the last word ended on a line of its own
	}
	return append(lines, cur)
}

// hanging wraps text after lead ("  ! "), its later lines indented under
// the text, and styles each line.
func hanging(style lipgloss.Style, lead, text string, width int) []string {
	pad := strings.Repeat(" ", ansi.StringWidth(lead))
	lines := wrapWords(text, max(8, width-len(pad)))
	for i, l := range lines {
		if i == 0 {
			lines[i] = style.Render(lead + l)
		} else {
			lines[i] = style.Render(pad + l)
		}
	}
	return lines
}

func fitLine(l string, width int) string {
	if lipgloss.Width(l) > width {
		return ansi.Truncate(l, width, "…")
	}
	return l
}

// truncate cuts plain text to width cells.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// clipMiddle cuts s to width cells by taking out its middle: a code's
// start and end both tell (DUB…-S01).
func clipMiddle(s string, width int) string {
	sw := ansi.StringWidth(s)
	if sw <= width || width < 5 {
		return truncate(s, width)
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

// column cuts s to width cells and pads it with spaces to exactly width: a
// column that stays aligned with wide (CJK) and combining characters, which
// fmt's %-*s counts as one each.
func column(s string, width int) string {
	s = truncate(s, width)
	return s + strings.Repeat(" ", max(0, width-ansi.StringWidth(s)))
}

// pad puts left and right at the two ends of width cells.
func pad(left, right string, width int) string {
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+rw+1 > width {
		if rw+lw > width {
			right = ""
			rw = 0
		}
		left = truncate(left, width-rw)
		lw = ansi.StringWidth(left)
	}
	return left + strings.Repeat(" ", max(0, width-lw-rw)) + right
}

func cellWidth(s string) int { return ansi.StringWidth(s) }
