package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// peopleScreen lists people with what they hold; enter (or a badge scan)
// opens their holdings.
type peopleScreen struct {
	base
	input  field
	people []store.Person
	cursor int
	seq    int
	err    string
	// more: the list goes on past what is loaded (the next page is read
	// when the cursor reaches its end); paging: that read is under way.
	more, paging bool
}

type peopleListMsg struct {
	to
	seq    int
	people []store.Person
	more   bool
	page   bool // a next page, to add to what is loaded
	err    error
}

type peopleResolvedMsg struct {
	to
	res store.Resolution
	err error
}

func newPeople(c *common) *peopleScreen {
	s := &peopleScreen{base: newBase(c), input: newField("person: ", "name, badge, username or email")}
	s.input.Focus()
	return s
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
func (s *peopleScreen) Typing() bool { return s.input.Value() != "" }

func (s *peopleScreen) Title() string   { return "People" }
func (s *peopleScreen) Capturing() bool { return true }
func (s *peopleScreen) Init() tea.Cmd   { return s.list() }

// Refresh reloads the list (holdings change elsewhere), as far as it was
// read: back from a person, the cursor is where it was (it went back to
// the first page).
func (s *peopleScreen) Refresh() tea.Cmd {
	s.seq++
	s.paging = false
	return s.fetchFirst(len(s.people))
}

func (s *peopleScreen) list() tea.Cmd {
	s.seq++
	s.paging = false
	return s.fetch(nil)
}

// fetch reads a page of the list: the first, or the one after last.
func (s *peopleScreen) fetch(last *store.Person) tea.Cmd {
	return s.fetchAfter(last, 0)
}

// fetchFirst reads the list from its start, at least n rows.
func (s *peopleScreen) fetchFirst(n int) tea.Cmd { return s.fetchAfter(nil, n) }

func (s *peopleScreen) fetchAfter(last *store.Person, atLeast int) tea.Cmd {
	db, id, seq := s.c.db, s.id, s.seq
	page := max(20, s.height-3, atLeast) // (a page reads one more, to know whether there is more)
	f := store.PeopleFilter{Query: strings.TrimSpace(s.input.Value()), Limit: page + 1}
	f.IncludeGone = f.Query != "" // someone offboarded is found by name (to reactivate them)
	if last != nil {
		f.AfterName, f.AfterID = last.Name, last.ID
	}
	return s.c.do(func(ctx context.Context) tea.Msg {
		ps, err := db.People(ctx, f)
		more := len(ps) > page
		if more {
			ps = ps[:page]
		}
		return peopleListMsg{to: to{id}, seq: seq, people: ps, more: more, page: last != nil, err: err}
	})
}

// Resized reads the list again when the window is now taller than what
// is loaded fills.
func (s *peopleScreen) Resized() tea.Cmd {
	if s.more && !s.paging && len(s.people) < s.height {
		return s.list()
	}
	return nil
}

func (s *peopleScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case peopleListMsg:
		if msg.seq != s.seq {
			return nil
		}
		s.err = errText(msg.err)
		if msg.page {
			s.paging = false
			if msg.err == nil {
				s.people = append(s.people, msg.people...)
				s.more = msg.more
			}
			return nil
		}
		s.people, s.more = msg.people, msg.more
		s.cursor = min(s.cursor, max(0, len(s.people)-1))
	case scanMsg:
		typed := s.input.Value()
		db, id, code := s.c.db, s.id, joinedScan(&s.input, msg)
		var relist tea.Cmd
		if s.input.Value() != typed {
			// The scan's text taken out of the filter: the list as it was.
			s.cursor, relist = 0, s.list()
		}
		return tea.Batch(relist, s.c.do(func(ctx context.Context) tea.Msg {
			res, err := db.Resolve(ctx, code)
			return peopleResolvedMsg{to: to{id}, res: res, err: err}
		}))
	case peopleResolvedMsg:
		if msg.err != nil {
			s.err = errText(msg.err)
			return bell()
		}
		if msg.res.Kind == store.ResolvedPerson && msg.res.Person != nil {
			return navigate(navigateMsg{to: scrPerson, person: msg.res.Person})
		}
		return openResolution(msg.res)
	case tea.KeyPressMsg:
		k := s.c.keys
		switch {
		case key.Matches(msg, k.Back):
			return back
		case msg.String() == "down" || msg.String() == "pgdown":
			step := 1
			if msg.String() == "pgdown" {
				step = max(1, s.height-4)
			}
			s.cursor = min(s.cursor+step, max(0, len(s.people)-1))
			if s.more && !s.paging && s.cursor >= len(s.people)-1 && len(s.people) > 0 {
				s.paging = true
				last := s.people[len(s.people)-1]
				return s.fetch(&last)
			}
			return nil
		case msg.String() == "pgup":
			s.cursor = max(0, s.cursor-max(1, s.height-4))
			return nil
		case msg.String() == "up":
			s.cursor = max(0, s.cursor-1)
			return nil
		case msg.String() == "enter":
			if s.cursor < len(s.people) {
				p := s.people[s.cursor]
				return navigate(navigateMsg{to: scrPerson, person: &p})
			}
			return nil
		}
		if s.input.Update(msg) {
			s.cursor = 0
			return s.list()
		}
	}
	return nil
}

