package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tagdesk/tagdesk/store"
)

var enterKey = tea.KeyPressMsg{Code: tea.KeyEnter}

var update = flag.Bool("update", false, "rewrite the golden files")

// epoch is the fixed time of every test.
var epoch = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// fakeClock is a deterministic Clock: time moves only when the test says,
// and timers fire only when the test advances past them.
type fakeClock struct {
	now    time.Time
	timers []fakeTimer
}

type fakeTimer struct {
	at  time.Time
	msg tea.Msg
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) After(d time.Duration, msg tea.Msg) tea.Cmd {
	at := c.now.Add(d)
	return func() tea.Msg {
		c.timers = append(c.timers, fakeTimer{at: at, msg: msg})
		return nil
	}
}

// earliest is the index of the first timer due by target, or -1.
func (c *fakeClock) earliest(target time.Time) int {
	best := -1
	for i, t := range c.timers {
		if !t.at.After(target) && (best < 0 || t.at.Before(c.timers[best].at)) {
			best = i
		}
	}
	return best
}

// harness drives the root model like huh's tests: it sends messages, runs
// the returned commands synchronously and feeds their messages back.
type harness struct {
	t     testing.TB
	m     *Model
	clk   *fakeClock
	db    *store.DB
	bells int
	quit  bool
	// hold keeps commands instead of running them, to model slow I/O.
	hold    bool
	pending []tea.Cmd
}

// newTestDB opens a fresh database with a fixed clock.
func newTestDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), store.Options{Operator: "setup", Now: func() time.Time { return epoch }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// seed adds two locations, a model, two people and n assets TD-000001...
func seed(t testing.TB, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.SetSetting(ctx, store.SettingSite, "Dublin"))
	_, err := db.AddLocation(ctx, "HQ", "Head office", "")
	must(err)
	_, err = db.AddLocation(ctx, "SHELF-A", "Shelf A", "HQ")
	must(err)
	_, err = db.AddModel(ctx, "Latitude 5440", "LAT5440", "Dell", "Laptop")
	must(err)
	_, err = db.AddPerson(ctx, store.PersonInput{Name: "Alice Smith", Badge: "B1001", Username: "alice"})
	must(err)
	_, err = db.AddPerson(ctx, store.PersonInput{Name: "Bob Jones", Badge: "B1002", Username: "bob"})
	must(err)
	var rs []store.Receipt
	for i := 1; i <= n; i++ {
		rs = append(rs, store.Receipt{Serial: serialOf(i), Model: "LAT5440", Location: "HQ"})
	}
	if n > 0 {
		_, err = db.ReceiveAll(ctx, rs)
		must(err)
	}
}

// serialOf makes serials with the letters that are shortcuts: q, r, o, i, p.
func serialOf(i int) string {
	return "SNQR" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i) + "PIO"
}

func itoa(i int) string {
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	if s == "" {
		return "0"
	}
	return s
}

func newHarness(t testing.TB, db *store.DB, opt Options, w, h int) *harness {
	t.Helper()
	clk := &fakeClock{now: epoch}
	opt.Clock = clk
	opt.Location = time.UTC
	hs := &harness{t: t, clk: clk, db: db, m: New(context.Background(), db, opt)}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(hs.m.Init())
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 100000 {
			h.t.Fatal("command loop did not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		if h.hold {
			h.pending = append(h.pending, c)
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.RawMsg:
			if msg.Msg == "\a" {
				h.bells++
			}
		case tea.QuitMsg:
			h.quit = true
		default:
			_, next := h.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// release runs the held commands in the given order (indexes into pending).
// scanHeld scans codes with the database busy: their commands are held
// until release, as scans that wait behind a sync or an import.
func (h *harness) scanHeld(codes ...string) {
	h.t.Helper()
	h.hold = true
	for _, c := range codes {
		h.scan(c)
	}
}

func (h *harness) release(order ...int) {
	h.t.Helper()
	cmds := h.pending
	h.pending = nil
	h.hold = false
	if len(order) == 0 {
		for i := range cmds {
			order = append(order, i)
		}
	}
	for _, i := range order {
		h.run(cmds[i])
	}
}

// advance moves the clock by d, firing each timer at its due time, in order,
// as a punctual runtime would.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	target := h.clk.now.Add(d)
	for {
		i := h.clk.earliest(target)
		if i < 0 {
			break
		}
		t := h.clk.timers[i]
		h.clk.timers = append(h.clk.timers[:i], h.clk.timers[i+1:]...)
		if t.at.After(h.clk.now) {
			h.clk.now = t.at
		}
		h.send(t.msg)
	}
	h.clk.now = target
}

// scan types s at scanner speed (2 ms a key) and ends it with Enter.
func (h *harness) scan(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.advance(100 * time.Millisecond)
}

// scanPaused types first at scanner speed, pauses (a scanner that stops
// mid-code), then scans rest with its Enter.
func (h *harness) scanPaused(first, rest string, pause time.Duration) {
	h.t.Helper()
	for _, r := range first {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.advance(pause)
	h.scan(rest)
}

// scanOneMessage delivers a scan as one multi-rune key message, as older
// terminals and SSH sessions do, then Enter.
func (h *harness) scanOneMessage(s string) {
	h.t.Helper()
	h.send(tea.KeyPressMsg{Code: []rune(s)[0], Text: s})
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.advance(100 * time.Millisecond)
}

// typeSlow types s like a person: 150 ms between keys.
func (h *harness) typeSlow(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(keyFor(r))
		h.advance(150 * time.Millisecond)
	}
}

// press sends a special key (enter, esc, tab, up, down, ...) like a person.
func (h *harness) press(name string) {
	h.t.Helper()
	k := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+t":    {Code: 't', Mod: tea.ModCtrl},
		"ctrl+s":    {Code: 's', Mod: tea.ModCtrl},
		"ctrl+d":    {Code: 'd', Mod: tea.ModCtrl},
		"ctrl+n":    {Code: 'n', Mod: tea.ModCtrl},
		"ctrl+u":    {Code: 'u', Mod: tea.ModCtrl},
		"ctrl+f":    {Code: 'f', Mod: tea.ModCtrl},
		"ctrl+g":    {Code: 'g', Mod: tea.ModCtrl},
		"ctrl+p":    {Code: 'p', Mod: tea.ModCtrl},
		"ctrl+l":    {Code: 'l', Mod: tea.ModCtrl},
		"ctrl+x":    {Code: 'x', Mod: tea.ModCtrl},
		"ctrl+o":    {Code: 'o', Mod: tea.ModCtrl},
		"f1":        {Code: tea.KeyF1},
	}[name]
	if k.Code == 0 {
		h.t.Fatalf("unknown key %q", name)
	}
	h.send(k)
	h.advance(150 * time.Millisecond)
}

func (h *harness) view() string { return ansi.Strip(h.m.render()) }

func (h *harness) title() string {
	if a := h.m.active(); a != nil {
		return a.Title()
	}
	return ""
}

func (h *harness) wantView(sub ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range sub {
		if !strings.Contains(v, s) {
			h.t.Fatalf("view lacks %q:\n%s", s, v)
		}
	}
}

func (h *harness) asset(tag string) store.Asset {
	h.t.Helper()
	a, err := h.db.Asset(context.Background(), tag)
	if err != nil {
		h.t.Fatalf("asset %s: %v", tag, err)
	}
	return a
}

// golden compares got with testdata/<Test>/<name>.golden (-update rewrites).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", strings.Split(t.Name(), "/")[0], name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
