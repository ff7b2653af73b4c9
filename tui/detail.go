package tui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// detailScreen shows an asset's fields and full history, with actions:
// check out, check in, move, edit a field, retire.
type detailScreen struct {
	base
	tag     string
	asset   *store.Asset
	history []store.Event
	scroll  int
	err     string
	msg     string
	msgBad  bool

	mode   detailMode
	action string // "checkout", "checkin", "move", "retire", "edit"
	cond   string // the check-in's condition (tab cycles it)
	edit   string // the field being edited
	// editFrom is the field's value the prompt was filled with: changed
	// since (the command line, a sync), the store refuses the edit
	// (UpdateAssetIf), not laid over the change unseen.
	editFrom string
	pick     int // cursor in editable fields
	input    field
	busy     bool
	to       store.Status // the status prompt's choice
	// burst says the prompt's field took fast keys without their Enter
	// (TookBurst): a scan, whose late Enter must not retire the asset;
	// burstKey that the next key is such a key.
	burst, burstKey bool
}

type detailMode int

const (
	modeView detailMode = iota
	modePick
	modePrompt
)

// editable are the fields UpdateAsset accepts, in the order people look for them.
var editable = []string{"name", "serial", "notes", "model", "home_location", "cost_centre", "supplier", "order_number", "purchase_date", "purchase_cost", "currency", "warranty_end", "eol_date", "next_audit"}

type detailLoadedMsg struct {
	to
	asset   store.Asset
	history []store.Event
	err     error
}

type detailActionMsg struct {
	to
	what  string
	asset store.Asset
	err   error
}

type detailResolvedMsg struct {
	to
	res store.Resolution
	err error
}

func newDetail(c *common, tag string) *detailScreen {
	return &detailScreen{base: newBase(c), tag: tag, input: newField("", "")}
}

// Typing reports text typed and not yet entered (ctrl+c does not quit then).
func (s *detailScreen) Typing() bool { return s.input.Value() != "" }

func (s *detailScreen) Title() string   { return "Asset " + s.tag }
func (s *detailScreen) Capturing() bool { return s.mode != modeView }
func (s *detailScreen) Init() tea.Cmd   { return s.load() }

// Refresh reloads when the screen comes back on top.
func (s *detailScreen) Refresh() tea.Cmd { return s.load() }

func (s *detailScreen) load() tea.Cmd {
	db, id, tag := s.c.db, s.id, s.tag
	return s.c.do(func(ctx context.Context) tea.Msg {
		m := detailLoadedMsg{to: to{id}}
		if m.asset, m.err = db.Asset(ctx, tag); m.err != nil {
			return m
		}
		m.history, m.err = db.History(ctx, m.asset.UID)
		return m
	})
}

func (s *detailScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case detailLoadedMsg:
		if msg.err != nil {
			s.err = errText(msg.err)
			return nil
		}
		s.err = ""
		s.asset, s.history = &msg.asset, msg.history
	case detailActionMsg:
		s.busy = false
		var again scanRefused
		if errors.As(msg.err, &again) && s.mode == modeView {
			// The scan answering the prompt named nothing it can use (a
			// mistyped badge, a label that is no place): the prompt asks
			// again, so that the next scan is its answer and not a scan
			// that opens something else.
			s.reprompt()
			s.msg, s.msgBad = errText(msg.err), true
			return bell()
		}
		if msg.err != nil {
			// Refused, perhaps because someone changed the asset meanwhile
			// (a check-out from the command line): show it as it now is.
			s.msg, s.msgBad = errText(msg.err), true
			return tea.Batch(bell(), s.load())
		}
		s.msg, s.msgBad = msg.what, false
		return s.load()
	case detailResolvedMsg:
		if msg.err != nil {
			s.msg, s.msgBad = errText(msg.err), true
			return bell()
		}
		if msg.res.Kind == store.ResolvedAsset {
			return navigate(navigateMsg{to: scrDetail, tag: msg.res.Asset.Tag, replace: true})
		}
		return openResolution(msg.res)
	case scanMsg:
		if s.mode == modePrompt {
			switch s.action {
			case "checkout", "checkin", "move", "swap": // the prompt asks for a scan
				s.input.SetValue(joinedScan(&s.input, msg))
				return s.submit()
			case "edit": // a scanned serial, say: confirmed with enter
				s.input.SetValue(joinedScan(&s.input, msg))
				return nil
			}
			// A scan never confirms a retirement: it cancels the prompt
			// and opens what was scanned, as it does anywhere else.
		}
		s.mode = modeView
		db, id, code := s.c.db, s.id, msg.code
		return s.c.do(func(ctx context.Context) tea.Msg {
			res, err := db.Resolve(ctx, code)
			return detailResolvedMsg{to: to{id}, res: res, err: err}
		})
	case tea.KeyPressMsg:
		switch s.mode {
		case modePick:
			return s.pickKey(msg)
		case modePrompt:
			return s.promptKey(msg)
		}
		return s.viewKey(msg)
	}
	return nil
}

