package tui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// receiveScreen: set the model, an optional purchase order and the location
// once, then scan serials in a loop; each creates an asset with the next
// tag. An unused pre-printed tag scanned first is paired with the serial
// scanned after it.
type receiveScreen struct {
	base
	// beyond are the order/model pairs already warned of as received
	// beyond their order (order number, NUL, model): warned once.
	beyond   map[string]bool
	scanning bool
	focus    int // setup: 0 model, 1 purchase order, 2 location
	fields   [3]field
	models   []store.Model
	locs     []store.Location
	sel      int // cursor in the matching models or locations
	model    *store.Model
	location *store.Location
	po       *store.PurchaseOrder
	pretag   *regexp.Regexp
	pending  string // a pre-printed tag waiting for its serial
	// dupSerial is a serial just refused as another asset's: ctrl+d then
	// receives it all the same (Snipe-IT allows it; a scan of it then asks
	// which asset). A second scan of it is refused again: a scanner's
	// double read, or a clerk answering the bell, must not make a second
	// asset. allowDup is the serial ctrl+d let through; dupTag the
	// pre-printed tag that waited for it, which ctrl+d pairs with it.
	dupSerial, allowDup, dupTag string
	// recheck is set while the catalogue is read again for an enter that
	// matched no model or location (choose), in field recheckField with
	// the text recheckText: the enter is taken when it comes back, unless
	// the clerk has moved on.
	recheck      bool
	recheckField int
	recheckText  string
	// loaded says the catalogue has been read once; early holds the setup
	// scans that came before (a location label scanned as the screen
	// opened matched no location of an empty list), taken in order then.
	loaded bool
	early  []scanMsg
	input  field
	queue  scanQueue
	feed   feed
	err    string
}

type receiveCatalogMsg struct {
	to
	models []store.Model
	locs   []store.Location
	err    error
}

type receivePOMsg struct {
	to
	po      store.PurchaseOrder
	err     error
	scanned string // a scan in another field, tried as an order: what it was
}

type receiveResult struct {
	to
	code string
	tag  string // the scan was an unused pre-printed tag
	// tagScan says the scan was read as a pre-printed tag (refused if err):
	// a tag waiting for its serial is not paired with the next box's.
	tagScan bool
	place   *store.Location // the scan was a location's label: receive there from now on
	asset   store.Asset
	// arrived says the serial was an asset on order's: that asset came.
	arrived bool
	po      *store.PurchaseOrder
	err     error
}

func newReceive(c *common) *receiveScreen {
	s := &receiveScreen{base: newBase(c), input: newField("› ", "scan a serial (or a pre-printed tag, then its serial)")}
	s.fields[0] = newField("model:    ", "type to search the catalogue")
	s.fields[1] = newField("order:    ", "purchase order number (optional)")
	s.fields[2] = newField("location: ", "type or scan a location code")
	s.fields[0].Focus()
	if c.pretag != "" {
		if re, err := regexp.Compile(c.pretag); err == nil {
			s.pretag = re
		} else {
			s.err = fmt.Sprintf("setting %s is not a valid pattern: %v", SettingPreprintedTag, err)
		}
	}
	return s
}

// Typing reports a serial or the setup typed and not yet entered, or a
// pre-printed tag waiting for its serial (ctrl+c does not quit then).
// Recording is how many scans wait to be recorded (ctrl+c asks first).
func (s *receiveScreen) Recording() int { return s.queue.len() }

func (s *receiveScreen) Typing() bool {
	if !s.scanning {
		return s.fields[s.focus].Value() != "" // (the setup being typed)
	}
	return s.input.Value() != "" || s.pending != "" // (a pre-printed tag waiting for its serial)
}

func (s *receiveScreen) Title() string   { return "Receive" }
func (s *receiveScreen) Capturing() bool { return true }

func (s *receiveScreen) Init() tea.Cmd {
	db, id := s.c.db, s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		m := receiveCatalogMsg{to: to{id}}
		if m.models, m.err = db.Models(ctx); m.err != nil {
			return m
		}
		m.locs, m.err = db.LocationPicks(ctx)
		return m
	})
}

