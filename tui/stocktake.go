package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

// stocktakeStore is what the stocktake screen needs beyond Store; *store.DB
// has it, and the screen asserts it on the same value.
type stocktakeStore interface {
	StartStocktake(ctx context.Context, location string) (store.Stocktake, error)
	CurrentStocktake(ctx context.Context, location string) (store.Stocktake, error)
	Stocktakes(ctx context.Context, openOnly bool, limit int) ([]store.Stocktake, error)
	ScanIntoStocktake(ctx context.Context, uid, scan string) (store.StocktakeScan, error)
	Stocktake(ctx context.Context, uid string) (store.Stocktake, error)
	FinishStocktake(ctx context.Context, uid string) (store.Stocktake, error)
	StocktakeReport(ctx context.Context, uid string) (store.StocktakeReport, error)
	Move(ctx context.Context, tag, location string) (store.Asset, error)
	Asset(ctx context.Context, tag string) (store.Asset, error)
	AuditDue(ctx context.Context, before time.Time, limit int) ([]store.Asset, error)
	Setting(ctx context.Context, key string) (string, error)
}

var _ stocktakeStore = (*store.DB)(nil)

// stocktakePhase is where the stocktake screen is.
type stocktakePhase int

const (
	stPick     stocktakePhase = iota // choose or scan a location
	stScanning                       // every scan is counted
	stConfirm                        // finish? y/n
	stReport                         // the finished stocktake's result
)

// stocktakeScreen counts a location: scan its label (an open stocktake of
// it is resumed, else one is started), then scan everything on it. Each scan
// is classified live; the still-missing assets are listed; ctrl+g finishes.
type stocktakeScreen struct {
	base
	phase   stocktakePhase
	input   field
	open    []store.Stocktake // open stocktakes to resume (pick phase)
	due     []store.Asset     // assets due for audit (pick phase)
	cursor  int
	st      store.Stocktake
	missing []store.Asset   // expected and not yet found, in tag order
	listed  bool            // the missing list has arrived
	seen    map[string]bool // tags found on this screen, for a list that arrives late
	log     []stLogLine
	latest  stLogLine
	move    *store.StocktakeScan // the last unexpected scan, for ctrl+o
	// unmovable is why the last unexpected scan cannot be moved here (its
	// tag and reason: checked out to someone), for ctrl+o's refusal.
	unmovable string
	// movable are the unexpected scans of assets recorded elsewhere, by
	// tag: scanned again, one is ctrl+o's again.
	movable map[string]store.StocktakeScan
	queue   scanQueue
	// early are the scans made while the count was opening (the location's
	// scan and the first tag come a moment apart): counted once it is open.
	early []string
	// leaving: esc was pressed once while early scans waited.
	leaving bool
	scans   int // scans begun: figures asked for before the last are stale
	// finishing: the finish is under way; scans are refused, not lost.
	finishing bool
	busy      string // what is in progress (start, finish)
	err       string
	report    store.StocktakeReport
	scroll    int // report phase: first line shown
}

type stLogLine struct {
	kind string // a store.Scan* result, or "note", "error"
	text string
}

type stocktakeOpenMsg struct {
	to
	open []store.Stocktake
	due  []store.Asset // next audits due within the warning days, soonest first
	err  error
}

// auditDueShown is how many assets due for audit the pick step lists.
const auditDueShown = 50

type stocktakeBegunMsg struct {
	to
	st      store.Stocktake
	resumed bool
	err     error
}

type stocktakeMissingMsg struct {
	to
	uid     string
	missing []store.Asset
	err     error
}

type stocktakeScannedMsg struct {
	to
	code   string
	scan   store.StocktakeScan
	label  string           // an unexpected asset's name or model
	counts *store.Stocktake // the count as the store has it after the scan
	err    error
}

// stocktakeCountsMsg is a count's figures read again (before its finish
// is confirmed: what the finish would mark missing now). gen is the scan
// generation it was asked in: figures a scan begun since then has passed
// are dropped.
type stocktakeCountsMsg struct {
	to
	st  store.Stocktake
	gen int
	err error
}

type stocktakeMovedMsg struct {
	to
	asset store.Asset
	err   error
}

type stocktakeFinishedMsg struct {
	to
	report store.StocktakeReport
	err    error
}