func (s *detailScreen) viewKey(k tea.KeyPressMsg) tea.Cmd {
	keys := s.c.keys
	if s.asset == nil {
		if key.Matches(k, keys.Back) {
			return back
		}
		return nil
	}
	if s.asset.Status == store.StatusDisposed && (key.Matches(k, keys.CheckOut) || key.Matches(k, keys.Move) || key.Matches(k, keys.Edit)) {
		// Said at the key, not after a prompt filled in for nothing.
		s.msg, s.msgBad = fmt.Sprintf("%s is disposed: a disposal is final", s.asset.Tag), true
		return bell()
	}
	switch {
	case key.Matches(k, keys.Back):
		return back
	case key.Matches(k, keys.Down):
		s.scroll = min(s.scroll+1, max(0, len(s.history)-1))
	case key.Matches(k, keys.Up):
		s.scroll = max(0, s.scroll-1)
	case key.Matches(k, keys.CheckOut):
		s.prompt("checkout", checkOutPrompt, "")
	case key.Matches(k, keys.CheckIn):
		// Asked, not done at once: where it goes back to (its home, or
		// the place scanned) and in what condition (a swap's broken
		// laptop goes to repair), shown before it is recorded.
		if s.asset.Status != store.StatusDeployed {
			s.msg, s.msgBad = fmt.Sprintf("%s is not checked out (it is %s)", s.asset.Tag, s.asset.Status.Label()), true
			return bell()
		}
		s.cond = store.ConditionOK
		s.prompt("checkin", s.checkInLabel(), "")
	case key.Matches(k, keys.Swap):
		// A broken laptop for a working one: this one back (in repair,
		// tab changes), the one scanned to whoever had it.
		if s.asset.Status != store.StatusDeployed {
			s.msg, s.msgBad = fmt.Sprintf("%s is not checked out (it is %s): nothing to swap", s.asset.Tag, s.asset.Status.Label()), true
			return bell()
		}
		s.cond = store.ConditionRepair
		s.prompt("swap", s.swapLabel(), "")
	case key.Matches(k, keys.Move):
		s.prompt("move", movePrompt, "")
	case key.Matches(k, keys.Edit):
		s.mode, s.pick = modePick, 0
	case key.Matches(k, keys.Retire):
		// Said before asking for a reason the store would refuse anyway.
		if err := store.CanTransition(s.asset.Status, store.StatusRetired); err != nil {
			s.msg, s.msgBad = fmt.Sprintf("%s: %s", s.asset.Tag, errText(err)), true
			return bell()
		}
		s.prompt("retire", "retire: reason (enter to confirm, esc to cancel): ", "")
	case key.Matches(k, keys.SetState):
		// Back from repair, found again, sent to repair: the changes of
		// state no check-in makes (an asset in repair is not out).
		targets := statusTargets(s.asset.Status)
		if len(targets) == 0 {
			s.msg, s.msgBad = fmt.Sprintf("%s is %s: no status to set here (%s)", s.asset.Tag, s.asset.Status.Label(), statusHint(s.asset.Status)), true
			return bell()
		}
		s.to = targets[0]
		s.prompt("status", s.statusLabel(), "")
	case key.Matches(k, keys.Labels):
		return s.queueLabel()
	}
	return nil
}