func (s *peopleScreen) View() string {
	st := s.c.styles
	w := s.width
	b := []string{s.input.View(st, w)}
	if s.err != "" {
		b = append(b, st.Err.Render(truncate(s.err, w)))
	} else {
		b = append(b, "")
	}
	widths := []int{max(10, w-12-12-9-3), 12, 12, 8}
	b = append(b, st.Label.Render(row(widths, []string{"NAME", "BADGE", "USERNAME", "HOLDING"})))
	// The rows around the cursor, and a last line saying more follow.
	room := max(1, s.height-len(b)-1)
	start := max(0, s.cursor-room+1)
	for i := start; i < len(s.people); i++ {
		p := s.people[i]
		if len(b) >= s.height-1 {
			break
		}
		name := p.Name
		if !p.Active {
			name += " (offboarded)"
		}
		line := row(widths, []string{name, p.Badge, p.Username, fmt.Sprintf("%8d", p.Holding)})
		switch {
		case i == s.cursor:
			line = st.Selected.Render(line)
		case !p.Active:
			line = st.Dim.Render(line)
		}
		b = append(b, line)
	}
	if shown := len(b) - 3; start+shown < len(s.people) || s.more {
		b = append(b, st.Dim.Render(truncate(fmt.Sprintf("%d–%d of %s · ↓ pgdn for more", start+1, start+shown, map[bool]string{true: "more", false: fmt.Sprint(len(s.people))}[s.more]), w)))
	}
	return strings.Join(b, "\n")
}

func (s *peopleScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.ListUp, k.ListDown, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "holdings")), k.Back}
}

func (s *peopleScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp()}
}

// personStore is what the person screen needs beyond Store; *store.DB has it.
type personStore interface {
	Holdings(ctx context.Context, personUID string) ([]store.Asset, error)
	Offboard(ctx context.Context, who string, opt store.CheckInOptions) (store.OffboardResult, error)
	Reactivate(ctx context.Context, who string) (store.Person, error)
}

type personReactivatedMsg struct {
	to
	person store.Person
	err    error
}

var _ personStore = (*store.DB)(nil)

// personScreen shows everything one person holds, with due dates (overdue
// marked), and offboards them: x, a condition, y: everything is checked in
// in one store call and the person is marked offboarded.
type personScreen struct {
	base
	person      store.Person
	holdings    []store.Asset
	keepErr     bool // the refusal said stays over the holdings' reload it asked for
	loaded      bool
	confirm     bool
	condition   string
	busy        bool
	returned    []store.Asset // the last offboarding's result
	done        bool
	reactivated bool // the offboarding was just undone
	cursor      int  // the held item enter opens
	err         string
}