func newStocktake(c *common) *stocktakeScreen {
	s := &stocktakeScreen{base: newBase(c), input: newField("location: ", "scan the location's label, or type its code and press enter")}
	s.input.Focus()
	return s
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
// Recording is how many scans wait to be recorded (ctrl+c asks first).
func (s *stocktakeScreen) Recording() int { return s.queue.len() }

func (s *stocktakeScreen) Typing() bool { return s.input.Value() != "" }

func (s *stocktakeScreen) Title() string {
	if s.phase == stPick {
		return "Stocktake"
	}
	return "Stocktake " + s.st.LocationCode
}

// Capturing: while picking, scanning and asking whether to finish, the
// field has the keys, letters included: a clerk who types a damaged
// label's code by hand, "m…", "f…" or "q…", is typing, and the screen's own
// actions are ctrl keys.
func (s *stocktakeScreen) Capturing() bool {
	return s.phase == stPick || s.phase == stScanning || s.phase == stConfirm
}

// Asking reports the finish question open (y finishes).
func (s *stocktakeScreen) Asking() bool { return s.phase == stConfirm }

func (s *stocktakeScreen) Init() tea.Cmd {
	db, ok := s.c.db.(stocktakeStore)
	if !ok {
		s.err = "this database cannot hold stocktakes"
		return nil
	}
	id, now := s.id, s.c.clock.Now()
	return s.c.do(func(ctx context.Context) tea.Msg {
		msg := stocktakeOpenMsg{to: to{id}}
		if msg.open, msg.err = db.Stocktakes(ctx, true, 50); msg.err != nil {
			return msg
		}
		days := store.DefaultAuditWarnDays
		v, err := db.Setting(ctx, store.SettingAuditWarnDays)
		if err != nil {
			msg.err = err
			return msg
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			days = n
		}
		msg.due, msg.err = db.AuditDue(ctx, now.AddDate(0, 0, days+1), auditDueShown)
		return msg
	})
}

func (s *stocktakeScreen) store() (stocktakeStore, bool) {
	db, ok := s.c.db.(stocktakeStore)
	return db, ok
}

// begin resumes the open stocktake of location, or starts one, and reads the
// expected assets not found yet.
func (s *stocktakeScreen) begin(location string) tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	id := s.id
	s.busy, s.err = "opening the stocktake of "+location+"…", ""
	return s.c.do(func(ctx context.Context) tea.Msg {
		msg := stocktakeBegunMsg{to: to{id}}
		st, err := db.CurrentStocktake(ctx, location)
		switch {
		case err == nil:
			msg.resumed = true
		case store.ErrorCode(err) == store.ENOTFOUND:
			st, err = db.StartStocktake(ctx, location)
		}
		if err != nil {
			msg.err = err
			return msg
		}
		msg.st = st
		return msg
	})
}

// loadMissing reads the expected assets not found yet. On a big location it
// is the slow part of opening, so it runs after the counters are shown.
func (s *stocktakeScreen) loadMissing() tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	id, uid := s.id, s.st.UID
	return s.c.do(func(ctx context.Context) tea.Msg {
		rep, err := db.StocktakeReport(ctx, uid)
		return stocktakeMissingMsg{to: to{id}, uid: uid, missing: rep.Missing, err: err}
	})
}