// isPreTag reports whether a scan looks like one of our pre-printed tags.
func (s *receiveScreen) isPreTag(code string) bool {
	t := store.NormalizeTag(code)
	if store.ValidateTag(t) != nil {
		return false
	}
	if s.pretag != nil {
		return s.pretag.MatchString(t)
	}
	return store.PrefixShaped(s.c.prefix, t)
}

// The setup's refusals of a model or a location typed that matched
// nothing: dropped once one is chosen (feed.putRight).
const (
	noModel    = "no model matches"
	noLocation = "no location matches"
)

func (s *receiveScreen) matchingModels() []store.Model {
	q := store.Fold(strings.TrimSpace(s.fields[0].Value()))
	var out []store.Model
	for _, m := range s.models {
		if q == "" || strings.Contains(store.Fold(m.Name+" "+m.ModelNumber+" "+m.Manufacturer), q) {
			out = append(out, m)
		}
	}
	return out
}

func (s *receiveScreen) matchingLocations() []store.Location {
	q := store.Fold(strings.TrimSpace(s.fields[2].Value()))
	var out []store.Location
	for _, l := range s.locs {
		if q == "" || strings.Contains(store.Fold(l.Code+" "+l.Name), q) {
			out = append(out, l)
		}
	}
	return out
}

func (s *receiveScreen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scanRefusedMsg:
		s.feed.refuse("%s", msg.reason) // (the bell has rung)
		return nil
	case receiveCatalogMsg:
		s.err = errText(msg.err)
		s.models, s.locs = msg.models, msg.locs
		if !s.loaded {
			s.loaded = true
			var cmds []tea.Cmd
			for _, m := range s.early {
				cmds = append(cmds, s.Update(m))
			}
			s.early = nil
			return tea.Batch(cmds...)
		}
		if s.recheck {
			// Read again for an enter that found nothing: it is taken now,
			// if the clerk is still where they pressed it.
			var cmd tea.Cmd
			if !s.scanning && s.focus == s.recheckField && s.fields[s.focus].Value() == s.recheckText {
				cmd = s.choose()
			}
			s.recheck = false
			return cmd
		}
	case receivePOMsg:
		if msg.err != nil {
			// The order set before stays, and shows (a bad scan in the
			// location field looked up as an order cleared the field
			// while the order still counted).
			s.fields[1].Reset()
			if s.po != nil {
				s.fields[1].SetValue(s.po.Number)
			}
			if msg.scanned != "" && store.ErrorCode(msg.err) == store.ENOTFOUND {
				return s.feed.refuse("%q is not a location code, a model or a purchase order", msg.scanned)
			}
			return s.feed.refuse("%s", errText(msg.err))
		}
		s.po = &msg.po
		s.fields[1].SetValue(msg.po.Number)
		// (A mistyped number refused before it stayed in view under the
		// order found.)
		s.feed.settled()
		s.setupNext()
	case scanMsg:
		if !s.scanning && !s.loaded {
			s.early = append(s.early, msg)
			return nil
		}
		if !s.scanning {
			if v := s.fields[s.focus].Value(); msg.late && strings.HasSuffix(v, msg.code) {
				// The whole code went into the focused field as text
				// before its late Enter: it is the scan's, not the field's
				// (a model number scanned with the order field focused).
				s.fields[s.focus].SetValue(strings.TrimSuffix(v, msg.code))
				return tea.Batch(s.rechoose(s.focus), s.setupScan(msg.code))
			}
			return s.setupScan(msg.code)
		}
		if code, ok := s.queue.push(lineWith(&s.input, msg)); ok {
			return s.start(code)
		}
	case receiveResult:
		cmd := s.result(msg)
		if code, ok := s.queue.done(); ok {
			return tea.Batch(cmd, s.start(code))
		}
		return cmd
	case tea.KeyPressMsg:
		if s.scanning {
			return s.scanKey(msg)
		}
		return s.setupKey(msg)
	}
	return nil
}