// navKey: in view mode the asset's letters open a prompt (o i w m x t),
// the field list (e), scroll (j k) or do nothing; l queues a label (a
// change: never taken back).
func (s *detailScreen) navKey(k tea.KeyPressMsg) navKind {
	if s.mode != modeView || s.asset == nil || key.Matches(k, s.c.keys.Labels) {
		return navNo
	}
	return navHere
}

// undoNav closes the prompt or field list a letter opened, and what it
// said (a refusal).
func (s *detailScreen) undoNav() {
	s.mode = modeView
	s.msg, s.msgBad = "", false
}

// actions is the line of what can be done to the asset as it is.
func (s *detailScreen) actions() string {
	switch s.asset.Status {
	case store.StatusDisposed:
		return "disposed: a disposal is final; nothing to do but read its history"
	case store.StatusDeployed:
		return "i check in · w swap · m move · e edit · l label"
	case store.StatusInStock:
		return "o check out · t status · m move · e edit · x retire · l label"
	case store.StatusRetired:
		return "t status · m move · e edit · l label"
	}
	return "t status · m move · e edit · x retire · l label"
}

// statusTargets are the states the asset screen's t sets from one:
// in stock, in repair, missing, as the store allows them.
func statusTargets(from store.Status) []store.Status {
	var out []store.Status
	for _, to := range []store.Status{store.StatusInStock, store.StatusInRepair, store.StatusMissing} {
		if store.CanTransition(from, to) == nil {
			out = append(out, to)
		}
	}
	return out
}

// statusHint says what changes the state of an asset t cannot.
func statusHint(st store.Status) string {
	switch st {
	case store.StatusDeployed:
		return "check it in: i"
	case store.StatusDisposed:
		return "a disposal is final"
	}
	return "see tagdesk status --help"
}

// statusLabel is the status prompt: the state chosen and a reason.
func (s *detailScreen) statusLabel() string {
	return fmt.Sprintf("set %s (tab changes); reason (enter to confirm, esc to cancel): ", s.to.Label())
}

// swapBack says what becomes of the asset a swap takes back, by condition.
var swapBack = map[string]string{store.ConditionOK: "back in stock", store.ConditionRepair: "back in repair",
	store.ConditionRetire: "back, retired", store.ConditionMissing: "lost"}

// swapLabel is the swap prompt: who gets the replacement, and the condition
// this one comes back in.
func (s *detailScreen) swapLabel() string {
	return fmt.Sprintf("swap: scan its replacement · this one %s (tab): ", swapBack[s.cond])
}

// checkInLabel is the check-in prompt: its condition and where it goes.
func (s *detailScreen) checkInLabel() string {
	if s.cond == store.ConditionMissing {
		return "check in as not returned: marked missing where it was last recorded (enter; tab changes): "
	}
	return fmt.Sprintf("check in, %s (tab changes), at (enter: its home %s; or scan a location): ", s.cond, orDash(s.asset.HomeLocationCode))
}

// scanRefused is a prompt's scanned answer refused for what it names (no
// such person or place, not an asset): the prompt asks again.
type scanRefused struct{ error }

func (e scanRefused) Unwrap() error { return e.error }

// reprompt opens again, empty, the prompt whose answer was refused.
func (s *detailScreen) reprompt() {
	switch s.action {
	case "checkout":
		s.prompt("checkout", checkOutPrompt, "")
	case "move":
		s.prompt("move", movePrompt, "")
	case "swap":
		s.prompt("swap", s.swapLabel(), "")
	case "checkin":
		s.prompt("checkin", s.checkInLabel(), "") // (its condition kept)
	}
}

const (
	checkOutPrompt = "check out to (scan a badge, location or parent tag): "
	movePrompt     = "move to location (scan or type its code): "
)

