package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// operatorScreen asks who is at the desk: scan a badge, or type and pick a
// name. Nothing can change before it is answered.
type operatorScreen struct {
	base
	input  field
	people []store.Person
	sel    int
	seq    int
	err    string
	// busy says a scan or an entered name is being looked up; after are
	// the scans that came meanwhile, with when each came (a badge, then
	// an asset at once): not looked up as operators too, but looked up
	// in turn if it is refused, and given to Home if it signs in.
	busy  bool
	after []earlyInput
}

type operatorFoundMsg struct {
	to
	code   string
	person store.Person
	err    error
}

func newOperator(c *common) *operatorScreen {
	s := &operatorScreen{base: newBase(c), input: newField("operator: ", "scan your badge or type your name")}
	s.input.Focus()
	return s
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
func (s *operatorScreen) Typing() bool { return s.input.Value() != "" }

func (s *operatorScreen) Title() string   { return "Who is at the desk?" }
func (s *operatorScreen) Capturing() bool { return true }
func (s *operatorScreen) Init() tea.Cmd   { return nil }

func (s *operatorScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanMsg:
		if s.busy {
			s.after = append(s.after, earlyInput{msg: scanMsg{code: msg.code}, at: s.c.clock.Now(), live: true})
			return nil
		}
		return s.lookup(msg.code)
	case operatorFoundMsg:
		s.busy = false
		if msg.err != nil {
			if store.ErrorCode(msg.err) == store.ENOTFOUND && !looksLikeCode(msg.code) {
				// Not on the register: a typed name is recorded as typed.
				return s.signIn(msg.code)
			}
			s.err = errText(msg.err)
			return tea.Batch(bell(), s.next())
		}
		if !msg.person.Active {
			// A leaver's badge (kept, or found) does not sign anyone in:
			// the history would record them at the desk.
			s.err = fmt.Sprintf("%s is offboarded: sign in with your own badge or name", msg.person.Name)
			return tea.Batch(bell(), s.next())
		}
		return s.signIn(operatorName(msg.person))
	case peopleMsg:
		if msg.seq == s.seq && msg.err == nil {
			s.people, s.sel = msg.people, -1
		}
	case tea.KeyPressMsg:
		switch msg.String() {
		case "enter":
			if s.sel >= 0 && s.sel < len(s.people) {
				return s.signIn(operatorName(s.people[s.sel]))
			}
			if v := strings.TrimSpace(s.input.Value()); v != "" {
				return s.lookupTyped(v)
			}
			return nil
		case "down":
			s.sel = min(len(s.people)-1, s.sel+1)
			return nil
		case "up":
			s.sel = max(-1, s.sel-1)
			return nil
		}
		if s.input.Update(msg) {
			return s.suggest()
		}
	}
	return nil
}

// looksLikeCode tells a scanned badge (upper-case code) from a typed name.
func looksLikeCode(s string) bool {
	return store.ValidateCode(s) == nil && s == strings.ToUpper(s) && strings.ContainsAny(s, "0123456789")
}

// signIn says who is at the desk, with the scans that came after the one
// that signed in: they act on Home, once it is open.
func (s *operatorScreen) signIn(name string) tea.Cmd {
	after := s.after
	s.after = nil
	return func() tea.Msg { return operatorSetMsg{name: name, after: after} }
}

// next looks up the first scan that came while a refused one was looked
// up: it is the next try at signing in.
func (s *operatorScreen) next() tea.Cmd {
	if len(s.after) == 0 {
		return nil
	}
	code := s.after[0].msg.(scanMsg).code
	s.after = s.after[1:]
	return s.lookup(code)
}

func (s *operatorScreen) lookup(code string) tea.Cmd {
	s.busy = true
	db, id := s.c.db, s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		p, err := db.Person(ctx, code)
		return operatorFoundMsg{to: to{id}, code: code, person: p, err: err}
	})
}

// lookupTyped finds the person a typed text names: by badge, username,
// email or whole name, else the one person whose name holds it (what the
// list below shows: "Aarav" was recorded as the operator "Aarav" beside
// Aarav Mehta); text in several names is refused, one in none is a name
// not on the register, recorded as typed.
func (s *operatorScreen) lookupTyped(text string) tea.Cmd {
	s.busy = true
	db, id := s.c.db, s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		p, err := db.Person(ctx, text)
		if store.ErrorCode(err) != store.ENOTFOUND || looksLikeCode(text) {
			return operatorFoundMsg{to: to{id}, code: text, person: p, err: err}
		}
		one, n, perr := personNamed(ctx, db, text)
		switch {
		case perr != nil:
			err = perr
		case n == 1:
			p, err = one, nil
		case n > 1:
			err = store.Errorf(store.EINVALID, "%q is in the names of %s people: pick one with ↓ and enter, or scan your badge", clipCode(text), morePeople(n))
		}
		return operatorFoundMsg{to: to{id}, code: text, person: p, err: err}
	})
}

func (s *operatorScreen) suggest() tea.Cmd {
	s.seq++
	q := strings.TrimSpace(s.input.Value())
	if len(q) < 2 {
		s.people, s.sel = nil, -1
		return nil
	}
	db, id, seq := s.c.db, s.id, s.seq
	return s.c.do(func(ctx context.Context) tea.Msg {
		ps, err := db.People(ctx, store.PeopleFilter{Query: q, Limit: 6})
		return peopleMsg{to: to{id}, seq: seq, people: ps, err: err}
	})
}

func (s *operatorScreen) View() string {
	st := s.c.styles
	w := s.width
	b := []string{
		st.Title.Render("Who is at the desk?"),
		st.Dim.Render("Every change is recorded with the operator's name."),
		"",
		s.input.View(st, w),
	}
	for i, p := range s.people {
		line := truncate("  "+p.Name+"  "+p.Badge+"  "+p.Username, w)
		if i == s.sel {
			line = st.Selected.Render(line)
		}
		b = append(b, line)
	}
	if s.err != "" {
		b = append(b, st.Err.Render("✗ "+truncate(s.err, w-2)))
	}
	return strings.Join(b, "\n")
}

func (s *operatorScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.ListUp, k.ListDown, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")), k.ForceQ}
}

func (s *operatorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
