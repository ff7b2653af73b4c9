package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// screenKind names a screen for navigation.
type screenKind int

const (
	scrHome screenKind = iota
	scrReceive
	scrCheckOut
	scrCheckIn
	scrFind
	scrDetail
	scrPeople
	scrStocktake
	scrPerson // one person's holdings and offboarding
	scrOperator
	scrFirstRun
)

// navigateMsg asks the root to open a screen.
type navigateMsg struct {
	to       screenKind
	tag      string          // scrDetail: the asset
	person   *store.Person   // scrFind: holdings of; scrCheckOut: preset holder
	location *store.Location // scrFind: filter
	query    string          // scrFind: initial query
	replace  bool            // replace the active screen instead of stacking
}

// backMsg asks the root to close the active screen.
type backMsg struct{}

// operatorSetMsg says who is at the desk (from the operator or first-run
// screen). after are the scans that came while the one that signed in was
// looked up, with when each came: given to Home once it is open, in order.
type operatorSetMsg struct {
	name  string
	after []earlyInput
}

// setupDoneMsg ends the first-run screen.
type setupDoneMsg struct {
	site, prefix, operator string
	err                    error
}

// wantDemoMsg ends the program so that the caller reopens it on demo data.
type wantDemoMsg struct{}

// bootMsg is what the root reads before showing the first screen.
type bootMsg struct {
	db                               Store // opened by the boot command, when New had none
	site, prefix, scanPrefix, pretag string
	scanGap                          string // SettingScanGap's value
	operator                         string // the operator given, as the register names them ("" if not in it)
	leaver                           string // the operator given is this offboarded person's code: asked to sign in
	empty                            bool
	err                              error
}

// owned is a result message for one screen, by id: it reaches that screen
// even when another is on top, and is dropped once its screen is gone.
type owned interface{ ownerID() int }

type to struct{ id int }

func (t to) ownerID() int { return t.id }

func navigate(m navigateMsg) tea.Cmd { return func() tea.Msg { return m } }

// scanResolvedMsg is what a scan on a screen that opens things (Home, Sync)
// names: an asset, a person or a location.
type scanResolvedMsg struct {
	to
	res store.Resolution
	err error
}

// resolveScan looks a scan up for screen id.
func (c *common) resolveScan(id int, code string) tea.Cmd {
	db := c.db
	return c.do(func(ctx context.Context) tea.Msg {
		res, err := db.Resolve(ctx, code)
		return scanResolvedMsg{to: to{id}, res: res, err: err}
	})
}

func back() tea.Msg { return backMsg{} }

// bell rings the terminal bell: clerks look at the box, not the screen.
func bell() tea.Cmd { return tea.Raw("\a") }

// do runs fn inside a command with a bounded context and returns its message.
func (c *common) do(fn func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		var msg tea.Msg
		c.call(func(ctx context.Context) { msg = fn(ctx) })
		return msg
	}
}

// doIn is do under parent instead of the app's context, so that the caller
// can cancel it.
func (c *common) doIn(parent context.Context, fn func(ctx context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, c.timeout)
		defer cancel()
		return fn(ctx)
	}
}

// boot reads the settings the UI needs and whether the database is empty.
// The database opens under the app's context alone, not the calls'
// timeout: an opening may rebuild the search index after an upgrade (a
// minute at 1M assets, said under "opening…"), and cut off at the timeout
// it was rolled back and every start failed the same way.
func (c *common) boot(open func(ctx context.Context) (Store, error), operator string) tea.Cmd {
	db := c.db
	read := c.do(func(ctx context.Context) tea.Msg { return c.bootRead(ctx, db, operator) })
	return func() tea.Msg {
		if db != nil {
			return read()
		}
		if open == nil {
			return bootMsg{err: fmt.Errorf("no database")}
		}
		var err error
		if db, err = open(c.ctx); err != nil {
			return bootMsg{err: fmt.Errorf("open database: %w", err)}
		}
		b := read().(bootMsg)
		b.db = db
		return b
	}
}

// bootRead reads what boot tells the root from the open database db.
func (c *common) bootRead(ctx context.Context, db Store, operator string) tea.Msg {
	var b bootMsg
	for _, s := range []struct {
		key string
		dst *string
	}{{store.SettingSite, &b.site}, {store.SettingTagPrefix, &b.prefix}, {SettingScannerPrefix, &b.scanPrefix}, {SettingPreprintedTag, &b.pretag}, {SettingScanGap, &b.scanGap}} {
		v, err := db.Setting(ctx, s.key)
		if err != nil {
			b.err = fmt.Errorf("read setting %s: %w", s.key, err)
			return b
		}
		*s.dst = v
	}
	n, err := db.CountAssets(ctx, store.AssetFilter{}, 1)
	if err != nil {
		b.err = fmt.Errorf("count assets: %w", err)
		return b
	}
	locs, err := db.LocationPicks(ctx)
	if err != nil {
		b.err = fmt.Errorf("list locations: %w", err)
		return b
	}
	b.empty = n == 0 && len(locs) == 0 && b.site == ""
	if operator != "" {
		// Given as a badge, username or email: recorded as signing in
		// by badge records them (store.Person.OperatorName).
		if p, err := db.PersonByCode(ctx, operator); err == nil && p.Active {
			b.operator = p.OperatorName()
		} else if err == nil {
			// A leaver does not sign in (as at the sign-in screen).
			b.leaver = p.Name
		} else if named, nerr := db.Person(ctx, operator); nerr == nil && !named.Active {
			b.leaver = named.Name // (by name, as the sign-in screen finds them)
		}
	}
	return b
}

// errText is the one line a refused action shows: the store's coded message.
func errText(err error) string {
	if err == nil {
		return ""
	}
	if store.ErrorCode(err) == store.EINTERNAL {
		return "internal error: " + oneLine(err.Error())
	}
	return forTheScreen(oneLine(store.ErrorMessage(err)))
}

var (
	cliCheckIn = regexp.MustCompile(` \(tagdesk checkin [^)]*\)`)
	cliStatus  = regexp.MustCompile(`with tagdesk status \S+ in_stock`)
)

// forTheScreen puts the store's hints of command lines ("take it out first
// (tagdesk checkin TD-1)") as the screen does them: a clerk at the desk
// has keys, not a shell.
func forTheScreen(msg string) string {
	msg = cliCheckIn.ReplaceAllString(msg, "")
	return cliStatus.ReplaceAllString(msg, "with t (status) on its asset screen")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// operatorName is how a person is recorded as the operator: a stable
// identifier first.
func operatorName(p store.Person) string { return p.OperatorName() }

// finishedStamp is when a count finished, in loc, with the count's own day
// when that is another (finished at 23:30 in New York on the 27th, read in
// Sydney): the day its audits have on every desk.
func finishedStamp(t store.Stocktake, loc *time.Location) string {
	at := stamp(t.FinishedAt, loc)
	if t.FinishedOn != "" && !strings.HasPrefix(at, t.FinishedOn) {
		at += " (dated " + t.FinishedOn + " where it was counted)"
	}
	return at
}

// stamp shows a stored time (RFC 3339, UTC) as people read it: local time to
// the minute. Anything else is shown as it is.
func stamp(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	if u := t.UTC(); u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		// A day without a time (an imported check-out's date): shown as
		// that day, not as the evening before west of UTC.
		return u.Format("2006-01-02")
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format("2006-01-02 15:04")
}
