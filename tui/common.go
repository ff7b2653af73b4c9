// Package tui is tagdesk's scanner-first terminal UI: a root model routing to
// one screen at a time (home, receive, check out, check in, find, asset
// detail, people and one person, stocktake, operator and first run), over
// the small store interfaces declared here (and, for the stocktake, person
// and dashboard screens, in their own files).
package tui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// Settings the terminal UI reads from the store's settings table.
const (
	// SettingScannerPrefix, when set, is the string the scanner sends before
	// every code: input that starts with it is always a scan, at any speed.
	SettingScannerPrefix = "scanner_prefix"
	// SettingPreprintedTag is a regular expression: a scan at receiving that
	// matches it (and is not in use) is a pre-printed tag to pair with the
	// next serial. Empty: any tag with this device's tag prefix.
	SettingPreprintedTag = "preprinted_tag_pattern"
	// SettingScanGap is the longest gap, in milliseconds, between two keys
	// of one scan (default 40): a scanner set to type slowly, or a desk
	// reached over a slow link, needs more. Options.ScanGap overrides it.
	SettingScanGap = "scan_gap_ms"
)

// DefaultScanGap is SettingScanGap's value while it is unset.
const DefaultScanGap = 40 * time.Millisecond

// ScanGapSetting reads SettingScanGap's value: 0 when empty; an error when
// it is not a whole number of milliseconds from 5 to 500.
func ScanGapSetting(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 5 || n > 500 {
		return 0, fmt.Errorf("%s is a whole number of milliseconds from 5 to 500 (got %q)", SettingScanGap, v)
	}
	return time.Duration(n) * time.Millisecond, nil
}

// dashboardStore is what the home screen reads.
type dashboardStore interface {
	StatusCounts(ctx context.Context) (map[store.Status]int, error)
	Attention(ctx context.Context, today time.Time, withinDays, first int) (store.Attention, error)
	PendingEvents(ctx context.Context) (int, error)
}

// lookupStore resolves scans and reads single records.
type lookupStore interface {
	Resolve(ctx context.Context, scan string) (store.Resolution, error)
	ResolveHolder(ctx context.Context, who string) (store.Holder, error)
	Asset(ctx context.Context, tag string) (store.Asset, error)
	History(ctx context.Context, subject string) ([]store.Event, error)
	Person(ctx context.Context, who string) (store.Person, error)
	PersonByCode(ctx context.Context, code string) (store.Person, error)
	PurchaseOrder(ctx context.Context, number string) (store.PurchaseOrder, error)
}

// catalogStore lists the small reference tables.
type catalogStore interface {
	Models(ctx context.Context) ([]store.Model, error)
	LocationPicks(ctx context.Context) ([]store.Location, error)
	People(ctx context.Context, f store.PeopleFilter) ([]store.Person, error)
}

// searchStore pages through the register.
type searchStore interface {
	SearchAssets(ctx context.Context, f store.AssetFilter) ([]store.Asset, error)
	CountAssets(ctx context.Context, f store.AssetFilter, limit int) (int, error)
}

// changeStore records changes; every one is an event.
type changeStore interface {
	Receive(ctx context.Context, r store.Receipt) (store.Asset, error)
	CheckTagScan(ctx context.Context, tag string) error       // a pre-printed tag's check character, when it is scanned
	TagShaped(ctx context.Context, code string) (bool, error) // a code shaped like the register's tags of another series (a pre-printed label)
	CheckOutTo(ctx context.Context, tag string, h store.Holder, due string) (store.Asset, error)
	CheckIn(ctx context.Context, tag string, opt store.CheckInOptions) (store.Asset, error)
	Move(ctx context.Context, tag, location string) (store.Asset, error)
	UpdateAssetIf(ctx context.Context, tag string, was, fields map[string]string) (store.Asset, error)
	Retire(ctx context.Context, tag, reason string) (store.Asset, error)
	SetStatus(ctx context.Context, tag string, to store.Status, reason string) (store.Asset, error)
	Swap(ctx context.Context, oldTag, newTag string, opt store.SwapOptions) (store.SwapResult, error)
}