// TookBurst says the key about to come is a burst's: the prompt's text is
// then a scan's, until a key typed edits it.
func (s *detailScreen) TookBurst() {
	if s.mode == modePrompt {
		s.burstKey = true
	}
}

func (s *detailScreen) prompt(action, label, value string) {
	s.mode, s.action, s.burst = modePrompt, action, false
	s.input = newField(label, "")
	if action == "edit" {
		// What is stored comes back whole (notes hold up to 16 kB): the
		// field's 256-character cap cut a long note on enter. The store
		// judges the length.
		s.input.limit = 0
	}
	s.input.SetValue(value)
	s.input.Focus()
	s.msg = ""
}

func (s *detailScreen) pickKey(k tea.KeyPressMsg) tea.Cmd {
	keys := s.c.keys
	switch {
	case key.Matches(k, keys.Back):
		s.mode = modeView
	case key.Matches(k, keys.Down):
		s.pick = min(len(editable)-1, s.pick+1)
	case key.Matches(k, keys.Up):
		s.pick = max(0, s.pick-1)
	case k.String() == "enter":
		s.edit = editable[s.pick]
		s.editFrom = fieldValue(*s.asset, s.edit)
		s.prompt("edit", s.edit+": ", s.editFrom)
	}
	return nil
}

func (s *detailScreen) promptKey(k tea.KeyPressMsg) tea.Cmd {
	if s.burstKey {
		s.burstKey, s.burst = false, true
	} else if k.String() != "enter" {
		s.burst = false // typed: the text is the person's now
	}
	switch {
	case key.Matches(k, s.c.keys.Back):
		s.mode = modeView
		return nil
	case k.String() == "enter" && (s.action == "retire" || s.action == "status") && s.burst:
		// A retirement's reason is typed. Text that came as a burst was
		// a scan (an asset meant to be opened, its Enter late): its Enter
		// does not retire; a second one, pressed, does.
		s.burst = false
		what := "retire"
		if s.action == "status" {
			what = "set " + s.to.Label()
		}
		s.msg, s.msgBad = "that reason came as a scan (fast keys without Enter): type the reason, or press enter again to "+what+" with it", true
		return bell()
	case k.String() == "enter":
		return s.submit()
	case s.action == "checkin" && key.Matches(k, s.c.keys.Condition):
		s.cond = nextCondition(notReturned, s.cond)
		s.input.prompt = s.checkInLabel()
		return nil
	case s.action == "status" && key.Matches(k, s.c.keys.Condition):
		ts := statusTargets(s.asset.Status)
		if i := slices.Index(ts, s.to); len(ts) > 0 {
			s.to = ts[(i+1)%len(ts)]
		}
		s.input.prompt = s.statusLabel()
		return nil
	case s.action == "swap" && key.Matches(k, s.c.keys.Condition):
		s.cond = nextCondition(notReturned, s.cond)
		s.input.prompt = s.swapLabel()
		return nil
	}
	s.input.Update(k)
	return nil
}