// setupScan fills the setup from a scan: a location label, a model number
// or name, or a purchase order number (in the order field, or anywhere
// when nothing else matches).
func (s *receiveScreen) setupScan(code string) tea.Cmd {
	if c, err := store.CleanScan(code); err == nil {
		code = c // (a location label read with the scanner's AIM prefix)
	}
	up := store.NormalizeTag(code)
	for _, l := range s.locs {
		if l.Code == up {
			s.location = &l
			s.fields[2].SetValue(l.Code)
			s.feed.putRight(noLocation)
			return s.maybeStart()
		}
	}
	for _, m := range s.models {
		if strings.EqualFold(m.ModelNumber, code) || strings.EqualFold(m.Name, code) {
			s.model = &m
			s.fields[0].SetValue(m.Name)
			s.feed.putRight(noModel)
			return s.maybeStart()
		}
	}
	if s.focus != 1 {
		// Not a location label or a model: text typed fast into the model
		// or location field (it arrives as a burst, like a scan) narrows
		// its list as typing does, and one match is chosen.
		s.fields[s.focus].SetValue(code)
		s.sel = 0
		var n int
		if s.focus == 0 {
			s.model, n = nil, len(s.matchingModels())
		} else {
			s.location, n = nil, len(s.matchingLocations())
		}
		if n == 1 {
			return s.choose()
		}
		if n == 0 {
			// Nothing in the list: perhaps the order's barcode.
			s.fields[s.focus].Reset()
			db, id := s.c.db, s.id
			return s.c.do(func(ctx context.Context) tea.Msg {
				po, err := db.PurchaseOrder(ctx, code)
				return receivePOMsg{to: to{id}, po: po, err: err, scanned: code}
			})
		}
		return nil
	}
	s.fields[1].SetValue(code)
	return s.lookupPO(code)
}

// pendingPO looks up an order number typed but not yet looked up (left
// with tab, or ctrl+s pressed in the field): never silently dropped.
func (s *receiveScreen) pendingPO() tea.Cmd {
	if v := strings.TrimSpace(s.fields[1].Value()); v != "" && s.po == nil {
		return s.lookupPO(v)
	}
	return nil
}

func (s *receiveScreen) lookupPO(number string) tea.Cmd {
	db, id := s.c.db, s.id
	return s.c.do(func(ctx context.Context) tea.Msg {
		po, err := db.PurchaseOrder(ctx, number)
		return receivePOMsg{to: to{id}, po: po, err: err}
	})
}

func (s *receiveScreen) maybeStart() tea.Cmd {
	if s.model != nil && s.location != nil {
		s.startScanning()
	} else {
		s.setupNext()
	}
	return nil
}

func (s *receiveScreen) focusField(i int) {
	s.fields[s.focus].Blur()
	s.focus, s.sel = i, 0
	s.fields[i].Focus()
}

// setupNext moves to the first field still missing.
func (s *receiveScreen) setupNext() {
	switch {
	case s.model == nil:
		s.focusField(0)
	case s.location == nil:
		s.focusField(2)
	default:
		s.startScanning()
	}
}

func (s *receiveScreen) startScanning() {
	s.scanning = true
	s.fields[s.focus].Blur()
	s.input.Focus()
	s.feed.settled() // (the setup's refusals: put right, or it would not start)
	s.feed.note("receiving %s at %s", s.model.Name, s.location.Code)
}

func (s *receiveScreen) setupKey(k tea.KeyPressMsg) tea.Cmd {
	keys := s.c.keys
	switch {
	case key.Matches(k, keys.Back):
		return back
	case key.Matches(k, keys.Start):
		if s.model == nil || s.location == nil {
			// (A word to the person, not a refused scan to count.)
			s.feed.push(feedLine{text: "choose a model and a location first"})
			return bell()
		}
		if cmd := s.pendingPO(); cmd != nil {
			return cmd // looked up first; scanning starts when it is found
		}
		s.startScanning()
		return nil
	case key.Matches(k, keys.Next):
		cmd := s.pendingPO()
		s.focusField((s.focus + 1) % 3)
		return cmd
	case key.Matches(k, keys.Prev):
		cmd := s.pendingPO()
		s.focusField((s.focus + 2) % 3)
		return cmd
	case k.String() == "down":
		s.sel++
		return nil
	case k.String() == "up":
		s.sel = max(0, s.sel-1)
		return nil
	case k.String() == "enter":
		return s.choose()
	}
	if s.fields[s.focus].Update(k) {
		s.sel = 0
		s.unset(s.focus)
	}
	return nil
}

