package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// findScreen searches as you type over the register. The table is
// virtualised: each query fetches one page of exactly as many rows as fit,
// with keyset paging, so it never holds more rows than it shows. Every query
// carries a sequence number and results of an older query are dropped.
type findScreen struct {
	base
	input    field
	status   int // index into statusFilter
	person   *store.Person
	location *store.Location
	rows     []store.Asset
	pages    []int64 // After of each page before the current one
	after    int64   // After of the current page
	cursor   int
	seq      int
	loading  bool
	count    int
	counted  bool
	err      string
	fetched  int // page size of the last query
	cancel   context.CancelFunc
	inflight bool   // a query is running: at most one at a time
	want     *int64 // the newest query still to run (its After)
	hint     string // why nothing was searched
}

// countCap bounds counting: "1,000+" is enough to know.
const countCap = 1000

// overdueFilter is ctrl+t's last stop: checked out past the due date (not
// a status of its own).
const overdueFilter store.Status = "overdue"

var statusFilter = append(append([]store.Status{""}, store.Statuses...), overdueFilter)

type findResultMsg struct {
	to
	seq     int
	after   int64
	rows    []store.Asset
	count   int
	counted bool
	err     error
}

type findResolvedMsg struct {
	to
	code string
	res  store.Resolution
	err  error
}

func newFind(c *common, query string, p *store.Person, l *store.Location) *findScreen {
	s := &findScreen{base: newBase(c), input: newField("find: ", "tag, serial, name, model, person or location"), person: p, location: l}
	s.input.SetValue(query)
	s.input.Focus()
	return s
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
func (s *findScreen) Typing() bool { return s.input.Value() != "" }

func (s *findScreen) Title() string {
	switch {
	case s.person != nil:
		return "Holdings of " + s.person.Name
	case s.location != nil:
		return "Find at " + s.location.Code
	}
	return "Find"
}

func (s *findScreen) Capturing() bool { return true }
func (s *findScreen) Init() tea.Cmd   { return s.search(0) }

// Refresh reruns the current page when the screen comes back on top (an
// action in the detail may have changed a row).
func (s *findScreen) Refresh() tea.Cmd { return s.search(s.after) }

// Resized refetches when the table's height changed.
func (s *findScreen) Resized() tea.Cmd {
	if s.pageSize() != s.fetched {
		return s.search(s.after)
	}
	return nil
}

// pageSize is the number of table rows that fit.
func (s *findScreen) pageSize() int { return max(1, s.height-5) }

func (s *findScreen) filter() store.AssetFilter {
	f := store.AssetFilter{Status: statusFilter[s.status]}
	if f.Status == overdueFilter {
		f.Status, f.Overdue = "", true
	}
	var words []string
	for _, w := range strings.Fields(s.input.Value()) {
		lw := strings.ToLower(w)
		switch {
		case strings.HasPrefix(lw, "loc:") && len(w) > 4:
			f.Location = w[4:]
		case strings.HasPrefix(lw, "status:") && len(w) > 7:
			if st, err := store.ParseStatus(w[7:]); err == nil {
				f.Status, f.Overdue = st, false // the status typed wins over ctrl+t's
			} else if strings.EqualFold(w[7:], "overdue") {
				f.Status, f.Overdue = "", true
			}
		default:
			words = append(words, w)
		}
	}
	f.Query = strings.Join(words, " ")
	if s.location != nil && f.Location == "" {
		f.Location = s.location.Code
	}
	if s.person != nil {
		f.Person = s.person.UID
	}
	return f
}

// shortOnly reports whether the query is under three characters in all:
// it waits for more typing. (Short words run, each looked for apart:
// "Li Na" reads the rows the index cannot narrow, in a command that a
// newer query cancels.)
func shortOnly(q string) bool { return store.ShortOnly(q) }

// hasShort reports whether the query reads rows the index does not narrow
// (a short word beside long ones): counting it could scan the register, so
// it is not counted.
func hasShort(q string) bool { return store.NeedsScan(q) }

// search asks for the page that starts after `after`. At most one query runs
// at a time: a newer one cancels the running one and runs when it returns,
// so fast typing never piles queries up.
func (s *findScreen) search(after int64) tea.Cmd {
	s.seq++
	s.want = &after
	if s.inflight {
		if s.cancel != nil {
			s.cancel()
		}
		return nil
	}
	return s.launch()
}

func (s *findScreen) launch() tea.Cmd {
	if s.want == nil {
		return nil
	}
	after := *s.want
	s.want = nil
	db, id, seq, f := s.c.db, s.id, s.seq, s.filter()
	f.After, f.Limit = after, s.pageSize()
	s.fetched = f.Limit
	s.hint = ""
	if shortOnly(f.Query) {
		s.rows, s.counted, s.loading = nil, false, false
		s.hint = "type 3 or more characters (or scan a code)"
		return nil
	}
	s.loading, s.inflight = true, true
	var qctx context.Context
	qctx, s.cancel = context.WithCancel(s.c.ctx)
	count := after == 0 && !hasShort(f.Query)
	return s.c.doIn(qctx, func(ctx context.Context) tea.Msg {
		r := findResultMsg{to: to{id}, seq: seq, after: after}
		if r.rows, r.err = db.SearchAssets(ctx, f); r.err != nil {
			return r
		}
		if count {
			f.After = 0
			r.count, r.err = db.CountAssets(ctx, f, countCap+1)
			r.counted = r.err == nil
		}
		return r
	})
}

func (s *findScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case findResultMsg:
		s.inflight = false
		if msg.seq != s.seq {
			// An older query: never overwrite a newer one; run the newest.
			return s.launch()
		}
		s.loading = false
		s.err = errText(msg.err)
		if msg.err != nil {
			s.rows = nil
			return nil
		}
		if len(msg.rows) == 0 && msg.after > 0 {
			// Ran off the end: stay on the last page.
			if n := len(s.pages); n > 0 {
				s.after, s.pages = s.pages[n-1], s.pages[:n-1]
			}
			return nil
		}
		s.rows, s.after = msg.rows, msg.after
		if msg.after == 0 {
			// (Later pages are not counted again: the first page's count
			// of the same query stays shown.)
			s.counted = msg.counted
		}
		if msg.counted {
			s.count = msg.count
		}
		s.cursor = min(s.cursor, max(0, len(s.rows)-1))
	case scanMsg:
		typed := s.input.Value()
		db, id, code := s.c.db, s.id, joinedScan(&s.input, msg)
		var relist tea.Cmd
		if s.input.Value() != typed {
			// The scan's text taken out of the search: the list as it was.
			relist = s.restart()
		}
		return tea.Batch(relist, s.c.do(func(ctx context.Context) tea.Msg {
			res, err := db.Resolve(ctx, code)
			return findResolvedMsg{to: to{id}, code: code, res: res, err: err}
		}))
	case findResolvedMsg:
		if msg.err != nil {
			if store.ErrorCode(msg.err) == store.ENOTFOUND {
				// Not a known code: search for it instead.
				s.input.SetValue(msg.code)
				return s.restart()
			}
			s.err = errText(msg.err)
			return bell()
		}
		switch msg.res.Kind {
		case store.ResolvedAsset:
			return navigate(navigateMsg{to: scrDetail, tag: msg.res.Asset.Tag})
		// A scan says what to list: a place's assets, or what a person
		// holds, not both (their holdings at the shelf scanned before
		// listed nothing).
		case store.ResolvedLocation:
			s.location, s.person = msg.res.Location, nil
		case store.ResolvedPerson:
			s.person, s.location = msg.res.Person, nil
		}
		return s.restart()
	case tea.KeyPressMsg:
		return s.key(msg)
	}
	return nil
}

