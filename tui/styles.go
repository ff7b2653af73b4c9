package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/tagdesk/tagdesk/store"
)

// Styles holds every style of the UI, with semantic names. It follows the
// terminal's background (light or dark) and NO_COLOR.
type Styles struct {
	dark    bool
	noColor bool

	App      lipgloss.Style // the header bar
	Title    lipgloss.Style // a screen's title
	Section  lipgloss.Style // a heading inside a screen
	Label    lipgloss.Style // a field's name
	Dim      lipgloss.Style // secondary text
	Prompt   lipgloss.Style // an input's prompt
	Selected lipgloss.Style // the highlighted row
	Focused  lipgloss.Style // the focused field's marker
	OK       lipgloss.Style // a good scan
	Err      lipgloss.Style // a refused scan
	Warn     lipgloss.Style // attention needed
	Count    lipgloss.Style // big numbers
	Status   map[store.Status]lipgloss.Style
	Help     help.Styles
}

// NewStyles returns the styles for a dark or light background; noColor keeps
// only bold, faint and reverse.
func NewStyles(dark, noColor bool) *Styles {
	s := &Styles{dark: dark, noColor: noColor, Status: map[store.Status]lipgloss.Style{}}
	plain := lipgloss.NewStyle()
	if noColor {
		s.App = plain.Bold(true).Reverse(true)
		s.Title = plain.Bold(true)
		s.Section = plain.Bold(true).Underline(true)
		s.Label = plain
		s.Dim = plain.Faint(true)
		s.Prompt = plain.Bold(true)
		s.Selected = plain.Reverse(true)
		s.Focused = plain.Bold(true)
		s.OK = plain
		s.Err = plain.Bold(true)
		s.Warn = plain.Bold(true)
		s.Count = plain.Bold(true)
		for _, st := range store.Statuses {
			s.Status[st] = plain
		}
		s.Help = help.Styles{}
		return s
	}
	ld := lipgloss.LightDark(dark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B7A6FF"))
	dim := ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8A8A8A"))
	green := ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#56D364"))
	red := ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))
	amber := ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))
	blue := ld(lipgloss.Color("#0969DA"), lipgloss.Color("#79C0FF"))
	s.App = plain.Bold(true).Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#1E1E2E"))).Background(accent)
	s.Title = plain.Bold(true).Foreground(accent)
	s.Section = plain.Bold(true)
	s.Label = plain.Foreground(dim)
	s.Dim = plain.Foreground(dim)
	s.Prompt = plain.Bold(true).Foreground(accent)
	s.Selected = plain.Reverse(true)
	s.Focused = plain.Bold(true).Foreground(accent)
	s.OK = plain.Foreground(green)
	s.Err = plain.Bold(true).Foreground(red)
	s.Warn = plain.Foreground(amber)
	s.Count = plain.Bold(true)
	s.Status[store.StatusOnOrder] = plain.Foreground(dim)
	s.Status[store.StatusInStock] = plain.Foreground(green)
	s.Status[store.StatusDeployed] = plain.Foreground(blue)
	s.Status[store.StatusInRepair] = plain.Foreground(amber)
	s.Status[store.StatusMissing] = plain.Foreground(red)
	s.Status[store.StatusRetired] = plain.Foreground(dim)
	s.Status[store.StatusDisposed] = plain.Foreground(dim)
	s.Help = help.DefaultStyles(dark)
	return s
}

// status renders a status label in its colour.
func (s *Styles) status(st store.Status) string {
	return s.Status[st].Render(st.Label())
}
