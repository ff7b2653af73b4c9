package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// checkOutScreen: scan (or pick) who or what receives the assets, set an
// optional due date, then scan any number of assets; each is checked out at
// once.
type checkOutScreen struct {
	base
	holder   *store.Holder
	input    field
	due      field
	dueDate  string
	focusDue bool
	people   []store.Person // name suggestions while choosing the holder
	sel      int            // -1: none picked
	seq      int            // people query sequence
	queue    scanQueue
	feed     feed
	// installed counts what went to the holder: an asset scanned first,
	// with nothing installed in it yet, is checked out itself when a
	// badge or a location follows (scan the asset, scan the badge).
	installed int
	// held are the assets scanned after such an asset, nothing installed
	// in it yet: going with it to the badge or place scanned next (scan
	// the laptop, the phone, the badge), or installed in it (ctrl+n: a
	// server, then its disks). Installing them at once put a phone in
	// the laptop scanned before it.
	held []store.Asset
	// presetGone: the person given with the screen was offboarded already
	// (said at once: Init's re-read does not say it again).
	presetGone bool
	// resolving: the scan naming the holder is being looked up; scans
	// after it wait (waiting) until it is known, then come in order (each
	// began a lookup of its own, and the last answer took the others'
	// assets as its holder's).
	resolving bool
	waiting   []waitingScan
}

type waitingScan struct {
	code  string
	typed bool
}

type holderMsg struct {
	to
	h   store.Holder
	err error
}

type peopleMsg struct {
	to
	seq    int
	people []store.Person
	err    error
}

// checkOutResult is the outcome of one scan on the asset loop.
type checkOutResult struct {
	to
	code   string
	asset  store.Asset
	holder *store.Holder // the scan named a new holder instead of an asset
	// carried: the asset scanned before (the holder then, nothing
	// installed in it) was checked out to the new holder; asset is it.
	carried bool
	// hold: the scan is an asset to hold (see checkOutScreen.held).
	hold bool
	// withHeld are the held assets' check-outs to the new holder, or
	// their installs (ctrl+n), each with its refusal if refused.
	withHeld []heldOutcome
	err      error
}

// heldOutcome is what became of a held asset.
type heldOutcome struct {
	asset store.Asset
	err   error
}

// installHeld is the queue's marker for ctrl+n (installs go in the scans'
// order: after those scanned before the key).
const installHeld = "\x00install"

func newCheckOut(c *common, p *store.Person) *checkOutScreen {
	s := &checkOutScreen{base: newBase(c), input: newField("› ", "scan a badge, location or parent asset tag, or type a name"), due: newField("due: ", "none (YYYY-MM-DD or +days)"), sel: -1}
	s.input.Focus()
	if p != nil {
		s.presetGone = !p.Active
		// (Still the holder when offboarded, so that every asset scanned
		// is refused: with none, the next asset would become the holder.)
		h := personHolder(*p)
		s.holder = &h
		s.input.placeholder = "scan assets to check out"
		if !p.Active {
			s.feed.refuse("%s", errText(offboardedHolder(*p)))
		}
	}
	return s
}

// offboardedHolder is the refusal of an offboarded person as a holder, as
// the store words it.
func offboardedHolder(p store.Person) error {
	return store.Errorf(store.EINVALID, "%s has been offboarded and cannot receive assets", personHolder(p).Label)
}

func personHolder(p store.Person) store.Holder {
	h := store.Holder{Kind: store.CustodianPerson, UID: p.UID, Code: p.Badge, Label: p.Name}
	if p.Badge != "" {
		h.Label += " (" + p.Badge + ")"
	}
	return h
}

// Typing reports text typed and not yet entered, or assets held for a
// holder not yet scanned (ctrl+c does not quit then).
// Recording is how many scans wait to be recorded (ctrl+c asks first).
func (s *checkOutScreen) Recording() int {
	n := s.queue.len() + len(s.waiting)
	if s.resolving {
		n++ // (the scan naming the holder)
	}
	return n
}

func (s *checkOutScreen) Typing() bool {
	return s.input.Value() != "" || s.focusDue && s.due.Value() != s.dueDate || len(s.held) > 0
}

func (s *checkOutScreen) Title() string   { return "Check out" }
func (s *checkOutScreen) Capturing() bool { return true }