func (s *stocktakeScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case stocktakeOpenMsg:
		s.err = errText(msg.err)
		s.open, s.due = msg.open, msg.due
		s.cursor = min(s.cursor, max(0, len(s.open)-1))
	case stocktakeBegunMsg:
		s.busy, s.leaving = "", false
		early := s.early
		s.early = nil
		if msg.err != nil {
			s.err = errText(msg.err)
			if len(early) > 0 {
				// (the scans made while it opened)
				s.err += " · not counted: " + clipCode(strings.Join(early, " "))
			}
			return bell()
		}
		s.st, s.missing, s.listed, s.seen, s.phase, s.err = msg.st, nil, false, map[string]bool{}, stScanning, ""
		s.input = newField("› ", "scan assets (type a code and press enter)")
		s.input.Focus()
		if msg.resumed {
			s.note("resumed the open stocktake of %s (started %s by %s)", s.st.LocationCode, stamp(s.st.StartedAt, s.c.loc), orDash(s.st.StartedBy))
		} else {
			s.note("started a stocktake of %s: %d asset(s) expected", s.st.LocationCode, s.st.Expected)
		}
		cmds := []tea.Cmd{s.loadMissing()}
		for _, code := range early {
			cmds = append(cmds, s.scan(code))
		}
		return tea.Batch(cmds...)
	case stocktakeMissingMsg:
		if msg.uid != s.st.UID {
			return nil
		}
		if msg.err != nil {
			s.add(stLogLine{kind: "error", text: "missing list: " + errText(msg.err)})
			return nil
		}
		s.missing, s.listed = s.missing[:0], true
		for _, a := range msg.missing {
			if !s.seen[a.Tag] {
				s.missing = append(s.missing, a)
			}
		}
	case stocktakeCountsMsg:
		if msg.gen != s.scans {
			return nil // a scan since: its own figures are newer
		}
		if msg.err != nil {
			s.add(stLogLine{kind: "error", text: "counts: " + errText(msg.err)})
			return nil
		}
		return s.setCounts(msg.st)
	case stocktakeScannedMsg:
		cmd := s.scanned(msg)
		if code, ok := s.queue.done(); ok {
			return tea.Batch(cmd, s.start(code))
		}
		if s.phase == stConfirm && msg.counts == nil {
			// The last scan brought no figures (refused): the question
			// reads them again.
			return tea.Batch(cmd, s.refreshCounts())
		}
		return cmd
	case stocktakeMovedMsg:
		if msg.err != nil {
			s.add(stLogLine{kind: "error", text: "move refused: " + errText(msg.err)})
			return bell()
		}
		s.note("moved %s %s to %s", msg.asset.Tag, assetLabel(msg.asset), msg.asset.LocationCode)
	case stocktakeFinishedMsg:
		s.busy, s.finishing = "", false
		if msg.err != nil {
			s.phase = stScanning
			s.err = errText(msg.err)
			return bell()
		}
		s.report, s.st, s.phase, s.scroll, s.err = msg.report, msg.report.Stocktake, stReport, 0, ""
	case scanMsg:
		if s.finishing {
			// It would reach the count after the finish, be refused out of
			// sight, and its asset be marked missing.
			s.err = "the count is finishing: scan it again once the report is up"
			return bell()
		}
		switch s.phase {
		case stPick:
			return s.pick(lineWith(&s.input, msg))
		case stScanning, stConfirm:
			s.phase = stScanning
			return s.scan(lineWith(&s.input, msg))
		case stReport:
			s.err = "this stocktake is finished: esc to leave, then s to count another location"
			return bell()
		}
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *stocktakeScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := s.c.keys
	switch s.phase {
	case stPick:
		switch {
		case key.Matches(msg, k.Back):
			if s.busy != "" && len(s.early) > 0 && !s.leaving {
				// Scans wait for the count to open: said before they are
				// dropped (the count may well have started).
				s.leaving = true
				return bell()
			}
			return back
		case key.Matches(msg, k.ListUp):
			s.cursor = max(0, s.cursor-1)
			return nil
		case key.Matches(msg, k.ListDown):
			s.cursor = min(s.cursor+1, max(0, len(s.open)-1))
			return nil
		case msg.String() == "enter":
			if text := strings.TrimSpace(s.input.Value()); text != "" {
				s.input.Reset()
				return s.pick(text)
			}
			if s.busy != "" {
				return nil
			}
			if s.cursor < len(s.open) {
				return s.begin(s.open[s.cursor].LocationCode)
			}
			return nil
		}
		s.input.Update(msg)
	case stScanning:
		empty := s.input.Value() == ""
		switch {
		case key.Matches(msg, k.Back):
			if !empty {
				s.input.Reset()
				if s.latest.kind == "note" && strings.HasSuffix(s.latest.text, typedNotCounted) {
					s.latest = stLogLine{} // said of what is no longer there
				}
				return nil
			}
			if n := s.Recording(); n > 0 {
				// Left now, the scans waiting would be dropped unsaid,
				// and the finish would mark them missing.
				s.note("%s", waitNote(n))
				return nil
			}
			return back
		case key.Matches(msg, k.Finish):
			if !empty {
				// What was typed is counted or cleared first, never
				// dropped on the way to the report.
				s.note("%s%s", clipCode(s.input.Value()), typedNotCounted)
				return bell()
			}
			s.phase = stConfirm
			if s.queue.len() > 0 {
				return nil // the scans under way bring the figures
			}
			return s.refreshCounts() // what the finish would mark missing now
		case key.Matches(msg, k.MoveHere):
			return s.moveHere()
		case msg.String() == "enter":
			text := strings.TrimSpace(s.input.Value())
			s.input.Reset()
			if text != "" {
				return s.scan(text)
			}
			return nil
		}
		s.input.Update(msg)
	case stConfirm:
		// Only y (or ctrl+g again) finishes. Anything else goes on
		// counting, and what a clerk starts to type goes to the field;
		// once the finish is under way, nothing does.
		if s.finishing {
			return nil
		}
		switch {
		case msg.String() == "y" || key.Matches(msg, k.Finish):
			return s.finish()
		case msg.String() == "n" || msg.String() == "enter" || key.Matches(msg, k.Back):
			s.phase = stScanning
		case printable(msg):
			s.phase = stScanning
			s.input.Update(msg)
		}
	case stReport:
		switch {
		case key.Matches(msg, k.Back), msg.String() == "enter":
			return back
		case key.Matches(msg, k.Up):
			s.scroll = max(0, s.scroll-1)
		case key.Matches(msg, k.Down):
			s.scroll++
		case key.Matches(msg, k.PageUp):
			s.scroll = max(0, s.scroll-max(1, s.height-4))
		case key.Matches(msg, k.PageDown):
			s.scroll += max(1, s.height-4)
		}
	}
	return nil
}