// rechoose takes again what setup field i shows, its text given back as
// it was before a scan's keys went there (they unset its choice): the
// model or location it names exactly, or the order number, looked up.
func (s *receiveScreen) rechoose(i int) tea.Cmd {
	v := strings.TrimSpace(s.fields[i].Value())
	switch {
	case v == "":
		s.unset(i)
	case i == 0:
		s.model = nil
		for _, m := range s.models {
			if m.Name == v {
				s.model = &m
			}
		}
	case i == 1:
		s.po = nil
		return s.pendingPO()
	case i == 2:
		s.location = nil
		for _, l := range s.locs {
			if l.Code == v {
				s.location = &l
			}
		}
	}
	return nil
}

// unset forgets what setup field i chose, its text changed.
func (s *receiveScreen) unset(i int) {
	switch i {
	case 0:
		s.model = nil
	case 1:
		s.po = nil
	case 2:
		s.location = nil
	}
}

// choose takes what the focused setup field holds: the model or location
// selected in its list, or the purchase order number.
func (s *receiveScreen) choose() tea.Cmd {
	switch s.focus {
	case 0:
		ms := s.matchingModels()
		if len(ms) == 0 {
			if !s.recheck {
				return s.readAgain()
			}
			return s.feed.refuse(noModel+" %q (add it with: tagdesk model add, then enter again)", s.fields[0].Value())
		}
		m := ms[min(s.sel, len(ms)-1)]
		s.model = &m
		s.fields[0].SetValue(m.Name)
		s.feed.putRight(noModel)
		s.focusField(1)
	case 1:
		if v := strings.TrimSpace(s.fields[1].Value()); v != "" {
			return s.lookupPO(v)
		}
		s.po = nil
		s.setupNext()
	case 2:
		ls := s.matchingLocations()
		if len(ls) == 0 {
			if !s.recheck {
				return s.readAgain()
			}
			return s.feed.refuse(noLocation+" %q (add it with: tagdesk location add CODE NAME, then enter again)", s.fields[2].Value())
		}
		l := ls[min(s.sel, len(ls)-1)]
		s.location = &l
		s.fields[2].SetValue(l.Code)
		s.feed.putRight(noLocation)
		return s.maybeStart()
	}
	return nil
}

// readAgain reads the catalogue again for an enter in the focused field
// that matched nothing, before refusing it: a model or location added
// meanwhile (from the command line) is found then.
func (s *receiveScreen) readAgain() tea.Cmd {
	s.recheck, s.recheckField, s.recheckText = true, s.focus, s.fields[s.focus].Value()
	return s.Init()
}

func (s *receiveScreen) scanKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, s.c.keys.Back):
		if n := s.Recording(); n > 0 {
			// The serials waiting are received with this setup: changed
			// now, they would take another model, or none.
			s.feed.note("%s", waitNote(n))
			return nil
		}
		// Back to the setup to change model, order or location.
		s.scanning = false
		s.feed.setup()
		s.input.Blur()
		s.focusField(0)
		return nil
	case k.String() == "enter":
		v := strings.TrimSpace(s.input.Value())
		s.input.Reset()
		if v == "" {
			return nil
		}
		return s.Update(scanMsg{code: v})
	case k.String() == "ctrl+d" && s.dupSerial != "":
		s.allowDup = s.dupSerial
		if s.dupTag != "" {
			s.pending = s.dupTag
		}
		return s.Update(scanMsg{code: s.dupSerial})
	case k.String() == "ctrl+d":
		// The duplicate it would let through was followed by another scan.
		s.feed.warn("ctrl+d receives a serial just refused as another asset's, right after it: scan that serial again, then ctrl+d")
		return bell()
	}
	s.input.Update(k)
	return nil
}