type personHoldingsMsg struct {
	to
	holdings []store.Asset
	err      error
}

type personOffboardedMsg struct {
	to
	res store.OffboardResult
	err error
}

type personResolvedMsg struct {
	to
	res store.Resolution
	err error
}

func newPerson(c *common, p store.Person) *personScreen {
	return &personScreen{base: newBase(c), person: p, condition: store.ConditionOK}
}

func (s *personScreen) Title() string   { return "Person " + s.person.Name }
func (s *personScreen) Capturing() bool { return false }
func (s *personScreen) Init() tea.Cmd   { return s.load() }

// Refresh reloads the holdings (they change on other screens).
func (s *personScreen) Refresh() tea.Cmd { return s.load() }

func (s *personScreen) load() tea.Cmd {
	db, ok := s.c.db.(personStore)
	if !ok {
		s.err = "this database cannot list holdings"
		return nil
	}
	id, uid := s.id, s.person.UID
	return s.c.do(func(ctx context.Context) tea.Msg {
		hs, err := db.Holdings(ctx, uid)
		return personHoldingsMsg{to: to{id}, holdings: hs, err: err}
	})
}

func (s *personScreen) offboard() tea.Cmd {
	db, ok := s.c.db.(personStore)
	if !ok {
		return nil
	}
	id, who, cond := s.id, personKey(s.person), s.condition
	// What the question counted, and nothing else, is taken back.
	expect := make([]string, len(s.holdings))
	for i, a := range s.holdings {
		expect[i] = a.Tag
	}
	s.busy = true
	return s.c.do(func(ctx context.Context) tea.Msg {
		res, err := db.Offboard(ctx, who, store.CheckInOptions{Condition: cond, Expect: expect})
		return personOffboardedMsg{to: to{id}, res: res, err: err}
	})
}

// reactivate undoes the offboarding (the wrong person, or back at work).
func (s *personScreen) reactivate() tea.Cmd {
	db, ok := s.c.db.(personStore)
	if !ok {
		return nil
	}
	id, who := s.id, personKey(s.person)
	return s.c.do(func(ctx context.Context) tea.Msg {
		p, err := db.Reactivate(ctx, who)
		return personReactivatedMsg{to: to{id}, person: p, err: err}
	})
}