func (s *findScreen) restart() tea.Cmd {
	s.pages, s.cursor, s.counted = nil, 0, false
	return s.search(0)
}

func (s *findScreen) key(k tea.KeyPressMsg) tea.Cmd {
	keys := s.c.keys
	switch {
	case key.Matches(k, keys.Back):
		return back
	case k.String() == "enter":
		if s.cursor >= len(s.rows) {
			return nil
		}
		first := s.rows[s.cursor].Tag
		if tag := store.NormalizeTag(s.input.Value()); s.cursor == 0 && len(s.pages) == 0 && first != tag && store.ValidateTag(tag) == nil {
			// A whole tag typed: that asset, not the first listed (an
			// asset named with another's tag, or whose serial holds it,
			// sorts before it).
			db := s.c.db
			return s.c.do(func(ctx context.Context) tea.Msg {
				if a, err := db.Asset(ctx, tag); err == nil && a.Tag == tag {
					return navigateMsg{to: scrDetail, tag: tag}
				}
				return navigateMsg{to: scrDetail, tag: first}
			})
		}
		return navigate(navigateMsg{to: scrDetail, tag: first})
	case k.String() == "down":
		if s.cursor < len(s.rows)-1 {
			s.cursor++
			return nil
		}
		return s.nextPage(false)
	case k.String() == "up":
		if s.cursor > 0 {
			s.cursor--
			return nil
		}
		return s.prevPage(true)
	case key.Matches(k, keys.PageDown):
		return s.nextPage(false)
	case key.Matches(k, keys.PageUp):
		return s.prevPage(false)
	case key.Matches(k, keys.Status):
		s.status = (s.status + 1) % len(statusFilter)
		return s.restart()
	case key.Matches(k, keys.Clear):
		s.status, s.person, s.location = 0, nil, nil
		s.input.Reset()
		return s.restart()
	}
	if s.input.Update(k) {
		return s.restart()
	}
	return nil
}