// pick opens the count of the location code names; while one is opening,
// code is a scan for it, kept until it is open.
func (s *stocktakeScreen) pick(code string) tea.Cmd {
	if code = strings.TrimSpace(code); code == "" {
		return nil
	}
	if s.busy != "" {
		s.early = append(s.early, code)
		return nil
	}
	return s.begin(code)
}

func (s *stocktakeScreen) scan(code string) tea.Cmd {
	if code = strings.TrimSpace(code); code == "" {
		return nil
	}
	if code, ok := s.queue.push(code); ok {
		return s.start(code)
	}
	return nil
}

func (s *stocktakeScreen) start(code string) tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	s.scans++
	id, uid := s.id, s.st.UID
	return s.c.do(func(ctx context.Context) tea.Msg {
		r := stocktakeScannedMsg{to: to{id}, code: code}
		if r.scan, r.err = db.ScanIntoStocktake(ctx, uid, code); r.err != nil {
			return r
		}
		if r.scan.Result == store.ScanUnexpected && r.scan.Tag != "" {
			if a, err := db.Asset(ctx, r.scan.Tag); err == nil {
				r.label = assetLabel(a)
			}
		}
		// The figures as the store counts them: what a scan leaves missing
		// is not always one fewer (the disks of a server found with it, an
		// expected asset lent since the count began), and an unknown code
		// scanned again is not another.
		if st, err := db.Stocktake(ctx, uid); err == nil {
			r.counts = &st
		}
		return r
	})
}

// refreshCounts reads the count's figures again.
func (s *stocktakeScreen) refreshCounts() tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	id, uid, gen := s.id, s.st.UID, s.scans
	return s.c.do(func(ctx context.Context) tea.Msg {
		st, err := db.Stocktake(ctx, uid)
		return stocktakeCountsMsg{to: to{id}, st: st, gen: gen, err: err}
	})
}

// setCounts takes the figures the store read for the count on screen, and
// lists what is missing again when the list no longer matches them.
func (s *stocktakeScreen) setCounts(st store.Stocktake) tea.Cmd {
	if st.UID != s.st.UID {
		return nil
	}
	s.st = st
	if s.listed && len(s.missing) != st.Missing {
		return s.loadMissing()
	}
	return nil
}

func (s *stocktakeScreen) scanned(r stocktakeScannedMsg) tea.Cmd {
	if r.err != nil {
		s.add(stLogLine{kind: "error", text: clipCode(r.code) + ": " + errText(r.err)})
		return bell()
	}
	cmd := s.logScan(r)
	if r.counts != nil {
		return tea.Batch(cmd, s.setCounts(*r.counts))
	}
	// (The figures could not be read: counted here as near as can be.)
	switch r.scan.Result {
	case store.ScanFound:
		s.st.Found++
		s.st.Missing = max(0, s.st.Missing-1)
	case store.ScanUnexpected:
		s.st.Unexpected++
	case store.ScanDuplicate:
		s.st.Duplicates++
	}
	return cmd
}

// logScan lists a scan's result.
func (s *stocktakeScreen) logScan(r stocktakeScannedMsg) tea.Cmd {
	sc := r.scan
	switch sc.Result {
	case store.ScanFound:
		s.seen[sc.Tag] = true
		label := s.dropMissing(sc.Tag)
		if label == "" {
			label = sc.Name
		}
		s.add(stLogLine{kind: sc.Result, text: joinNonEmpty(sc.Tag, label, "found")})
	case store.ScanUnexpected:
		label := r.label
		if label == "" {
			label = sc.Name
		}
		if sc.Why != "" { // recorded here already, or out: nothing to move
			s.setMove(nil, moveAgain)
			s.unmovable = sc.Tag + " " + sc.Why
			s.add(stLogLine{kind: sc.Result, text: joinNonEmpty(sc.Tag, label, sc.Why)})
			break
		}
		s.unmovable = ""
		cp := sc
		s.setMove(&cp, moveAgain)
		if s.movable == nil {
			s.movable = map[string]store.StocktakeScan{}
		}
		s.movable[sc.Tag] = sc
		s.add(stLogLine{kind: sc.Result, text: joinNonEmpty(sc.Tag, label, "is recorded at "+orDash(sc.Location)+moveHint)})
	case store.ScanDuplicate:
		if m, ok := s.movable[sc.Tag]; ok && sc.Tag != "" {
			// Scanned again to move it: ctrl+o is this one's again.
			s.setMove(&m, moveAgain)
			s.add(stLogLine{kind: sc.Result, text: fmt.Sprintf("%s already scanned: not counted twice; recorded at %s"+moveHint, sc.Tag, orDash(m.Location))})
			return bell()
		}
		s.add(stLogLine{kind: sc.Result, text: fmt.Sprintf("%s already scanned: not counted twice", orDash(sc.Tag))})
		if sc.Tag == "" {
			s.latest.text = fmt.Sprintf("%s already scanned: not counted twice", clipCode(sc.Code))
			s.log[len(s.log)-1] = s.latest
		}
		return bell()
	default:
		what := "unknown code"
		if sc.Why != "" {
			what = sc.Why
		}
		s.add(stLogLine{kind: store.ScanUnknown, text: fmt.Sprintf("%s: %s, kept in the report", clipCode(sc.Code), what)})
		return bell()
	}
	return nil
}