func (s *receiveScreen) start(code string) tea.Cmd {
	db, id, pending := s.c.db, s.id, s.pending
	// A pre-printed tag's QR label is a link naming it (read as a scan
	// reads a link: its path's last word, else its tag parameter): the tag.
	tagCode := code
	linkPath, linkQuery := store.LinkTags(code)
	preTag := s.isPreTag(code)
	for _, t := range []string{linkPath, linkQuery} {
		if !preTag && t != "" && s.isPreTag(t) {
			preTag, tagCode = true, t
		}
	}
	r := store.Receipt{Tag: pending, Serial: code, Model: s.model.Name, Location: s.location.Code}
	r.AllowDuplicateSerial = s.allowDup != "" && strings.EqualFold(strings.TrimSpace(code), s.allowDup)
	s.dupSerial, s.allowDup, s.dupTag = "", "", ""
	r.ModelUID = s.model.UID
	if s.model.ModelNumber != "" {
		r.Model = s.model.ModelNumber
	}
	if s.po != nil {
		r.PONumber = s.po.Number
	}
	po := r.PONumber
	return s.c.do(func(ctx context.Context) tea.Msg {
		res := receiveResult{to: to{id}, code: code}
		// A label of the register's own series, another than this desk's
		// prefix (tags a migration brought): a tag too, or a link naming one.
		for _, c := range []string{code, linkPath, linkQuery} {
			if preTag || c == "" {
				continue
			}
			if preTag, res.err = db.TagShaped(ctx, c); res.err != nil {
				return res
			}
			if preTag {
				tagCode = c
			}
		}
		if preTag {
			res.tagScan = true
			tag := store.NormalizeTag(tagCode)
			if res.err = db.CheckTagScan(ctx, tag); res.err != nil {
				return res
			}
			a, err := db.Asset(ctx, tag)
			switch {
			case err == nil:
				res.err = store.Errorf(store.ECONFLICT, "tag %s is already on %s (serial %s)", tag, assetLabel(a), orDash(a.Serial))
			case store.ErrorCode(err) == store.ENOTFOUND:
				res.tag = tag
			default:
				res.err = err
			}
			return res
		}
		// A label of a place or a badge is not a serial: a shelf's label
		// moves the receiving there, a badge is refused (as a serial it
		// would make an asset that shadows the badge at every scan).
		if rs, err := db.Resolve(ctx, code); err == nil {
			switch {
			case rs.Kind == store.ResolvedLocation && rs.Via == "code":
				res.place = rs.Location
				return res
			case rs.Kind == store.ResolvedPerson && rs.Via == "badge":
				res.err = store.Errorf(store.EINVALID, "%s is %s's %s, not a serial", rs.Code, rs.Person.Name, strings.ReplaceAll(rs.Via, "_", " "))
				return res
			case rs.Kind == store.ResolvedAsset && rs.Asset.Status == store.StatusOnOrder:
				res.arrived = true
			}
		}
		if res.asset, res.err = db.Receive(ctx, r); res.err != nil || po == "" {
			return res
		}
		if p, err := db.PurchaseOrder(ctx, po); err == nil {
			res.po = &p
		}
		return res
	})
}