func (s *personScreen) Update(msg tea.Msg) tea.Cmd {
	k := s.c.keys
	switch msg := msg.(type) {
	case personReactivatedMsg:
		if msg.err != nil {
			s.err = errText(msg.err)
			return bell()
		}
		s.person, s.err, s.done, s.returned, s.reactivated = msg.person, "", false, nil, true
		return s.load()
	case personHoldingsMsg:
		s.loaded = true
		if msg.err != nil || !s.keepErr {
			s.err = errText(msg.err)
		}
		s.keepErr = false
		s.holdings = msg.holdings
		s.cursor = min(s.cursor, max(0, len(s.holdings)-1))
	case personOffboardedMsg:
		s.busy, s.confirm = false, false
		if msg.err != nil {
			s.err, s.keepErr = errText(msg.err), true // (said over the reload)
			return tea.Batch(bell(), s.load())        // (what they hold now, to ask again)
		}
		s.err, s.done = "", true
		s.person, s.returned = msg.res.Person, msg.res.Returned
		return s.load()
	case scanMsg:
		if s.confirm {
			// A question is open: a scan neither answers it nor leaves.
			s.err = fmt.Sprintf("%s: not opened: answer the question first (y offboards, n cancels)", clipCode(msg.code))
			return bell()
		}
		db, id, code := s.c.db, s.id, msg.code
		return s.c.do(func(ctx context.Context) tea.Msg {
			res, err := db.Resolve(ctx, code)
			return personResolvedMsg{to: to{id}, res: res, err: err}
		})
	case personResolvedMsg:
		if msg.err != nil {
			s.err = errText(msg.err)
			return bell()
		}
		if msg.res.Kind == store.ResolvedPerson && msg.res.Person != nil {
			return navigate(navigateMsg{to: scrPerson, person: msg.res.Person, replace: true})
		}
		return openResolution(msg.res)
	case tea.KeyPressMsg:
		if s.confirm {
			switch {
			case key.Matches(msg, k.Condition):
				s.condition = nextCondition(notReturned, s.condition)
			case msg.String() == "y":
				// y only: a scanner's Enter that came late (its code
				// dropped or cut off) must not check in all they hold.
				if !s.busy {
					return s.offboard()
				}
			case msg.String() == "n" || key.Matches(msg, k.Back):
				s.confirm, s.err = false, ""
			}
			return nil
		}
		switch {
		case key.Matches(msg, k.Back):
			return back
		case key.Matches(msg, k.Offboard):
			if !s.person.Active {
				s.err = s.person.Name + " is already offboarded (a undoes it)"
				return bell()
			}
			s.confirm, s.err, s.reactivated = true, "", false
			// What they hold is read again: the question counts what the
			// offboarding will check in, not what the screen last showed.
			return s.load()
		case key.Matches(msg, k.Reactivate) && !s.person.Active:
			return s.reactivate()
		case key.Matches(msg, k.CheckOut):
			p := s.person
			return navigate(navigateMsg{to: scrCheckOut, person: &p})
		case key.Matches(msg, k.Up):
			s.cursor = max(0, s.cursor-1)
		case key.Matches(msg, k.Down):
			s.cursor = min(s.cursor+1, max(0, len(s.holdings)-1))
		case key.Matches(msg, k.Open):
			// The item opened: its warranty, its history, check it in.
			if s.cursor < len(s.holdings) {
				return navigate(navigateMsg{to: scrDetail, tag: s.holdings[s.cursor].Tag})
			}
		}
	}
	return nil
}

// navKey: with no question open, a person's o opens a check-out to them,
// x the offboarding question, j k scroll; a (undo an offboarding) writes,
// and a key answering the question is never taken back.
func (s *personScreen) navKey(k tea.KeyPressMsg) navKind {
	keys := s.c.keys
	switch {
	case s.confirm || s.busy || key.Matches(k, keys.Reactivate) && !s.person.Active:
		return navNo
	case key.Matches(k, keys.CheckOut):
		return navScreen
	}
	return navHere
}

// undoNav closes the offboarding question a letter opened.
func (s *personScreen) undoNav() { s.confirm, s.err = false, "" }

