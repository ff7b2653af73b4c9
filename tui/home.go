package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/tagdesk/tagdesk/store"
)

// homeScreen shows counts by status, what needs attention and one key per
// workflow. A scan opens what it names.
type homeScreen struct {
	base
	loaded  bool
	counts  map[store.Status]int
	att     store.Attention
	pending int
	err     string
	last    string // outcome of the last scan
	lastBad bool
	kpis    *store.KPIs // nil until the dashboard figures arrive (dashboard.go)
	kpiBusy bool
	kpiErr  string
	kpiAt   time.Time // when the figures were asked for
}

type homeLoadedMsg struct {
	to
	counts  map[store.Status]int
	att     store.Attention
	pending int
	err     error
}

func newHome(c *common) *homeScreen { return &homeScreen{base: newBase(c)} }

func (h *homeScreen) Title() string   { return "Home" }
func (h *homeScreen) Capturing() bool { return false }
func (h *homeScreen) Init() tea.Cmd   { return tea.Batch(h.load(), h.loadKPIs(true)) }

// Refresh reloads the figures when the screen comes back to the top; what
// the last scan here said is of before, and goes.
func (h *homeScreen) Refresh() tea.Cmd {
	h.last, h.lastBad = "", false
	return tea.Batch(h.load(), h.loadKPIs(false))
}

// logChanged reads the figures again (a check-out on the command line
// while Home is open: its counts and pending figure lagged the header).
func (h *homeScreen) logChanged() tea.Cmd { return h.load() }

func (h *homeScreen) load() tea.Cmd {
	db, id, now := h.c.db, h.id, h.c.clock.Now()
	return h.c.do(func(ctx context.Context) tea.Msg {
		msg := homeLoadedMsg{to: to{id}}
		if msg.counts, msg.err = db.StatusCounts(ctx); msg.err != nil {
			return msg
		}
		if msg.att, msg.err = db.Attention(ctx, now, 90, 3); msg.err != nil {
			return msg
		}
		msg.pending, msg.err = db.PendingEvents(ctx)
		return msg
	})
}

func (h *homeScreen) Update(msg tea.Msg) tea.Cmd {
	k := h.c.keys
	switch msg := msg.(type) {
	case homeLoadedMsg:
		h.loaded = true
		h.err = errText(msg.err)
		h.counts, h.att, h.pending = msg.counts, msg.att, msg.pending
	case kpisLoadedMsg:
		h.kpiBusy = false
		h.kpiErr = errText(msg.err)
		if msg.err == nil {
			k := msg.kpis
			h.kpis, h.kpiAt = &k, msg.at
		}
	case scanMsg:
		h.last, h.lastBad = "looking up "+msg.code+"…", false
		return h.c.resolveScan(h.id, msg.code)
	case scanResolvedMsg:
		if msg.err != nil {
			h.last, h.lastBad = errText(msg.err), true
			return bell()
		}
		h.last, h.lastBad = "", false
		return openResolution(msg.res)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Receive):
			return navigate(navigateMsg{to: scrReceive})
		case key.Matches(msg, k.CheckOut):
			return navigate(navigateMsg{to: scrCheckOut})
		case key.Matches(msg, k.CheckIn):
			return navigate(navigateMsg{to: scrCheckIn})
		case key.Matches(msg, k.Find):
			return navigate(navigateMsg{to: scrFind})
		case key.Matches(msg, k.People):
			return navigate(navigateMsg{to: scrPeople})
		case key.Matches(msg, k.Stocktake):
			return navigate(navigateMsg{to: scrStocktake})
		case key.Matches(msg, k.Labels):
			return navigate(navigateMsg{to: scrLabels})
		case key.Matches(msg, k.Sync):
			return navigate(navigateMsg{to: scrSync})
		case key.Matches(msg, k.Refresh):
			return tea.Batch(h.load(), h.loadKPIs(true))
		case printable(msg):
			// Home's letters are keys; a code typed by hand (a label too
			// damaged to scan) goes in Find's field.
			h.last, h.lastBad = "to type a code by hand, press / (find) and type it there", false
		}
	}
	return nil
}

// navKey: Home's letters only open a workflow's screen, or say how to
// type a code by hand (q and ? are the root's).
func (h *homeScreen) navKey(k tea.KeyPressMsg) navKind {
	keys := h.c.keys
	for _, b := range []key.Binding{keys.Receive, keys.CheckOut, keys.CheckIn, keys.Find, keys.People, keys.Stocktake, keys.Labels, keys.Sync} {
		if key.Matches(k, b) {
			return navScreen
		}
	}
	return navHere
}

// undoNav takes back the hint a letter typed here gave.
func (h *homeScreen) undoNav() { h.last, h.lastBad = "", false }

// openResolution opens what a scan named: an asset's detail, a person's
// holdings, a location's assets.
func openResolution(res store.Resolution) tea.Cmd {
	switch res.Kind {
	case store.ResolvedAsset:
		return navigate(navigateMsg{to: scrDetail, tag: res.Asset.Tag})
	case store.ResolvedPerson:
		// Their screen: what they hold (enter opens it), check out to
		// them, offboard them.
		return navigate(navigateMsg{to: scrPerson, person: res.Person})
	case store.ResolvedLocation:
		return navigate(navigateMsg{to: scrFind, location: res.Location})
	}
	return nil
}