// Init reads a person given with the screen (from their screen) again:
// offboarded since, by another desk or the command line, they are refused
// now, not at the first asset scanned to them.
func (s *checkOutScreen) Init() tea.Cmd {
	if s.holder == nil || s.holder.Kind != store.CustodianPerson || s.presetGone {
		return nil
	}
	db, id, uid := s.c.db, s.id, s.holder.UID
	return s.c.do(func(ctx context.Context) tea.Msg {
		p, err := db.Person(ctx, uid)
		return presetPersonMsg{to: to{id}, p: p, err: err}
	})
}

// presetPersonMsg is the person given with the screen, read again.
type presetPersonMsg struct {
	to
	p   store.Person
	err error
}

func (s *checkOutScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanRefusedMsg:
		s.feed.refuse("%s", msg.reason) // (the bell has rung)
		return nil
	case scanMsg:
		if s.focusDue {
			if typed := s.due.Value(); msg.joins && strings.HasPrefix(typed, s.dueDate) && len(typed) > len(s.dueDate) {
				// The scan's own first keys went into the due field as
				// typing: they are the scan's, not the date's.
				s.showDue()
				s.focusField(false)
				return s.scan(typed[len(s.dueDate):]+msg.code, false)
			}
			if typed := s.due.Value(); msg.late && strings.HasSuffix(typed, msg.code) {
				// The whole code went into the due field as text before
				// its late Enter: it is the scan's, not the date's.
				s.due.SetValue(strings.TrimSuffix(typed, msg.code))
			}
			// Scanned straight from the due field: what it shows is the
			// due date of this scan too, or the scan waits for a good one.
			cmd, ok := s.commitDue()
			if !ok {
				return tea.Batch(cmd, s.feed.refuse("%s: not checked out: the due date above is not a date", msg.code))
			}
			return tea.Batch(cmd, s.scan(msg.code, false))
		}
		return s.scan(s.line(msg), false)
	case presetPersonMsg:
		if msg.err == nil && msg.p.Active || s.holder == nil || s.holder.UID != msg.p.UID {
			return nil // (a read that failed leaves it to the check-out, which says why)
		}
		// Said now; each asset scanned is refused by the check-out (the
		// holder stays: with none, the next asset would become it).
		return s.feed.refuse("%s", errText(offboardedHolder(msg.p)))
	case holderMsg:
		s.resolving = false
		cmds := []tea.Cmd{}
		if msg.err != nil {
			cmds = append(cmds, s.feed.refuse("%s", errText(msg.err)))
		} else {
			s.setHolder(msg.h)
		}
		w := s.waiting
		s.waiting = nil
		for _, x := range w {
			cmds = append(cmds, s.scan(x.code, x.typed))
		}
		return tea.Batch(cmds...)
	case peopleMsg:
		if msg.seq == s.seq && msg.err == nil {
			s.people = msg.people
			s.sel = -1
		}
	case checkOutResult:
		cmd := s.result(msg)
		if code, ok := s.queue.done(); ok {
			return tea.Batch(cmd, s.start(code))
		}
		return cmd
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

// line is the scan, with the scan field's text before it only when that
// text is the scan's own first keys (a loaded machine split the burst and
// they landed in the field as typing); see lineWith.
func (s *checkOutScreen) line(msg scanMsg) string { return lineWith(&s.input, msg) }

func (s *checkOutScreen) setHolder(h store.Holder) {
	s.holder = &h
	s.installed = 0
	s.held = nil
	s.people, s.sel = nil, -1
	s.input.Reset()
	if h.Kind == store.CustodianAsset {
		s.input.placeholder = "scan a badge or location to check it out to, or assets to go with it or in it"
		s.feed.note("%s: scan a badge or place for it (or more assets first)", h.Label)
		return
	}
	s.input.placeholder = "scan assets to check out"
	s.feed.note("checking out to %s", h.Label)
}

func (s *checkOutScreen) key(k tea.KeyPressMsg) tea.Cmd {
	keys := s.c.keys
	switch {
	case key.Matches(k, keys.Back):
		if s.focusDue {
			// Leaving without Enter drops the edit: the field shows the
			// due date that applies.
			s.showDue()
			s.focusField(false)
			return nil
		}
		if n := len(s.waiting) + 1; s.resolving {
			// The holder is being looked up, and scans wait for it.
			s.feed.note("%s", waitNote(n))
			return nil
		}
		if s.holder != nil && s.queue.len() > 0 {
			// Scans (or an install) are still being recorded for this
			// holder: leaving it now would leave them nowhere.
			s.feed.note("%s for %s", waitNote(s.queue.len()), s.holder.Label)
			return nil
		}
		if s.holder != nil {
			if len(s.held) > 0 {
				s.feed.warn("not checked out: %s (held for a badge or place that was not scanned)", heldTags(s.held))
			}
			s.holder, s.held = nil, nil
			s.input.Reset()
			s.input.placeholder = "scan a badge, location or parent asset tag, or type a name"
			return nil
		}
		return back
	case key.Matches(k, keys.Next), key.Matches(k, keys.Prev):
		if s.focusDue {
			cmd, _ := s.commitDue() // tabbing out applies what it shows
			return cmd
		}
		s.focusField(true)
		return nil
	case key.Matches(k, keys.Install) && len(s.held) > 0 && !s.focusDue:
		if code, ok := s.queue.push(installHeld); ok {
			return s.start(code)
		}
		return nil
	case k.String() == "enter":
		if s.focusDue {
			cmd, _ := s.commitDue()
			return cmd
		}
		if s.holder == nil && s.sel >= 0 && s.sel < len(s.people) {
			s.setHolder(personHolder(s.people[s.sel]))
			return nil
		}
		text := strings.TrimSpace(s.input.Value())
		s.input.Reset()
		if text == "" {
			return nil
		}
		return s.scan(text, true)
	case s.holder == nil && !s.focusDue && (k.String() == "up" || k.String() == "down"):
		if len(s.people) > 0 {
			if k.String() == "down" {
				s.sel = min(len(s.people)-1, s.sel+1)
			} else {
				s.sel = max(-1, s.sel-1)
			}
		}
		return nil
	}
	if s.focusDue {
		s.due.Update(k)
		return nil
	}
	if s.input.Update(k) && s.holder == nil {
		return s.suggest()
	}
	return nil
}

func (s *checkOutScreen) focusField(due bool) {
	s.focusDue = due
	if due {
		s.input.Blur()
		s.due.Focus()
	} else {
		s.due.Blur()
		s.input.Focus()
	}
}

// commitDue applies what the due field shows (YYYY-MM-DD or +N days) and
// leaves the field; ok is false when it is not a date: the due date that
// applied before still does, and the field shows it again.
func (s *checkOutScreen) commitDue() (tea.Cmd, bool) {
	v := strings.TrimSpace(s.due.Value())
	s.focusField(false)
	if v == s.dueDate {
		return nil, true
	}
	if v == "" {
		s.dueDate = ""
		s.feed.note("no due date")
		return nil, true
	}
	d, err := store.ParseDue(v, s.c.clock.Now().In(s.c.loc))
	if err != nil {
		s.showDue()
		still := "still no due date"
		if s.dueDate != "" {
			still = "still due " + s.dueDate
		}
		return s.feed.refuse("due date: %s; %s", errText(err), still), false
	}
	s.dueDate = d
	s.due.SetValue(d)
	if d < s.c.clock.Now().Format("2006-01-02") {
		// Taken (a loan recorded after the fact), but said plainly: a
		// mistyped year would otherwise go unnoticed.
		s.feed.warn("due date %s has passed: what you check out now is overdue at once", d)
		return nil, true
	}
	s.feed.note("due date %s", d)
	return nil, true
}

// showDue puts the due date that applies back in the due field.
func (s *checkOutScreen) showDue() {
	s.due.Reset()
	if s.dueDate != "" {
		s.due.SetValue(s.dueDate)
	}
}

func (s *checkOutScreen) suggest() tea.Cmd {
	q := strings.TrimSpace(s.input.Value())
	s.seq++
	if len(q) < 2 {
		s.people, s.sel = nil, -1
		return nil
	}
	db, id, seq := s.c.db, s.id, s.seq
	return s.c.do(func(ctx context.Context) tea.Msg {
		ps, err := db.People(ctx, store.PeopleFilter{Query: q, Limit: 5})
		return peopleMsg{to: to{id}, seq: seq, people: ps, err: err}
	})
}

// scan handles a scanned or typed code: the holder first, then assets.
func (s *checkOutScreen) scan(code string, typed bool) tea.Cmd {
	if s.holder == nil && s.resolving {
		s.waiting = append(s.waiting, waitingScan{code, typed})
		return nil
	}
	if s.holder == nil {
		s.resolving = true
		db, id := s.c.db, s.id
		return s.c.do(func(ctx context.Context) tea.Msg {
			// (An asset scanned first by its serial or its QR link, as the
			// asset loop finds them, is the holder: ResolveHolder reads it
			// as checkout --to does.)
			h, err := db.ResolveHolder(ctx, code)
			if err != nil && store.ErrorCode(err) == store.ENOTFOUND && typed {
				// A typed name: the person whose name holds it, if one
				// does. (A scan is a code, never part of a name, and part
				// of a badge is no one's: a mistyped badge names no one.)
				if p, n, perr := personNamed(ctx, db, code); perr == nil && n == 1 {
					return holderMsg{to: to{id}, h: personHolder(p)}
				} else if perr == nil && n > 1 {
					err = store.Errorf(store.ENOTFOUND, "%q is in the names of %s people: pick one with ↓ and enter, or scan their badge", clipCode(code), morePeople(n))
				}
			}
			if err == nil && h.Kind == store.CustodianAsset {
				err = cannotHold(ctx, db, h.Code)
			}
			return holderMsg{to: to{id}, h: h, err: err}
		})
	}
	if code, ok := s.queue.push(code); ok {
		return s.start(code)
	}
	return nil
}

// cannotHold refuses, when it is scanned first, an asset that can neither
// be checked out nor take parts (store.CannotHold): taken as the holder,
// it was refused only after the badge that followed.
func cannotHold(ctx context.Context, db Store, tag string) error {
	a, err := db.Asset(ctx, tag)
	if err != nil {
		return nil // (the check-out says why)
	}
	return store.CannotHold(a.Tag, a.Status)
}

func (s *checkOutScreen) start(code string) tea.Cmd {
	if s.holder == nil {
		// (Never: esc waits for the queue. A scan left without a holder
		// is said, not taken for one.)
		s.queue = scanQueue{}
		return s.feed.refuse("%s: not checked out: no one to check it out to", clipCode(code))
	}
	db, id, h, due := s.c.db, s.id, *s.holder, s.dueDate
	carry := h.Kind == store.CustodianAsset && s.installed == 0
	held := append([]store.Asset(nil), s.held...)
	// Each held asset's check-out to holder to (or install in the
	// first-scanned asset): one by one, each said.
	each := func(ctx context.Context, to store.Holder) []heldOutcome {
		out := make([]heldOutcome, len(held))
		for i, a := range held {
			out[i].asset, out[i].err = db.CheckOutTo(ctx, a.Tag, to, due)
			if out[i].err != nil {
				out[i].asset = a
			}
		}
		return out
	}
	return s.c.do(func(ctx context.Context) tea.Msg {
		r := checkOutResult{to: to{id}, code: code}
		if code == installHeld {
			r.withHeld = each(ctx, h)
			return r
		}
		var res store.Resolution
		act := func(tag string) (store.Asset, error) { return db.CheckOutTo(ctx, tag, h, due) }
		if carry {
			// Held, not installed, until what follows says where it goes.
			act = func(tag string) (store.Asset, error) {
				if tag == h.Code {
					return store.Asset{}, store.Errorf(store.EINVALID, "%s is the asset scanned first: scan the badge or place it goes to", tag)
				}
				a, err := db.Asset(ctx, tag)
				r.hold = err == nil
				return a, err
			}
		}
		r.asset, res, r.err = actOnScan(ctx, db, code, act)
		if r.err != nil || r.hold {
			return r
		}
		switch res.Kind {
		case store.ResolvedPerson:
			if !res.Person.Active {
				r.err = offboardedHolder(*res.Person)
				return r
			}
			nh := personHolder(*res.Person)
			r.holder = &nh
		case store.ResolvedLocation:
			nh, err := db.ResolveHolder(ctx, res.Location.Code)
			if err != nil {
				r.err = err
				return r
			}
			r.holder = &nh
		}
		if r.holder != nil && carry {
			// The asset scanned first, then a badge: check it out to them,
			// and those held with it.
			r.asset, r.err = db.CheckOutTo(ctx, h.Code, *r.holder, due)
			r.carried = r.err == nil
			if r.err != nil {
				r.code = h.Code
			}
			r.withHeld = each(ctx, *r.holder)
		}
		return r
	})
}

// heldTags lists held assets' tags.
func heldTags(as []store.Asset) string {
	tags := make([]string, len(as))
	for i, a := range as {
		tags[i] = a.Tag
	}
	return strings.Join(tags, ", ")
}

func (s *checkOutScreen) result(r checkOutResult) tea.Cmd {
	var cmds []tea.Cmd
	if r.hold && r.err == nil && s.holder == nil {
		return s.feed.refuse("%s: not checked out: no one to check it out to", r.asset.Tag)
	}
	if r.hold && r.err == nil {
		if !slices.ContainsFunc(s.held, func(a store.Asset) bool { return a.Tag == r.asset.Tag }) {
			s.held = append(s.held, r.asset)
		}
		s.feed.note("%s held: with %s to the next badge or place (ctrl+n: into it)", r.asset.Tag, s.holder.Code)
		return nil
	}
	if r.code == installHeld {
		s.held = nil
		for _, o := range r.withHeld {
			cmds = append(cmds, s.checkedOut(o.asset, o.err, o.asset.Tag))
		}
		return tea.Batch(cmds...)
	}
	if r.holder != nil {
		s.setHolder(*r.holder)
		if !r.carried && r.err == nil {
			return nil
		}
	}
	cmds = append(cmds, s.checkedOut(r.asset, r.err, r.code))
	for _, o := range r.withHeld {
		cmds = append(cmds, s.checkedOut(o.asset, o.err, o.asset.Tag))
	}
	return tea.Batch(cmds...)
}

// checkedOut says one asset's check-out (or install), or its refusal.
func (s *checkOutScreen) checkedOut(a store.Asset, err error, code string) tea.Cmd {
	if err != nil {
		return s.feed.refuse("%s: %s", clipCode(code), errText(err))
	}
	s.installed++
	line := fmt.Sprintf("%s %s → %s", a.Tag, assetLabel(a), a.CustodianName)
	if a.DueDate != "" {
		line += " · due " + a.DueDate
	}
	s.feed.ok("%s", line)
	return nil
}

// assetLabel is an asset's name, else its model.
func assetLabel(a store.Asset) string {
	switch {
	case a.Name != "":
		return a.Name
	case a.Model != "":
		return a.Model
	}
	return a.Serial
}

func clipCode(s string) string { return truncate(s, 40) }

func (s *checkOutScreen) View() string {
	st := s.c.styles
	w := s.width
	var b []string
	if s.holder == nil {
		b = append(b, st.Title.Render("Who or what gets the assets?"))
	} else {
		b = append(b, st.Label.Render("To: ")+st.Section.Render(clipMiddle(s.holder.Label, w-20))) // (its end, a badge or code, tells namesakes apart)
	}
	b = append(b, s.due.View(st, w))
	b = append(b, s.input.View(st, w))
	if s.holder == nil {
		for i, p := range s.people {
			line := truncate(fmt.Sprintf("  %s  %s  %s", p.Name, p.Badge, p.Email), w)
			if i == s.sel {
				line = st.Selected.Render(line)
			}
			b = append(b, line)
		}
		if len(s.people) > 0 {
			b = append(b, st.Dim.Render("  ↑/↓ pick · enter choose"))
		}
	} else {
		count := fmt.Sprintf("Checked out: %d", s.feed.good)
		if n := s.queue.len(); n > 0 {
			count += fmt.Sprintf(" · %d in progress", n)
		}
		if n := len(s.held); n > 0 {
			count += fmt.Sprintf(" · %d held (badge or place, or ctrl+n: in %s)", n, s.holder.Code)
		}
		b = append(b, st.Count.Render(count))
	}
	head := strings.Join(b, "\n")
	rest := s.height - len(b) - 1
	return head + "\n" + s.feed.view(st, w, rest)
}

func (s *checkOutScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if len(s.held) > 0 {
		return []key.Binding{k.Install, k.Back, key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "due date")), k.ForceQ}
	}
	return []key.Binding{k.Back, key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "due date")), k.ForceQ}
}

func (s *checkOutScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.ListUp, k.ListDown, k.Open}, {key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "due date")), k.Install, k.Back, k.ForceQ}}
}

// peopleLister finds people (the stores the screens use).
type peopleLister interface {
	People(ctx context.Context, f store.PeopleFilter) ([]store.Person, error)
}

// personNamed finds the people whose name holds text (in any case, spaces
// as one): the one found, and how many (up to 6).
func personNamed(ctx context.Context, db peopleLister, text string) (store.Person, int, error) {
	ps, err := db.People(ctx, store.PeopleFilter{Query: strings.Join(strings.Fields(text), " "), NameOnly: true, Limit: 6})
	if err != nil || len(ps) == 0 {
		return store.Person{}, 0, err
	}
	return ps[0], len(ps), nil
}

// morePeople says how many people a search found, up to its limit.
func morePeople(n int) string {
	if n >= 6 {
		return "several"
	}
	return strconv.Itoa(n)
}