func (s *detailScreen) submit() tea.Cmd {
	v := strings.TrimSpace(s.input.Value())
	action, edit := s.action, s.edit
	s.mode = modeView
	switch action {
	case "checkin":
		// (From whom the screen shows: one checked in and out again
		// elsewhere meanwhile is refused, not taken from someone unseen.)
		cond, from := s.cond, s.asset.Custodian
		if cond == store.ConditionMissing {
			v = "" // missing where it was last recorded, as the prompt says
		}
		return s.run("checked in ("+cond+")", func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			a, err := db.CheckIn(ctx, tag, store.CheckInOptions{Location: v, Condition: cond, From: from})
			if v != "" && store.ErrorCode(err) == store.ENOTFOUND {
				err = scanRefused{err} // no such place: asked again
			}
			return a, err
		})
	case "checkout":
		if v == "" {
			return nil
		}
		return s.run("checked out to "+v, func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			h, err := db.ResolveHolder(ctx, v)
			if err != nil {
				return store.Asset{}, scanRefused{err}
			}
			return db.CheckOutTo(ctx, tag, h, "")
		})
	case "move":
		if v == "" {
			return nil
		}
		return s.run("moved to "+v, func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			a, err := db.Move(ctx, tag, v)
			if store.ErrorCode(err) == store.ENOTFOUND {
				err = scanRefused{err} // no such place
			}
			return a, err
		})
	case "swap":
		if v == "" {
			return nil
		}
		cond, holder, back := s.cond, s.asset.CustodianName, swapBack[s.cond]
		if s.busy || s.asset == nil {
			return nil
		}
		s.busy = true
		db, id, tag := s.c.db, s.id, s.asset.Tag
		return s.c.do(func(ctx context.Context) tea.Msg {
			// The replacement as any scan names an asset: its tag, its
			// serial or its label's URL.
			msg := detailActionMsg{to: to{id}}
			res, err := db.Resolve(ctx, v)
			switch {
			case store.ErrorCode(err) == store.ENOTFOUND:
				msg.err = scanRefused{store.Errorf(store.ENOTFOUND, "no asset has the tag or serial %s: scan the replacement's label", v)}
			case err != nil:
				msg.err = err
			case res.Kind != store.ResolvedAsset:
				msg.err = scanRefused{store.Errorf(store.EINVALID, "%s is not an asset's label: scan the replacement's (its tag, serial or QR code)", v)}
			default:
				sw, err := db.Swap(ctx, tag, res.Asset.Tag, store.SwapOptions{CheckInOptions: store.CheckInOptions{Condition: cond}})
				msg.asset, msg.err = sw.Returned, err
				// Who has it now, as recorded: the screen's holder may be of
				// before (a check-in and out made elsewhere since it opened).
				msg.what = fmt.Sprintf("%s %s; %s checked out to %s", tag, back, sw.Given.Tag, cmp.Or(sw.Given.CustodianName, holder))
			}
			return msg
		})
	case "retire":
		return s.run("retired", func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			return db.Retire(ctx, tag, v)
		})
	case "status":
		to := s.to
		return s.run("now "+to.Label(), func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			return db.SetStatus(ctx, tag, to, v)
		})
	case "edit":
		from := s.editFrom
		return s.run(edit+" changed", func(ctx context.Context, db Store, tag string) (store.Asset, error) {
			// One transaction checks and writes: a change made since the
			// prompt was filled (the command line, a sync) is refused, the
			// screen reloaded to show it, never laid over unseen.
			return db.UpdateAssetIf(ctx, tag, map[string]string{edit: from}, map[string]string{edit: v})
		})
	}
	return nil
}

// run performs one action on the asset in a command.
func (s *detailScreen) run(what string, fn func(ctx context.Context, db Store, tag string) (store.Asset, error)) tea.Cmd {
	if s.busy || s.asset == nil {
		return nil
	}
	s.busy = true
	db, id, tag := s.c.db, s.id, s.asset.Tag
	return s.c.do(func(ctx context.Context) tea.Msg {
		a, err := fn(ctx, db, tag)
		return detailActionMsg{to: to{id}, what: tag + " " + what, asset: a, err: err}
	})
}

// fieldValue is the current value of an editable field, as the store
// compares it (Asset.Field).
func fieldValue(a store.Asset, f string) string {
	v, _ := a.Field(f)
	return v
}

