package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// firstRunScreen sets up an empty database: site name, tag prefix and
// operator, or offers the demo data.
type firstRunScreen struct {
	base
	fields    []field
	focus     int
	offerDemo bool
	err       string
}

func newFirstRun(c *common, operator string, offerDemo bool) *firstRunScreen {
	s := &firstRunScreen{base: newBase(c), offerDemo: offerDemo, fields: []field{
		newField("site name:  ", "e.g. Dublin office"),
		newField("tag prefix: ", store.DefaultTagPrefix),
		newField("operator:   ", "your name or username"),
	}}
	s.fields[1].SetValue(store.DefaultTagPrefix)
	s.fields[2].SetValue(operator)
	s.fields[0].Focus()
	return s
}

// Typing reports a site typed and not saved (ctrl+c does not quit then).
func (s *firstRunScreen) Typing() bool { return s.fields[0].Value() != "" }

func (s *firstRunScreen) Title() string   { return "First run" }
func (s *firstRunScreen) Capturing() bool { return true }
func (s *firstRunScreen) Init() tea.Cmd   { return nil }

func (s *firstRunScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanMsg:
		// A scan goes into the focused field (an operator badge, a site code).
		s.fields[s.focus].SetValue(msg.code)
		return s.advance()
	case tea.KeyPressMsg:
		k := s.c.keys
		switch {
		case s.offerDemo && key.Matches(msg, k.Demo):
			return func() tea.Msg { return wantDemoMsg{} }
		case msg.String() == "enter" || key.Matches(msg, k.Next) || msg.String() == "down":
			return s.advance()
		case key.Matches(msg, k.Prev) || msg.String() == "up":
			s.move(max(0, s.focus-1))
			return nil
		}
		s.fields[s.focus].Update(msg)
	}
	return nil
}

func (s *firstRunScreen) move(i int) {
	s.fields[s.focus].Blur()
	s.focus = i
	s.fields[s.focus].Focus()
}

func (s *firstRunScreen) advance() tea.Cmd {
	if s.focus < len(s.fields)-1 {
		s.move(s.focus + 1)
		return nil
	}
	site := strings.TrimSpace(s.fields[0].Value())
	prefix := store.NormalizeTag(s.fields[1].Value())
	op := strings.TrimSpace(s.fields[2].Value())
	switch {
	case site == "":
		s.err = "give the site a name"
		s.move(0)
		return bell()
	case op == "":
		s.err = "who is at the desk? give the operator"
		return bell()
	}
	if prefix != "" {
		probe := prefix + "1"
		if err := store.ValidateTag(probe); err != nil {
			s.err = fmt.Sprintf("tag prefix %q: %s", prefix, errText(err))
			s.move(1)
			return bell()
		}
	}
	db := s.c.db
	// The setup's own changes (the site, its location) are the operator's:
	// they were recorded as the program's name.
	db.SetOperator(op)
	return s.c.do(func(ctx context.Context) tea.Msg {
		m := setupDoneMsg{site: site, prefix: prefix, operator: op}
		if err := db.SetSetting(ctx, store.SettingSite, site); err != nil {
			m.err = err
			return m
		}
		// The site is the desk's first location: receiving can start
		// there without the command line.
		if l, ok := db.(interface {
			EnsureLocation(context.Context, string) (store.Location, error)
		}); ok {
			if _, err := l.EnsureLocation(ctx, site); err != nil {
				m.err = err
				return m
			}
		}
		if prefix != "" {
			m.err = db.SetSetting(ctx, store.SettingTagPrefix, prefix)
		}
		return m
	})
}

func (s *firstRunScreen) View() string {
	st := s.c.styles
	w := s.width
	b := []string{
		st.Title.Render("Welcome to tagdesk"),
		para(st.Dim, "This database is empty. Name the site, choose the tag prefix and say who is at the desk.", w),
		"",
	}
	for i := range s.fields {
		b = append(b, s.fields[i].View(st, w))
	}
	b = append(b, "", st.Dim.Render("enter/tab next field · enter on the last field saves"))
	if s.offerDemo {
		b = append(b, st.Section.Render("ctrl+d: open the demo database instead (5,000 assets)"))
	}
	if s.err != "" {
		b = append(b, st.Err.Render("✗ "+truncate(s.err, w-2)))
	}
	return strings.Join(b, "\n")
}

func (s *firstRunScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	bs := []key.Binding{k.Next, k.Prev}
	if s.offerDemo {
		bs = append(bs, k.Demo)
	}
	return append(bs, k.ForceQ)
}

func (s *firstRunScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