func (s *receiveScreen) result(r receiveResult) tea.Cmd {
	switch {
	case r.err != nil && (errors.Is(r.err, store.ErrDuplicateSerial) || errors.Is(r.err, store.ErrSerialIsOtherNumber)):
		s.dupSerial = strings.TrimSpace(r.code)
		cmd := s.feed.refuse("%s: %s", clipCode(r.code), errText(r.err))
		if s.pending != "" {
			// The tag stuck on that box: ctrl+d pairs it with the serial;
			// the next scan does not take it (it is another box's).
			s.dupTag, s.pending = s.pending, ""
			s.feed.warn("tag %s put aside: ctrl+d receives this box with it", s.dupTag)
		}
		if errors.Is(r.err, store.ErrSerialIsOtherNumber) {
			s.feed.warn("if %s is its serial all the same, ctrl+d receives it", clipCode(r.code))
		} else {
			s.feed.warn("a second asset with serial %s? ctrl+d receives it all the same", clipCode(r.code))
		}
		return cmd
	case r.err != nil && r.tagScan && s.pending != "":
		// Another box's label, refused: the tag that waited is not this
		// box's either (the next serial would take it).
		cmd := s.feed.refuse("%s: %s", clipCode(r.code), errText(r.err))
		s.feed.refuse("tag %s was not used: scan the next box's tag or serial", s.pending)
		s.pending = ""
		return cmd
	case r.err != nil:
		cmd := s.feed.refuse("%s: %s", clipCode(r.code), errText(r.err))
		if s.pending != "" && !r.tagScan {
			// The serial refused is the box the waiting tag is stuck on:
			// the next serial is another box's.
			s.feed.refuse("tag %s was not used: scan it again, then its box's serial", s.pending)
			s.pending = ""
		}
		return cmd
	case r.place != nil:
		s.location = r.place
		s.fields[2].SetValue(r.place.Code)
		s.feed.note("now receiving at %s (%s)", r.place.Name, r.place.Code)
		return nil
	case r.tag != "":
		var cmd tea.Cmd
		if s.pending != "" {
			cmd = s.feed.refuse("tag %s was not used: pairing %s instead", s.pending, r.tag)
		}
		s.pending = r.tag
		s.feed.note("tag %s: now scan its serial", r.tag)
		return cmd
	}
	s.pending = ""
	if r.po != nil {
		s.po = r.po
	}
	a := r.asset
	came := ""
	if r.arrived {
		came = " (was on order)"
	}
	s.feed.ok("%s ← serial %s · %s at %s%s", a.Tag, a.Serial, assetLabel(a), a.LocationCode, came)
	if s.po != nil {
		for _, l := range s.po.Lines {
			if l.Model == a.Model && l.ModelNumber == a.ModelNumber && s.po.Beyond(l) > 0 && !r.arrived {
				// (One of those registered on order, come, is never beyond
				// it: the count with it due was.)
				// Received all the same (the box is here), but said: with
				// the bell once for the order's model, then on the line
				// (a pallet of 40 beyond the order rang 40 times).
				key := s.po.Number + "\x00" + l.Model + "\x00" + l.ModelNumber
				if s.beyond[key] {
					if l.Expected == 0 {
						s.feed.amend(fmt.Sprintf(" · not on the order (%d)", s.po.Beyond(l)))
					} else {
						due := ""
						if l.DueBySerial > 0 {
							due = fmt.Sprintf(" + %d due", l.DueBySerial)
						}
						s.feed.amend(fmt.Sprintf(" · beyond order (%d%s of %d)", l.Received, due, l.Expected))
					}
					return nil
				}
				if s.beyond == nil {
					s.beyond = map[string]bool{}
				}
				s.beyond[key] = true
				if l.Expected == 0 {
					s.feed.warn("%s is not on order %s: %d received all the same", s.po.Label(l), s.po.Number, s.po.Beyond(l))
				} else {
					s.feed.warn("beyond order %s: %s%s", s.po.Number, s.po.Count(l), notDue(l))
				}
				return bell()
			}
		}
	}
	return nil
}

// notDue says, of a box beyond an order with units still due (by serial,
// as Beyond counts them), that it is none of those.
func notDue(l store.POLine) string {
	if l.DueBySerial > 0 {
		return " (not one of those due)"
	}
	return ""
}