func (h *homeScreen) View() string {
	s := h.c.styles
	w := h.width
	colW := max(20, (w-2)/2)
	left := []string{s.Section.Render("Assets by status")}
	total := 0
	for _, st := range store.Statuses {
		total += h.counts[st]
	}
	most := 0
	for _, st := range store.Statuses {
		most = max(most, h.counts[st])
	}
	if !h.loaded {
		left = append(left, s.Dim.Render("  counting…"))
	} else {
		for _, st := range store.Statuses {
			n := h.counts[st]
			if n == 0 && (st == store.StatusDisposed || st == store.StatusOnOrder) {
				continue
			}
			left = append(left, fmt.Sprintf("  %-12s %s %s", st.Label(), s.Count.Render(fmt.Sprintf("%9s", commas(n))), s.Status[st].Render(bar(n, most, min(20, colW-26)))))
		}
		left = append(left, fmt.Sprintf("  %-12s %s", "total", s.Count.Render(fmt.Sprintf("%9s", commas(total)))))
	}
	right := []string{s.Section.Render("Needs attention")}
	if h.loaded {
		audits := 0 // (from the KPIs, read in the background: 0 until they come)
		if h.kpis != nil {
			audits = h.kpis.AuditsOverdue // (a new asset, never audited, is not late)
		}
		if h.att.Overdue == 0 && h.att.Warranty == 0 && audits == 0 {
			right = append(right, s.OK.Render("  nothing overdue or expiring"))
		}
		if h.att.Overdue > 0 {
			right = append(right, s.Warn.Render(truncate(fmt.Sprintf("  %s overdue return(s): / then ctrl+t", commas(h.att.Overdue)), colW)))
			for _, a := range h.att.OverdueFirst {
				// The date before the name: a narrow column cuts the name.
				right = append(right, s.Dim.Render(truncate(fmt.Sprintf("    %s due %s %s", a.Tag, a.DueDate, a.CustodianName), colW)))
			}
		}
		if h.att.Warranty > 0 {
			right = append(right, s.Warn.Render(fmt.Sprintf("  %s warranty(ies) end within %d days", commas(h.att.Warranty), h.att.WarrantyWithin)))
			for _, a := range h.att.WarrantyFirst {
				right = append(right, s.Dim.Render(truncate(fmt.Sprintf("    %s ends %s %s", a.Tag, a.WarrantyEnd, a.Model), colW)))
			}
		}
		if audits > 0 {
			right = append(right, s.Warn.Render(truncate(fmt.Sprintf("  %s audit(s) overdue: s to count", commas(audits)), colW)))
		}
		right = append(right, "", fmt.Sprintf("  Pending sync: %s event(s)", commas(h.pending)))
		for _, p := range h.c.syncProblems() {
			right = append(right, s.Warn.Render(truncate("  "+p, colW)))
		}
	}
	var top string
	if w >= 60 {
		// Every right-hand line within what the left column leaves: one
		// wider line would widen the whole column, and the screen's edge
		// would then cut every line of it.
		for i, l := range right {
			right[i] = truncate(l, w-colW)
		}
		top = lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(colW).Render(strings.Join(left, "\n")), strings.Join(right, "\n"))
	} else {
		top = strings.Join(append(left, right...), "\n")
	}
	var b strings.Builder
	b.WriteString(top)
	b.WriteString("\n")
	// The dashboard takes what the fixed parts leave: figures first, then
	// the chart by site where there is room.
	entries := []string{"r receive", "o check out", "i check in", "/ find", "p people", "s stocktake", "l labels", "y sync", "q quit"}
	fixed := strings.Count(top, "\n") + 1 + 4 + len(wrapEntries(entries, w))
	if h.last != "" {
		fixed++
	}
	if h.err != "" {
		fixed++
	}
	if room := h.height - fixed; room > 0 {
		dash := h.kpiLines(w)
		if len(dash)+1 > room { // (and the blank line before it)
			dash = nil
		}
		if chart := h.siteChart(w, room-len(dash)-2); len(dash) > 0 && len(chart) > 0 {
			dash = append(append(dash, ""), chart...)
		}
		if len(dash) > 0 {
			b.WriteString("\n" + strings.Join(dash, "\n") + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(s.Section.Render("Workflows") + "\n")
	b.WriteString(strings.Join(wrapEntries(entries, w), "\n") + "\n\n")
	b.WriteString(s.Dim.Render("Scan a tag, badge or location code to open it."))
	if h.last != "" {
		b.WriteString("\n")
		if h.lastBad {
			b.WriteString(s.Err.Render("✗ " + h.last))
		} else {
			b.WriteString(s.Dim.Render(h.last))
		}
	}
	if h.err != "" {
		b.WriteString("\n" + s.Err.Render(h.err))
	}
	return b.String()
}

func (h *homeScreen) ShortHelp() []key.Binding {
	k := h.c.keys
	// Help first: at 80 columns the footer is cut at its end, and help
	// lists every key (labels and sync too).
	return []key.Binding{k.Help, k.Receive, k.CheckOut, k.CheckIn, k.Find, k.People, k.Stocktake, k.Labels, k.Sync, k.Quit}
}

func (h *homeScreen) FullHelp() [][]key.Binding {
	k := h.c.keys
	return [][]key.Binding{{k.Receive, k.CheckOut, k.CheckIn}, {k.Find, k.People, k.Stocktake, k.Refresh}, {k.Labels, k.Sync}, {k.Help, k.Quit, k.ForceQ}}
}

// commas formats 1234567 as 1,234,567.
func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