func (s *detailScreen) View() string {
	st := s.c.styles
	w, h := s.width, s.height
	if s.err != "" {
		return st.Err.Render(s.err) + "\n" + st.Dim.Render("esc to go back")
	}
	if s.asset == nil {
		return st.Dim.Render("loading " + s.tag + "…")
	}
	a := *s.asset
	var out []string
	out = append(out, st.Title.Render(truncate(a.Tag+"  "+assetLabel(a), w-14))+"  "+st.status(a.Status))
	holder := "—"
	if a.CustodianName != "" {
		holder = a.CustodianName
		if a.Custodian != "" && a.Custodian != a.CustodianName {
			holder += " (" + a.Custodian + ")"
		}
	}
	due := a.DueDate
	if due != "" && a.Status == store.StatusDeployed && due < s.c.clock.Now().In(s.c.loc).Format("2006-01-02") {
		due += "  OVERDUE" // as Home and People say it
	}
	pairs := [][2]string{
		{"serial", a.Serial}, {"model", strings.TrimSpace(store.MakerModel(a.Manufacturer, a.Model) + " " + a.ModelNumber)},
		{"category", a.Category}, {"location", strings.TrimSpace(a.LocationCode + " " + a.LocationName)},
		{"home", a.HomeLocationCode}, {"held by", holder}, {"installed", strings.Join(a.Installed, " ")},
		{"checked out", stamp(a.CheckedOutAt, s.c.loc)}, {"due", due},
		{"supplier", a.Supplier}, {"order", joinDistinct(a.PONumber, a.OrderNumber)},
		{"purchased", a.PurchaseDate}, {"cost", strings.TrimSpace(a.PurchaseCost + " " + a.Currency)},
		{"warranty end", a.WarrantyEnd}, {"end of life", a.EOLDate},
		{"cost centre", a.CostCentre}, {"last audit", a.LastAudit},
		{"next audit", a.NextAudit}, {"notes", a.Notes},
	}
	for _, k := range sortedCustom(a.Custom) {
		pairs = append(pairs, [2]string{k, a.Custom[k]})
	}
	if a.Disposal != nil {
		pairs = append(pairs, [2]string{"disposal", a.Disposal.Method + " " + a.Disposal.Certificate})
	}
	var shown [][2]string
	for _, p := range pairs {
		if p[1] != "" {
			shown = append(shown, p)
		}
	}
	// What follows the fields stays in view: the prompt (or the action
	// line) and the first events of the history, or the field picker.
	// The fields get the rest: in two columns when one would not fit, then
	// with a line counting those left out.
	// The last message, wrapped: what a refusal says to do is at its end.
	var msgBlock []string
	if s.msg != "" {
		style, mark := st.OK, "✓ "
		if s.msgBad {
			style, mark = st.Err, "✗ "
		}
		msgBlock = wrapMsg(style, mark+s.msg, w)
	}
	below := max(1, len(msgBlock)) + 1 + min(3, len(s.history)) // actions or a message, the history's title, its first events
	switch s.mode {
	case modePrompt:
		below = len(msgBlock) + strings.Count(s.input.View(st, w), "\n") + 1 + 1 + min(3, len(s.history))
	case modePick:
		below = 1 + min(len(editable), 6)
	}
	out = append(out, s.fieldLines(shown, max(1, h-len(out)-below))...)
	switch s.mode {
	case modePrompt:
		// A refused scan's reason stays above the prompt asking again.
		out = append(out, msgBlock...)
		out = append(out, s.input.View(st, w))
	case modePick:
		out = append(out, st.Section.Render("Edit which field? (enter to choose, esc to cancel)"))
		room := max(3, h-len(out)-2)
		start := max(0, s.pick-room+1)
		for i := start; i < len(editable) && i < start+room; i++ {
			line := fmt.Sprintf("  %-14s %s", editable[i], flat(fieldValue(a, editable[i])))
			if i == s.pick {
				line = st.Selected.Render(truncate(line, w))
			}
			out = append(out, line)
		}
		return strings.Join(out, "\n")
	default:
		if len(msgBlock) > 0 {
			out = append(out, msgBlock...)
		} else {
			out = append(out, st.Dim.Render(truncate(s.actions(), w)))
		}
	}
	events := "events"
	if len(s.history) == 1 {
		events = "event"
	}
	out = append(out, st.Section.Render(fmt.Sprintf("History (%d %s, newest first)", len(s.history), events)))
	room := h - len(out)
	for i := len(s.history) - 1 - s.scroll; i >= 0 && room > 0; i-- {
		e := s.history[i]
		op := e.Operator
		if op == "" {
			op = "—"
		}
		// The description wraps under itself (where from and to, which
		// file an import read): cut at the edge, it lost what history is for.
		prefix := fmt.Sprintf("%s  %s ", e.At.In(s.c.loc).Format("2006-01-02 15:04"), column(op, 10))
		indent := cellWidth(prefix)
		desc := store.Describe(e)
		if e.Site != "" && e.Site != s.c.site {
			desc += " (at " + e.Site + ")" // made at another desk's site
		}
		parts := []string{desc}
		if w-indent >= 20 {
			parts = wrapWords(parts[0], w-indent)
		}
		for j, p := range parts {
			if room == 0 {
				break
			}
			if j == 0 {
				out = append(out, truncate(prefix+p, w))
			} else {
				out = append(out, truncate(strings.Repeat(" ", indent)+p, w))
			}
			room--
		}
	}
	return strings.Join(out, "\n")
}