func (s *findScreen) nextPage(_ bool) tea.Cmd {
	if len(s.rows) < s.fetched || len(s.rows) == 0 {
		return nil
	}
	s.pages = append(s.pages, s.after)
	s.cursor = 0
	return s.search(s.rows[len(s.rows)-1].ID)
}

func (s *findScreen) prevPage(toBottom bool) tea.Cmd {
	n := len(s.pages)
	if n == 0 {
		s.cursor = 0
		return nil
	}
	prev := s.pages[n-1]
	s.pages = s.pages[:n-1]
	s.cursor = 0
	if toBottom {
		s.cursor = s.pageSize() - 1
	}
	return s.search(prev)
}

func (s *findScreen) View() string {
	st := s.c.styles
	w := s.width
	var b []string
	b = append(b, s.input.View(st, w))
	filters := "status: " + statusName(statusFilter[s.status])
	if s.location != nil {
		filters += " · at: " + s.location.Code
	} else {
		filters += " · place: scan its label or type loc:CODE"
	}
	if s.person != nil {
		filters += " · held by: " + s.person.Name
	}
	b = append(b, st.Dim.Render(truncate(filters, w)))
	info := ""
	switch {
	case s.err != "":
		info = st.Err.Render(truncate(s.err, w))
	case s.hint != "":
		info = st.Dim.Render(s.hint)
	case s.counted:
		n := commas(s.count)
		if s.count > countCap {
			n = commas(countCap) + "+"
		}
		info = fmt.Sprintf("%s match(es) · page %d", n, len(s.pages)+1)
		if s.loading {
			info += " · searching…"
		}
	case s.loading:
		info = "searching…"
	case len(s.rows) > 0:
		info = fmt.Sprintf("page %d", len(s.pages)+1)
	}
	b = append(b, info)
	widths := findColumns(w)
	b = append(b, st.Label.Render(row(widths, []string{"TAG", "STATUS", "NAME / MODEL", "SERIAL", "AT", "HELD BY"})))
	visible := s.pageSize()
	query := strings.Fields(store.Fold(s.filter().Query))
	for i, a := range s.rows {
		if i >= visible {
			break
		}
		// A code or serial cut keeps its end: shelves DUB-STORE-S01 and
		// -S07 differ there.
		line := row(widths, []string{clipMiddle(a.Tag, widths[0]), a.Status.Label(), findLabel(a, query), clipMiddle(a.Serial, widths[3]), clipMiddle(a.LocationCode, widths[4]), a.CustodianName})
		if i == s.cursor {
			line = st.Selected.Render(line)
		}
		b = append(b, line)
	}
	if len(s.rows) == 0 && !s.loading && s.err == "" && s.hint == "" {
		b = append(b, st.Dim.Render("  no assets match"))
	}
	return strings.Join(b, "\n")
}

func statusName(st store.Status) string {
	switch st {
	case "":
		return "any"
	case overdueFilter:
		return "overdue (past their due date)"
	}
	return st.Label()
}

// findLabel is a found asset's NAME / MODEL cell: its name, or its model
// when the query's words (folded, store.Fold, as search compares) are in
// the model or its maker and none in the name, so that a search by model
// shows the model it matched.
func findLabel(a store.Asset, query []string) string {
	if a.Name == "" || a.Model == "" || len(query) == 0 {
		return assetLabel(a)
	}
	name, model := store.Fold(a.Name), store.Fold(a.Manufacturer+" "+a.Model)
	inModel := false
	for _, w := range query {
		if strings.Contains(name, w) {
			return a.Name
		}
		inModel = inModel || strings.Contains(model, w)
	}
	if inModel {
		return a.Model
	}
	return a.Name
}

// findColumns splits width among the table's columns: the tag, status,
// serial and place keep their width (a place code of 13, DUB-STORE-S07,
// shows whole: codes that differ in the middle, DUB-B1-R203 and
// DUB-B2-R203, are told apart), the name and holder share the rest.
func findColumns(w int) []int {
	fixed := []int{12, 9, 0, 12, 13, 0}
	rest := w - (12 + 9 + 12 + 13) - 5
	if rest < 10 {
		rest = 10
	}
	fixed[2] = rest * 3 / 5
	fixed[5] = rest - fixed[2]
	return fixed
}

// row lays out cells in columns of the given widths.
func row(widths []int, cells []string) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(' ')
		}
		c = truncate(c, widths[i])
		b.WriteString(c)
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", max(0, widths[i]-cellWidth(c))))
		}
	}
	return b.String()
}

func (s *findScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	return []key.Binding{k.ListUp, k.ListDown, k.Open, k.Status, k.Clear, k.Back}
}

func (s *findScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{{k.ListUp, k.ListDown, k.PageUp, k.PageDown}, {k.Open, k.Status, k.Clear}, {k.Back, k.ForceQ}}
}