// dropMissing takes a found asset off the missing list and returns its
// label.
func (s *stocktakeScreen) dropMissing(tag string) string {
	for i, a := range s.missing {
		if a.Tag == tag {
			s.missing = append(s.missing[:i], s.missing[i+1:]...)
			return assetLabel(a)
		}
	}
	return ""
}

// joinNonEmpty joins the non-empty parts with spaces.
func joinNonEmpty(parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// typedNotCounted ends the note that ctrl+g over typed text gives.
const typedNotCounted = " is typed, not counted: enter counts it, esc clears it; then ctrl+g finishes"

func (s *stocktakeScreen) moveHere() tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	if s.move == nil {
		if s.unmovable != "" {
			// The last scan's own reason (checked out to someone: check
			// it in first), not a hint that it is not recorded elsewhere.
			s.note("nothing to move: %s", s.unmovable)
			return bell()
		}
		s.note("nothing to move: scan an asset recorded elsewhere, then ctrl+o")
		return bell()
	}
	id, tag, loc := s.id, s.move.Tag, s.st.LocationCode
	s.setMove(nil, "")
	s.unmovable = ""
	delete(s.movable, tag)
	return s.c.do(func(ctx context.Context) tea.Msg {
		a, err := db.Move(ctx, tag, loc)
		return stocktakeMovedMsg{to: to{id}, asset: a, err: err}
	})
}

func (s *stocktakeScreen) finish() tea.Cmd {
	db, ok := s.store()
	if !ok {
		return nil
	}
	if n := s.queue.len(); n > 0 {
		// Finished now, the scans still being recorded would be refused
		// and their assets marked missing.
		s.note("%d scan(s) still being recorded: answer again when they are", n)
		return bell()
	}
	id, uid := s.id, s.st.UID
	s.busy, s.finishing = "finishing…", true
	return s.c.do(func(ctx context.Context) tea.Msg {
		msg := stocktakeFinishedMsg{to: to{id}}
		if _, msg.err = db.FinishStocktake(ctx, uid); msg.err != nil {
			return msg
		}
		msg.report, msg.err = db.StocktakeReport(ctx, uid)
		return msg
	})
}

const stLogKeep = 200

// moveHint ends the line of the scan ctrl+o moves here; once ctrl+o is
// another scan's (or none's), the line says how to move it instead
// (scanning it again makes ctrl+o its own), or nothing once it is moved.
const (
	moveHint  = ": ctrl+o moves it here"
	moveAgain = ": scan it again for ctrl+o"
)

// setMove makes m the scan ctrl+o moves here (nil: none), the line of the
// one it was ending in instead (moveAgain, or "" once moved).
func (s *stocktakeScreen) setMove(m *store.StocktakeScan, instead string) {
	if old := s.move; old != nil {
		// Every line of it that offers ctrl+o (it may have been scanned
		// again: the newest line offers it once this returns).
		for i := range s.log {
			if t := s.log[i].text; strings.HasPrefix(t, old.Tag+" ") && strings.HasSuffix(t, moveHint) {
				s.log[i].text = strings.TrimSuffix(t, moveHint) + instead
				if s.latest.text == t {
					s.latest.text = s.log[i].text
				}
			}
		}
	}
	s.move = m
	if m != nil {
		s.unmovable = "" // (ctrl+o is this one's now)
	}
}

func (s *stocktakeScreen) add(l stLogLine) {
	s.latest = l
	s.log = append(s.log, l)
	if len(s.log) > stLogKeep {
		s.log = s.log[len(s.log)-stLogKeep:]
	}
}