func (s *receiveScreen) poLine() string {
	if s.po == nil {
		return ""
	}
	var parts []string
	for _, l := range s.po.Lines {
		part := fmt.Sprintf("%s %d/%d", s.po.Label(l), l.Received, l.Expected)
		switch {
		case l.Expected == 0 && s.po.Beyond(l) > 0:
			part = fmt.Sprintf("%s %d (%d not ordered)", s.po.Label(l), l.Received, s.po.Beyond(l))
		case l.Expected == 0:
			part = fmt.Sprintf("%s %d", s.po.Label(l), l.Received)
		}
		if l.OnOrder > 0 {
			part += fmt.Sprintf(" +%d due", l.OnOrder)
		}
		if s.model != nil && l.Model == s.model.Name && l.ModelNumber == s.model.ModelNumber {
			parts = append([]string{part}, parts...) // the model being received first: at 80 columns the rest may not fit
			continue
		}
		parts = append(parts, part)
	}
	return "order " + s.po.Number + ": " + strings.Join(parts, ", ")
}

func (s *receiveScreen) View() string {
	st := s.c.styles
	w, h := s.width, s.height
	var b []string
	if s.scanning {
		b = append(b, st.Label.Render("model ")+st.Section.Render(truncate(s.model.Name, w/2))+st.Label.Render("  at ")+st.Section.Render(s.location.Code))
		if l := s.poLine(); l != "" {
			b = append(b, truncate(l, w))
		}
		b = append(b, s.input.View(st, w))
		count := fmt.Sprintf("Received: %d", s.feed.good)
		if n := s.queue.len(); n > 0 {
			count += fmt.Sprintf(" · %d in progress", n)
		}
		if s.pending != "" {
			count += " · tag " + s.pending + " waits for its serial"
		}
		b = append(b, st.Count.Render(truncate(count, w)))
		return strings.Join(b, "\n") + "\n" + s.feed.view(st, w, h-len(b)-1)
	}
	b = append(b, st.Title.Render("Set up once, then scan serials"))
	for i := range s.fields {
		b = append(b, s.fields[i].View(st, w))
		if i == 1 {
			if l := s.poLine(); l != "" {
				b = append(b, st.Dim.Render(truncate("  "+l, w)))
			}
		}
		if i != s.focus {
			continue
		}
		var opts []string
		switch i {
		case 0:
			for _, m := range s.matchingModels() {
				opts = append(opts, strings.TrimSpace(m.Name+"  "+m.ModelNumber+"  "+m.Manufacturer))
			}
		case 2:
			for _, l := range s.matchingLocations() {
				opts = append(opts, l.Code+"  "+l.Name)
			}
		}
		if len(opts) > 0 {
			sel := min(s.sel, len(opts)-1)
			start := max(0, sel-4)
			for j := start; j < len(opts) && j < start+5; j++ {
				line := truncate("    "+opts[j], w)
				if j == sel {
					line = st.Selected.Render(line)
				}
				b = append(b, line)
			}
		}
	}
	b = append(b, st.Dim.Render("enter choose · tab next field · ctrl+s start scanning"))
	if s.err != "" {
		b = append(b, st.Err.Render(truncate(s.err, w)))
	}
	return strings.Join(b, "\n") + "\n" + s.feed.view(st, w, h-len(b)-1)
}

func (s *receiveScreen) ShortHelp() []key.Binding {
	k := s.c.keys
	if s.scanning {
		bs := []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "change setup")), k.ForceQ}
		if s.dupSerial != "" {
			bs = append([]key.Binding{key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "receive "+clipCode(s.dupSerial)+" anyway"))}, bs...)
		}
		return bs
	}
	return []key.Binding{k.ListUp, k.ListDown, k.Next, k.Start, k.Back}
}

func (s *receiveScreen) FullHelp() [][]key.Binding {
	k := s.c.keys
	if s.scanning {
		// (The setup's keys do nothing while scanning: f1 listed them.)
		return [][]key.Binding{{key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "receive a refused duplicate"))},
			{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "change setup")), k.ForceQ}}
	}
	// (enter chooses here; ctrl+d is named ahead: it acts once scanning.)
	choose := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	dup := key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "scanning: receive a refused duplicate"))
	return [][]key.Binding{{k.ListUp, k.ListDown, choose}, {k.Next, k.Prev, k.Start}, {dup, k.Back, k.ForceQ}}
}
