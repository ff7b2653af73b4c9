package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// checkInScreen takes assets back in a loop. The return location (default:
// each asset's home) and condition are set once: scan a location label to
// set where they go, tab to cycle the condition.
type checkInScreen struct {
	base
	input     field
	location  *store.Location
	condition string
	queue     fifo[checkInScan]
	feed      feed
}

// checkInScan is a scan with the condition on screen when it came: Tab
// pressed while earlier scans wait does not change them. (The return
// location is read when its turn comes: a location scanned before assets
// is theirs, as the scans come in order.)
type checkInScan struct {
	code, condition string
	clear           bool // ctrl+x, waiting its turn
}

type checkInResult struct {
	to
	code     string
	asset    store.Asset
	location *store.Location // the scan named a location: the new return location
	err      error
	cleared  bool // ctrl+x's turn came: each asset's home from here on
}

// conditions are the check-in screen's (the assets are in the clerk's
// hands); notReturned adds what an asset's screen and an offboarding can
// say of one that did not come back.
var (
	conditions  = []string{store.ConditionOK, store.ConditionRepair, store.ConditionRetire}
	notReturned = append(append([]string{}, conditions...), store.ConditionMissing)
)

// nextCondition is the condition after c in list.
func nextCondition(list []string, c string) string {
	for i, x := range list {
		if x == c {
			return list[(i+1)%len(list)]
		}
	}
	return list[0]
}

func newCheckIn(c *common) *checkInScreen {
	s := &checkInScreen{base: newBase(c), input: newField("› ", "scan assets to check in (or a location label to return them there)"), condition: store.ConditionOK}
	s.input.Focus()
	return s
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
// Recording is how many scans wait to be recorded (ctrl+c asks first).
func (s *checkInScreen) Recording() int { return s.queue.len() }

func (s *checkInScreen) Typing() bool { return s.input.Value() != "" }

func (s *checkInScreen) Title() string   { return "Check in" }
func (s *checkInScreen) Capturing() bool { return true }
func (s *checkInScreen) Init() tea.Cmd   { return nil }

func (s *checkInScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanRefusedMsg:
		s.feed.refuse("%s", msg.reason) // (the bell has rung)
		return nil
	case scanMsg:
		return s.scan(lineWith(&s.input, msg))
	case checkInResult:
		cmd := s.result(msg)
		if next, ok := s.queue.done(); ok {
			return tea.Batch(cmd, s.start(next))
		}
		return cmd
	case tea.KeyPressMsg:
		k := s.c.keys
		switch {
		case key.Matches(msg, k.Back):
			if n := s.Recording(); n > 0 {
				// Left now, the scans waiting would be dropped unsaid.
				s.feed.note("%s", waitNote(n))
				return nil
			}
			return back
		case key.Matches(msg, k.Condition):
			s.condition = nextCondition(conditions, s.condition)
			s.feed.note("condition: %s", conditionLabel(s.condition))
			return nil
		case key.Matches(msg, k.Clear):
			if s.queue.len() > 0 {
				// In its turn: scans made before it keep the place they
				// came under (as tab's condition), a review found.
				if next, ok := s.queue.push(checkInScan{clear: true}); ok {
					return s.start(next)
				}
				return nil
			}
			s.location = nil
			s.feed.note("return location: each asset's home")
			return nil
		case msg.String() == "enter":
			text := strings.TrimSpace(s.input.Value())
			s.input.Reset()
			if text != "" {
				return s.scan(text)
			}
			return nil
		}
		s.input.Update(msg)
	}
	return nil
}

func conditionLabel(c string) string {
	switch c {
	case store.ConditionRepair:
		return "needs repair"
	case store.ConditionRetire:
		return "retire"
	case store.ConditionMissing:
		return "not returned (missing)"
	}
	return "ok"
}

func (s *checkInScreen) scan(code string) tea.Cmd {
	if next, ok := s.queue.push(checkInScan{code: code, condition: s.condition}); ok {
		return s.start(next)
	}
	return nil
}

func (s *checkInScreen) start(sc checkInScan) tea.Cmd {
	db, id, code := s.c.db, s.id, sc.code
	if sc.clear {
		return func() tea.Msg { return checkInResult{to: to{id}, cleared: true} }
	}
	opt := store.CheckInOptions{Condition: sc.condition}
	if s.location != nil {
		opt.Location = s.location.Code
	}
	return s.c.do(func(ctx context.Context) tea.Msg {
		r := checkInResult{to: to{id}, code: code}
		var res store.Resolution
		r.asset, res, r.err = actOnScan(ctx, db, code, func(tag string) (store.Asset, error) { return db.CheckIn(ctx, tag, opt) })
		if r.err != nil {
			return r
		}
		switch res.Kind {
		case store.ResolvedLocation:
			r.location = res.Location
		case store.ResolvedPerson:
			r.err = store.Errorf(store.EINVALID, "%s is a person's badge (%s): scan the assets they return", res.Code, res.Person.Name)
		}
		return r
	})
}

func (s *checkInScreen) result(r checkInResult) tea.Cmd {
	switch {
	case r.cleared:
		s.location = nil
		s.feed.note("return location: each asset's home")
		return nil
	case r.err != nil:
		return s.feed.refuse("%s: %s", clipCode(r.code), errText(r.err))
	case r.location != nil:
		s.location = r.location
		s.feed.note("return location: %s (%s)", r.location.Name, r.location.Code)
		return nil
	}
	a := r.asset
	s.feed.ok("%s %s ← back at %s · %s", a.Tag, assetLabel(a), orDash(a.LocationCode), a.Status.Label())
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *checkInScreen) View() string {
	st := s.c.styles
	w := s.width
	loc := "each asset's home location"
	if s.location != nil {
		loc = s.location.Name + " (" + s.location.Code + ")"
	}
	b := []string{
		st.Label.Render("Return to: ") + truncate(loc, w/2) + st.Label.Render("   Condition: ") + st.Section.Render(conditionLabel(s.condition)),
		s.input.View(st, w),
	}
	count := fmt.Sprintf("Checked in: %d", s.feed.good)
	if n := s.queue.len(); n > 0 {
		count += fmt.Sprintf(" · %d in progress", n)
	}
	b = append(b, st.Count.Render(count))
	return strings.Join(b, "\n") + "\n" + s.feed.view(st, w, s.height-len(b)-1)
}

func (s *checkInScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.Condition, k.Clear, k.Back, k.ForceQ}
}

func (s *checkInScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.Condition, k.Clear}, {k.Back, k.ForceQ}}
}