func (s *stocktakeScreen) note(format string, args ...any) {
	s.add(stLogLine{kind: "note", text: fmt.Sprintf(format, args...)})
}

func (s *stocktakeScreen) logLine(l stLogLine, width int) string {
	return s.logMark(l.kind, "", truncate(l.text, width-2))
}

// logMark draws a log line's text after its kind's mark (or after mark,
// if given: the blank of a line wrapped on).
func (s *stocktakeScreen) logMark(kind, mark, text string) string {
	st := s.c.styles
	pick := func(m string) string {
		if mark != "" {
			return mark
		}
		return m
	}
	switch kind {
	case store.ScanFound:
		return st.OK.Render(pick("✓ ")) + text
	case store.ScanUnexpected:
		return st.Warn.Render(pick("? ") + text)
	case store.ScanDuplicate:
		return st.Warn.Render(pick("! ") + text)
	case store.ScanUnknown, "error":
		return st.Err.Render(pick("✗ ") + text)
	}
	return st.Dim.Render(pick("· ") + text)
}

// latestLines is the newest scan's line under the input, on two lines if
// it needs them: what it says to do is at its end ("check it in if it is
// back"), and cut at 80 columns it was lost.
func (s *stocktakeScreen) latestLines(width int) []string {
	parts := wrapWords(s.latest.text, width-2)
	if len(parts) <= 1 {
		return []string{s.logLine(s.latest, width)}
	}
	return []string{
		s.logMark(s.latest.kind, "", truncate(parts[0], width-2)),
		s.logMark(s.latest.kind, "  ", truncate(strings.Join(parts[1:], " "), width-2)),
	}
}

func (s *stocktakeScreen) View() string {
	switch s.phase {
	case stPick:
		return s.pickView()
	case stReport:
		return s.reportView()
	}
	return s.scanView()
}

func (s *stocktakeScreen) pickView() string {
	st := s.c.styles
	w := s.width
	b := []string{
		st.Title.Render("Which location do you count?"),
		s.input.View(st, w),
	}
	switch {
	case s.busy != "" && len(s.early) > 0 && s.leaving:
		b = append(b, st.Warn.Render(truncate(fmt.Sprintf("%d scan(s) wait for the count to open: esc again leaves them uncounted", len(s.early)), w)))
	case s.busy != "" && len(s.early) > 0:
		b = append(b, st.Dim.Render(truncate(fmt.Sprintf("%s %d scan(s) waiting", s.busy, len(s.early)), w)))
	case s.busy != "":
		b = append(b, st.Dim.Render(truncate(s.busy, w)))
	case s.err != "":
		b = append(b, st.Err.Render(truncate("✗ "+s.err, w)))
	default:
		b = append(b, "")
	}
	if len(s.open) > 0 {
		b = append(b, st.Section.Render("Open stocktakes (↑/↓ and enter to resume)"))
		widths := []int{max(10, w-14-20-12-3), 14, 20, 12}
		b = append(b, st.Label.Render(row(widths, []string{"LOCATION", "FOUND", "STARTED", "BY"})))
		for i, o := range s.open {
			if len(b) >= s.height {
				break
			}
			// The code first: cut at the column's end, a long name lost
			// the code that tells two places apart.
			line := row(widths, []string{o.LocationCode + " " + o.LocationName, fmt.Sprintf("%d of %d", o.Found, o.Expected), stamp(o.StartedAt, s.c.loc), o.StartedBy})
			if i == s.cursor {
				line = st.Selected.Render(line)
			}
			b = append(b, line)
		}
	} else {
		b = append(b, strings.Split(para(st.Dim, "No stocktake is open. Scanning a location starts one; everything recorded there is expected.", s.width), "\n")...)
	}
	if len(s.due) > 0 && s.height-len(b) >= 4 {
		today := s.c.clock.Now().In(s.c.loc).Format("2006-01-02")
		more := ""
		if len(s.due) == auditDueShown {
			more = "+"
		}
		b = append(b, "", st.Section.Render(fmt.Sprintf("Due for audit (%d%s)", len(s.due), more)))
		for _, a := range s.due {
			if len(b) >= s.height {
				break
			}
			line := truncate(fmt.Sprintf("  %s %s at %s · next audit %s", a.Tag, assetLabel(a), orDash(a.LocationCode), a.NextAudit), w-9)
			if a.NextAudit < today {
				line = st.Err.Render(line + " OVERDUE")
			}
			b = append(b, line)
		}
	}
	return strings.Join(b, "\n")
}

func (s *stocktakeScreen) counters() string {
	return strings.Join(s.counterItems(), "  ")
}