// settingsStore is local configuration and the desk's operator.
type settingsStore interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	SetOperator(name string)
	Operator() string
	Now() time.Time
}

// Store is everything the terminal UI needs; *store.DB satisfies it.
type Store interface {
	dashboardStore
	lookupStore
	catalogStore
	searchStore
	changeStore
	settingsStore
}

var _ Store = (*store.DB)(nil)

// Clock gives the time and timers. Scan detection depends on when keys
// arrive, so tests inject a fake clock to make it deterministic.
type Clock interface {
	Now() time.Time
	// After returns a command that delivers msg after d.
	After(d time.Duration, msg tea.Msg) tea.Cmd
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// Options configure the terminal UI.
type Options struct {
	// Operator is who is at the desk (--operator, $TAGDESK_OPERATOR). Empty:
	// the UI asks (scan a badge or pick a name) before anything else.
	Operator string
	// NoColor turns colours off (NO_COLOR).
	NoColor bool
	// OfferDemo lets the first-run screen offer the demo database; choosing
	// it ends the program with [Model.WantsDemo] true.
	OfferDemo bool
	// Clock defaults to the real clock.
	Clock Clock
	// ScanGap is the longest gap between two keys of one scanner burst, and
	// the time a printable key is held before it counts as typed (default
	// 40 ms).
	ScanGap time.Duration
	// Timeout bounds each store call (default 10 s).
	Timeout time.Duration
	// Location is the time zone history is shown in (default: local time).
	Location *time.Location
	// Open, when New is given no store, opens it in a command after the
	// first frame is drawn, so that start-up shows something at once.
	Open func(ctx context.Context) (Store, error)

	// Printing, given the opened store, returns the label printer behind
	// the Labels screen (nil: previews and printing are off).
	Printing func(ctx context.Context, db Store) (Printer, error)
	// Syncing, given the opened store, returns the sync client for
	// background sync; nil (and no error) when the desk is not enrolled.
	Syncing func(ctx context.Context, db Store) (Syncer, error)
	// SyncState is the sync status the status line shows (default: the
	// store, when it keeps one).
	SyncState SyncStore
	// StatusEvery is how often the status line rereads the sync status
	// (default 5 s); SyncEvery how often background sync runs (default
	// 60 s); SyncTimeout bounds one sync (default 2 min).
	StatusEvery, SyncEvery, SyncTimeout time.Duration
}

// common is what every screen shares: dependencies, styles, keys and size.
type common struct {
	ctx     context.Context
	db      Store
	clock   Clock
	styles  *Styles
	keys    *keyMap
	timeout time.Duration
	loc     *time.Location
	site    string
	prefix  string // tag prefix, for spotting pre-printed tags
	pretag  string // SettingPreprintedTag
	nextID  int
	svc     *services // background sync and printing (statusline.go)
}

// newID numbers screens so that results reach the screen that asked.
func (c *common) newID() int {
	c.nextID++
	return c.nextID
}

// call runs fn with a bounded context. It is only ever called inside a
// tea.Cmd, never in Update.
func (c *common) call(fn func(ctx context.Context)) {
	ctx, cancel := context.WithTimeout(c.ctx, c.timeout)
	defer cancel()
	fn(ctx)
}

// screen is one page of the UI. Screens are pointers updated in place; only
// the root returns a tea.View.
type screen interface {
	help.KeyMap
	ID() int
	Title() string
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Capturing reports whether a text field has the keys, so single-letter
	// global shortcuts (q, ?) are off.
	Capturing() bool
}

// base is embedded by every screen.
type base struct {
	c             *common
	id            int
	width, height int
}

func newBase(c *common) base { return base{c: c, id: c.newID()} }

func (b *base) ID() int { return b.id }

func (b *base) SetSize(w, h int) { b.width, b.height = w, h }