func (s *personScreen) View() string {
	st := s.c.styles
	w := s.width
	p := s.person
	ids := []string{}
	for _, v := range []string{p.Badge, p.Username, p.Email, p.Department} {
		if v != "" {
			ids = append(ids, v)
		}
	}
	state := st.OK.Render("active")
	if !p.Active {
		state = st.Warn.Render("offboarded")
	}
	b := []string{
		st.Title.Render(truncate(p.Name, max(0, w-14))) + "  " + state,
		// The identifiers on their own line: an email is not cut at half
		// the width.
		st.Dim.Render(truncate(strings.Join(ids, " · "), w)),
	}
	today := s.c.clock.Now().In(s.c.loc).Format("2006-01-02")
	overdue := 0
	for _, a := range s.holdings {
		if a.DueDate != "" && a.DueDate < today {
			overdue++
		}
	}
	switch {
	case s.confirm && s.busy:
		b = append(b, st.Dim.Render("offboarding…"))
	case s.confirm:
		// (Wrapped: the condition being confirmed is at its end.)
		b = append(b, wrapMsg(st.Warn, fmt.Sprintf("Offboard %s: check in all %d item(s) as %s and mark %s offboarded?", p.Name, len(s.holdings), conditionLabel(s.condition), p.Name), w)...)
		b = append(b, st.Dim.Render(truncate("tab condition · y offboard · n/esc cancel", w)))
		if s.err != "" {
			b = append(b, wrapMsg(st.Err, "✗ "+s.err, w)...)
		}
	case s.err != "":
		b = append(b, wrapMsg(st.Err, "✗ "+s.err, w)...)
	case s.done:
		what := "checked in"
		if s.condition == store.ConditionMissing {
			what = "not returned, marked missing"
		}
		b = append(b, st.OK.Render(truncate(fmt.Sprintf("✓ offboarded %s: %d item(s) %s (a reactivates them)", p.Name, len(s.returned), what), w)))
	case s.reactivated:
		b = append(b, st.OK.Render(truncate(fmt.Sprintf("✓ reactivated %s: they can hold assets again", p.Name), w)))
		// (Undone is the offboarding, not its check-ins: said, as a hunt
		// found the items were expected back.)
		b = append(b, st.Dim.Render(truncate("what the offboarding checked in stays checked in, as it came back: o checks out again", w)))
	default:
		b = append(b, "")
	}
	if s.done && len(s.returned) > 0 {
		head := "Returned"
		if s.condition == store.ConditionMissing {
			head = "Not returned (missing)"
		}
		b = append(b, st.Section.Render(head))
		room := max(1, (s.height-len(b))/2)
		for i, a := range s.returned {
			if i >= room-1 && len(s.returned) > room {
				b = append(b, st.Dim.Render(fmt.Sprintf("  … and %d more", len(s.returned)-i)))
				break
			}
			b = append(b, truncate(fmt.Sprintf("  %s %s → %s · %s", a.Tag, assetLabel(a), orDash(a.LocationCode), a.Status.Label()), w))
		}
	}
	head := fmt.Sprintf("Holds %d item(s)", len(s.holdings))
	if overdue > 0 {
		head += fmt.Sprintf(", %d overdue", overdue)
	}
	if !s.loaded {
		head = "Holdings"
	}
	b = append(b, st.Section.Render(head))
	if !s.loaded {
		b = append(b, st.Dim.Render("  loading…"))
		return strings.Join(b, "\n")
	}
	if len(s.holdings) == 0 {
		b = append(b, st.Dim.Render("  nothing checked out"))
		return strings.Join(b, "\n")
	}
	widths := []int{10, max(8, w-10-11-11-12-5), 11, 11, 10}
	b = append(b, st.Label.Render(row(widths, []string{"TAG", "ASSET", "OUT SINCE", "DUE", ""})))
	// The window follows the cursor; the list never scrolls past its end.
	room := max(1, s.height-len(b))
	start := max(0, min(s.cursor-room+1, len(s.holdings)-room))
	if s.cursor < start {
		start = s.cursor
	}
	for i := start; i < len(s.holdings) && i < start+room; i++ {
		a := s.holdings[i]
		out := store.LocalDayIn(a.CheckedOutAt, s.c.loc)
		due, mark := orDash(a.DueDate), ""
		if a.DueDate != "" && a.DueDate < today {
			mark = "OVERDUE"
		}
		// Name and model: two laptops named by their tags are told apart.
		what := a.Model
		if a.Name != "" && a.Name != a.Model {
			what = strings.TrimSuffix(a.Name+" · "+a.Model, " · ")
		}
		line := row(widths, []string{a.Tag, what, out, due, mark})
		switch {
		case i == s.cursor:
			line = st.Selected.Render(line)
		case mark != "":
			line = st.Err.Render(line)
		}
		b = append(b, line)
	}
	return strings.Join(b, "\n")
}

func (s *personScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.confirm {
		return []key.Binding{k.Condition, key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "offboard")), key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "cancel"))}
	}
	if !s.person.Active {
		return []key.Binding{k.Reactivate, k.Open, k.Up, k.Down, k.Back}
	}
	return []key.Binding{k.Offboard, k.CheckOut, k.Open, k.Up, k.Down, k.Back}
}

func (s *personScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{s.ShortHelp(), {s.c.keys.Help, s.c.keys.ForceQ}}
}

// personKey is how the store finds the person on screen again: their uid
// (a badge could be another's employee number, a name a namesake's).
func personKey(p store.Person) string { return p.UID }