// fieldLines lays out the asset's fields in at most room lines: one column
// (two from 90 columns wide), two if one would not fit (from 60), and the
// last line counting what does not fit.
func (s *detailScreen) fieldLines(shown [][2]string, room int) []string {
	st, w := s.c.styles, s.width
	cols := 1
	if w >= 90 || w >= 60 && len(shown) > room {
		cols = 2
	}
	colW := w / cols
	// The labels' column as wide as the widest label (a custom field's
	// name: "MAC Address (Ethernet)" and "MAC Address (Wi-Fi)" cut to 12
	// looked alike), up to a third of a column; those longer keep their
	// ends (clipMiddle).
	labW := 12
	for _, p := range shown {
		labW = max(labW, cellWidth(p[0]))
	}
	labW = min(labW, max(12, colW/3))
	var lines []string
	for i := 0; i < len(shown); i += cols {
		if len(lines) == room-1 && len(shown)-i > cols {
			more := len(shown) - i
			lines = append(lines, st.Dim.Render(truncate(fmt.Sprintf("… %d more field(s): e to edit, or tagdesk asset show %s", more, s.tag), w)))
			break
		}
		var line strings.Builder
		for j := 0; j < cols && i+j < len(shown); j++ {
			p := shown[i+j]
			v := truncate(flat(p[1]), colW-labW-2)
			line.WriteString(st.Label.Render(column(clipMiddle(p[0], labW), labW)+" ") + v)
			if j < cols-1 {
				line.WriteString(strings.Repeat(" ", max(1, colW-labW-1-cellWidth(v))))
			}
		}
		lines = append(lines, line.String())
	}
	return lines
}

// flat puts a value of several lines on one line of the grid (a field a
// line): a line break shows as ⏎, a tab as a space.
func flat(v string) string {
	return strings.NewReplacer("\r\n", " ⏎ ", "\n", " ⏎ ", "\r", " ⏎ ", "\t", " ").Replace(v)
}

func sortedCustom(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *detailScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.mode != modeView {
		return []key.Binding{k.Open, k.Back}
	}
	return append(s.actionKeys(), k.Back) // (↑/↓ are in help: they cut esc at 80)
}

// actionKeys are the keys of what can be done to the asset as it is (as
// actions says it): a disposed asset's footer offered them all.
func (s *detailScreen) actionKeys() []key.Binding {
	k := s.c.keys
	if s.asset == nil {
		return nil
	}
	switch s.asset.Status {
	case store.StatusDisposed:
		return nil
	case store.StatusDeployed:
		return []key.Binding{k.CheckIn, k.Swap, k.Move, k.Edit, k.Labels}
	case store.StatusInStock:
		return []key.Binding{k.CheckOut, k.SetState, k.Move, k.Edit, k.Retire, k.Labels}
	case store.StatusRetired:
		return []key.Binding{k.SetState, k.Move, k.Edit, k.Labels}
	}
	return []key.Binding{k.SetState, k.Move, k.Edit, k.Retire, k.Labels}
}

func (s *detailScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	return [][]key.Binding{s.actionKeys(), {k.Up, k.Down, k.Back, k.Quit}}
}

// joinDistinct joins the non-empty values, dropping repeats.
func joinDistinct(vs ...string) string {
	var out []string
	for _, v := range vs {
		if v != "" && (len(out) == 0 || out[len(out)-1] != v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, " ")
}