// counterItems are the count's figures, each a label and its number.
func (s *stocktakeScreen) counterItems() []string {
	st := s.c.styles
	t := s.st
	items := []string{
		st.Label.Render("expected") + " " + st.Count.Render(commas(t.Expected)),
		st.Label.Render("found") + " " + st.OK.Render(commas(t.Found)),
		st.Label.Render("missing") + " " + st.Err.Render(commas(t.Missing)),
		st.Label.Render("unexpected") + " " + st.Warn.Render(commas(t.Unexpected)),
		st.Label.Render("unknown") + " " + st.Warn.Render(commas(t.Unknown)),
	}
	// The expected neither found nor missing, so that the figures add up:
	// installed in an asset found (the disks of a server scanned), or gone
	// from the place since the count began (lent, moved); not those
	// scanned while lent, among the unexpected (as the CLI's report counts
	// them). Last: on a narrow screen it is the one cut.
	if rest := t.Expected - t.Found - t.Missing - t.Seen; rest > 0 {
		items = append(items, st.Label.Render("inside/away")+" "+st.Count.Render(commas(rest)))
	}
	return items
}

// fitItems joins items two spaces apart, on as many lines of width as
// they take (none cut).
func fitItems(items []string, width int) []string {
	var out []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case ansi.StringWidth(line)+2+ansi.StringWidth(it) > width:
			out = append(out, line)
			line = it
		default:
			line += "  " + it
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

func (s *stocktakeScreen) scanView() string {
	st := s.c.styles
	w, h := s.width, s.height
	b := []string{
		st.Section.Render(truncate(fmt.Sprintf("%s (%s)", s.st.LocationName, s.st.LocationCode), w)),
		s.counters(),
	}
	switch {
	case s.phase == stConfirm:
		q := fmt.Sprintf("Finish? %d not found will be marked missing. y finish · n/esc keep counting", s.st.Missing)
		if n := s.queue.len(); n > 0 {
			q = fmt.Sprintf("Finish? %d scan(s) still being recorded… n/esc keep counting", n)
		}
		b = append(b, st.Warn.Render(truncate(q, w)))
	case s.busy != "":
		b = append(b, st.Dim.Render(truncate(s.busy, w)))
	default:
		b = append(b, s.input.View(st, w))
	}
	if s.err != "" {
		b = append(b, st.Err.Render(truncate("✗ "+s.err, w)))
	} else if s.latest.text != "" {
		b = append(b, s.latestLines(w)...)
	} else {
		b = append(b, "")
	}
	rest := h - len(b) - 1
	if rest < 2 {
		return strings.Join(b, "\n")
	}
	if w >= 100 {
		logW := w/2 - 1
		left := s.logView(logW, rest)
		right := s.missingView(w-logW-2, rest)
		ll, rl := strings.Split(left, "\n"), strings.Split(right, "\n")
		b = append(b, "")
		for i := 0; i < rest; i++ {
			var l, r string
			if i < len(ll) {
				l = ll[i]
			}
			if i < len(rl) {
				r = rl[i]
			}
			b = append(b, l+strings.Repeat(" ", max(0, logW-cellWidth(l)))+"  "+r)
		}
		return strings.Join(b, "\n")
	}
	logH := min(6, rest/2)
	b = append(b, "", s.logView(w, logH), s.missingView(w, rest-logH))
	return strings.Join(b, "\n")
}

// logView is the newest scans, newest last, in height rows.
func (s *stocktakeScreen) logView(width, height int) string {
	if height <= 0 {
		return ""
	}
	out := []string{s.c.styles.Section.Render("Scans")}
	start := max(0, len(s.log)-(height-1))
	for _, l := range s.log[start:] {
		out = append(out, s.logLine(l, width))
	}
	for len(out) < height {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// missingView lists the still-missing assets that fit in height rows.
func (s *stocktakeScreen) missingView(width, height int) string {
	st := s.c.styles
	if height <= 0 {
		return ""
	}
	if !s.listed {
		return strings.Join([]string{st.Section.Render(fmt.Sprintf("Still missing (%s)", commas(s.st.Missing))), st.Dim.Render("  listing…")}, "\n")
	}
	out := []string{st.Section.Render(fmt.Sprintf("Still missing (%s)", commas(len(s.missing))))}
	if len(s.missing) == 0 {
		out = append(out, st.OK.Render("  everything expected has been found"))
		return strings.Join(out, "\n")
	}
	room := height - 1
	show := min(len(s.missing), room)
	if show < len(s.missing) {
		show = max(0, room-1)
	}
	for _, a := range s.missing[:show] {
		out = append(out, truncate(fmt.Sprintf("  %s %s", a.Tag, assetLabel(a)), width))
	}
	if show < len(s.missing) {
		out = append(out, st.Dim.Render(fmt.Sprintf("  … and %s more", commas(len(s.missing)-show))))
	}
	return strings.Join(out, "\n")
}

// awayWhere says where an asset that left a count went.
func awayWhere(a store.Asset) string {
	switch {
	case a.CustodianKind == store.CustodianPerson:
		return "· with " + a.CustodianName
	case a.Status == store.StatusRetired || a.Status == store.StatusDisposed:
		return "· " + a.Status.Label()
	}
	return "· at " + orDash(a.LocationCode)
}

// reportLines is the finished stocktake's report, one line each.
func (s *stocktakeScreen) reportLines(width int) []string {
	st := s.c.styles
	r := s.report
	t := r.Stocktake
	out := []string{
		st.Title.Render(truncate(fmt.Sprintf("Stocktake of %s (%s) finished %s", t.LocationName, t.LocationCode, finishedStamp(t, s.c.loc)), width)),
	}
	out = append(out, fitItems(append(s.counterItems(), st.Label.Render("duplicates")+" "+commas(t.Duplicates)), width)...)
	out = append(out, "",
		st.Section.Render(truncate(fmt.Sprintf("Missing (%d): not found (those in stock or in repair now marked missing)", len(r.Missing)), width)),
	)
	for _, a := range r.Missing {
		out = append(out, truncate(fmt.Sprintf("  %s %s", a.Tag, assetLabel(a)), width))
	}
	out = append(out, st.Section.Render(fmt.Sprintf("Unexpected (%d): scanned here, not expected (or lent since)", len(r.Unexpected))))
	for _, a := range r.Unexpected {
		where := "recorded at " + orDash(a.LocationCode)
		switch {
		case a.Status == store.StatusDeployed:
			where = "checked out to " + orDash(a.CustodianName)
		case a.Status != store.StatusInStock:
			// A disposed or retired laptop on the shelf is the finding.
			where = a.Status.Label() + ", recorded at " + orDash(a.LocationCode)
		case a.LocationCode == t.LocationCode:
			where = "recorded here" // (at the finish: moved here, by ctrl+o or otherwise)
		}
		out = append(out, truncate(fmt.Sprintf("  %s %s %s", a.Tag, assetLabel(a), where), width))
	}
	if len(r.Away) > 0 {
		out = append(out, st.Section.Render(fmt.Sprintf("Not found, not missing (%d): left while open, or a missing mark refused", len(r.Away))))
		for _, a := range r.Away {
			out = append(out, truncate(fmt.Sprintf("  %s %s %s", a.Tag, assetLabel(a), awayWhere(a)), width))
		}
	}
	out = append(out, st.Section.Render(fmt.Sprintf("Unknown codes (%d)", len(r.Unknown))))
	for _, c := range r.Unknown {
		if why := r.UnknownWhy[c]; why != "" {
			c += ": " + why
		}
		out = append(out, "  "+truncate(c, width-2))
	}
	// Last, the longest: what was found where it was expected.
	out = append(out, st.Section.Render(fmt.Sprintf("Found (%d)", len(r.Found))))
	for _, a := range r.Found {
		line := fmt.Sprintf("  %s %s", a.Tag, assetLabel(a))
		if a.Status != store.StatusInStock && a.Status != store.StatusDeployed {
			line += " · " + a.Status.Label() // (marked missing since its scan, say)
		}
		out = append(out, truncate(line, width))
	}
	return out
}

func (s *stocktakeScreen) reportView() string {
	lines := s.reportLines(s.width)
	if s.err != "" {
		lines = append([]string{s.c.styles.Err.Render(truncate("✗ "+s.err, s.width))}, lines...)
	}
	if len(lines) <= s.height {
		s.scroll = 0
		return strings.Join(lines, "\n")
	}
	s.scroll = min(s.scroll, len(lines)-s.height+1)
	shown := lines[s.scroll : s.scroll+s.height-1]
	more := s.c.styles.Dim.Render(fmt.Sprintf("lines %d–%d of %d · ↑/↓ pgup/pgdn", s.scroll+1, s.scroll+len(shown), len(lines)))
	return strings.Join(append(shown, more), "\n")
}

func (s *stocktakeScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	switch s.phase {
	case stPick:
		return []key.Binding{k.ListUp, k.ListDown, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "count")), k.Back}
	case stScanning:
		return []key.Binding{k.Finish, k.MoveHere, k.Back}
	case stConfirm:
		return []key.Binding{key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "finish")), key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "keep counting"))}
	}
	return []key.Binding{k.Up, k.Down, k.Back}
}

func (s *stocktakeScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.c.keys.ForceQ}}
}
