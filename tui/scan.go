package tui

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/tagdesk/tagdesk/store"
)

// Scanner input.
//
// A USB scanner types like a keyboard: a burst of characters ending in Enter
// (or Tab). Bubble Tea v2 delivers one KeyPressMsg per character with no
// timestamp (older setups and SSH may deliver several runes in one message),
// so the scan buffer stamps each key as it is handled and tells bursts from
// typing by arrival time, or exactly by a configured prefix:
//
//   - a printable key is held for a short window (gap) instead of acting at
//     once; if another printable key arrives inside the window the keys are a
//     burst, so they are buffered, never run as shortcuts;
//   - Enter or Tab ending a burst of at least minScanLen characters makes a
//     scan, delivered as one scanMsg: no second Enter needed;
//   - a key held past the window was a person: it is delivered as a normal
//     key (a shortcut, or typing into the focused field);
//   - a burst that ends without Enter is delivered as text only: it goes into
//     a focused text field and never triggers a shortcut;
//   - a multi-rune key message is machine input by itself;
//   - input starting with the configured prefix is a scan at any speed.

// minScanLen is the shortest burst that counts as a scan.
const minScanLen = 2

// longest is how many bytes a burst may hold before it is longer than any
// code: store.MaxScanLen, past the configured prefix, with store.ScanFraming
// more when what follows the prefix is an AIM identifier (]Q1: the room for
// what the scanner adds around its code, which the store drops before it
// measures the code). A burst past it is refused whole, with Enter or
// without: 265 typed-fast bytes are no code.
func (b *scanBuffer) longest() int {
	n := store.MaxScanLen
	text := b.text.String()
	if b.prefix != "" && strings.HasPrefix(text, b.prefix) {
		n += len(b.prefix)
		text = text[len(b.prefix):]
	}
	if strings.HasPrefix(text, "]") {
		n += store.ScanFraming
	}
	return n
}

// prefixWait is how long a started prefix waits for the rest of the code.
const prefixWait = 2 * time.Second

// scanMsg is a complete scan, delivered to the active screen. joins says
// its first characters went to the focused field as typing a moment before
// (a scanner whose first key came late): the field's text is the scan's
// start. Otherwise the scan is a whole code on its own, and what a person
// had half typed in the field is not part of it.
type scanMsg struct {
	code  string
	joins bool
	// late says the whole code went to the focused field as text a
	// moment before its late suffix (lateSuffix): the field ends with it.
	late bool
	// lead, with joins: the part of the field's text that came as a
	// burst (a scanner's), the scan's start; empty when it was typed.
	lead string
}

// scanRefusedMsg tells the active screen of a scan the scan buffer refused
// whole (far too long, a stray key inside it): a screen that lists refused
// scans lists it, as it does its own refusals. The bell has rung.
type scanRefusedMsg struct{ reason string }

// joinWindow is how long after keys were given back a burst ending in
// Enter is still their continuation, in hold windows.
const joinWindow = 3

// lateWindow is how long after a burst was given back (one hold window
// after its last key) a lone Enter or Tab still ends it as a scan, in hold
// windows; minLateScan is the shortest such burst (two or three keys
// pressed together are a person's, and so is their Enter).
const (
	lateWindow  = 7
	minLateScan = 4
)

// scanTimeoutMsg ends the hold window of generation gen.
type scanTimeoutMsg struct{ gen int }

// scanBuffer holds printable keys until it knows whether a person or a
// scanner typed them.
type scanBuffer struct {
	gap    time.Duration
	prefix string

	keys  []tea.KeyPressMsg
	text  strings.Builder
	last  time.Time
	first time.Time // when the held keys' first arrived
	typed time.Time // when held keys were last given back (typing, or a burst cut by a pause)
	// lead is the text of the bursts given back just before (a scanner
	// that paused mid-code): a scan continuing them starts with it.
	lead string
	// leadFirst is how many runes the burst that began the lead had: a
	// late suffix ends a scanner's code, whose first burst is long, not a
	// person's quick pairs (each one short).
	leadFirst int
	// keyLead says the lead began right after a key typed alone (a
	// scanner that paused after its first key, which acted: lonekey.go).
	keyLead bool
	burst   bool
	gen     int
	// graced is set once a late hold timer has given queued input one more
	// window (see timeout).
	graced bool
	// over counts the bytes of a burst past store.MaxScanLen, swallowed:
	// far longer than any code, the whole burst is refused (tooLong).
	over int
	// stray is a control character (ctrl+a; ctrl+c is ETX) that came
	// inside a burst, swallowed; mangled says text followed it: the scan is
	// refused whole (a stray control character would otherwise vanish and
	// join the two halves into another code). With nothing after it but
	// the burst's end it was the scanner's framing (STX/ETX), left out.
	stray   string
	mangled bool
	// dropped is when a burst was last refused whole (dropWhole): its
	// suffix, late, is dropped too.
	dropped time.Time
}

// scanResult says what to do with a key after the buffer has seen it, in
// order: deliver flushed keys, deliver the scan, deliver the key itself.
type scanResult struct {
	flushed   []tea.KeyPressMsg // held keys to deliver now
	flushText bool              // flushed keys were a burst: text only, no shortcuts
	scan      string            // a complete scan
	joins     bool              // the scan continues keys given back just before (scanMsg.joins)
	lead      string            // with joins: the text of the bursts among them (see scanBuffer.lead)
	late      bool              // the scan is the lead, ended by a late suffix (scanMsg.late)
	afterKey  bool              // with joins: the scan (its lead too) continues a key typed alone just before
	pass      bool              // deliver the key itself
	arm       int               // > 0: start the hold timer for this generation
	tooLong   int               // > 0: a burst of this many bytes, longer than any code, was dropped whole
	mangled   string            // a burst with this key (ctrl+a) inside it was dropped whole
}

// heldOnly reports whether r changes nothing on screen: keys held, a
// window armed, nothing delivered or refused.
func (r scanResult) heldOnly() bool {
	return len(r.flushed) == 0 && r.scan == "" && !r.pass && r.tooLong == 0 && r.mangled == ""
}

func newScanBuffer(gap time.Duration, prefix string) *scanBuffer {
	if gap <= 0 {
		gap = DefaultScanGap
	}
	return &scanBuffer{gap: gap, prefix: prefix}
}

// printable reports whether k types text (no ctrl/alt/super modifiers).
func printable(k tea.KeyPressMsg) bool {
	return k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper|tea.ModHyper) == 0
}

// controlChar reports whether k is what a control character typed arrives
// as (ctrl+a for SOH, ctrl+c for ETX): what a scanner can send inside a
// code. Backspace, arrows and the like are a person's, never stray.
func controlChar(k tea.KeyPressMsg) bool {
	return k.Mod == tea.ModCtrl && ((k.Code >= 'a' && k.Code <= 'z') || k.Code == '@' || k.Code == '[' || k.Code == '\\' || k.Code == ']' || k.Code == '^' || k.Code == '_')
}

// terminator reports whether k can end a scan: Enter, Tab, or a line
// feed (ctrl+j: a scanner set to an LF suffix, and any scan typed while
// the terminal was still in line mode as the desk started, whose Enter the
// terminal turned into one).
func terminator(k tea.KeyPressMsg) bool {
	return (k.Code == tea.KeyEnter || k.Code == tea.KeyTab || k.Code == tea.KeyKpEnter) && k.Mod == 0 ||
		k.Code == 'j' && k.Mod == tea.ModCtrl
}

// empty reports whether nothing is held.
func (b *scanBuffer) empty() bool { return len(b.keys) == 0 }

// prefixState says whether the held text is the configured prefix (or the
// start of it).
func (b *scanBuffer) prefixState() (started, complete bool) {
	if b.prefix == "" || b.empty() {
		return false, false
	}
	s := b.text.String()
	if strings.HasPrefix(s, b.prefix) {
		return true, true
	}
	return strings.HasPrefix(b.prefix, s), false
}

// giveBack takes the held keys to deliver them as keys (typing, or a
// burst's text), noting when and what was given back: a burst ending in
// Enter a moment later continues them (scanMsg.joins). A burst's text is
// kept as the lead, added to a lead given back just before it (a scanner
// that paused twice); a typed key, which may have acted as a shortcut, ends
// the lead.
func (b *scanBuffer) giveBack(now time.Time) ([]tea.KeyPressMsg, bool) {
	text := b.text.String()
	follows := b.follows()
	keys, burst := b.take()
	if len(keys) == 0 {
		return keys, burst
	}
	switch {
	case !burst:
		b.lead, b.keyLead = "", false
	case follows && b.lead != "":
		b.lead += text
	default:
		// A lead begins: its first burst says whether a scanner's code
		// began it (lateSuffix), and whether a typed key came right
		// before it (its lead is empty then).
		b.keyLead = follows && b.lead == ""
		b.lead = text
		b.leadFirst = utf8.RuneCountInString(strings.TrimSpace(text))
	}
	b.typed = now
	return keys, burst
}

// lateSuffix reports whether a terminator arriving at now, nothing held,
// ends the burst given back a moment before (b.lead): one of at least
// minLateScan characters (a person's quick pair of keys is not: their
// Enter is theirs), given back at most lateWindow hold windows ago.
func (b *scanBuffer) lateSuffix(now time.Time) bool {
	return b.lead != "" && !b.typed.IsZero() && now.Sub(b.typed) <= lateWindow*b.gap &&
		b.leadFirst >= minLateScan
}

// follows reports whether the held keys began right after keys were given
// back: they continue them.
func (b *scanBuffer) follows() bool {
	return !b.typed.IsZero() && b.first.Sub(b.typed) <= joinWindow*b.gap
}

func (b *scanBuffer) take() ([]tea.KeyPressMsg, bool) {
	keys, burst := b.keys, b.burst
	b.keys, b.burst, b.over, b.stray, b.mangled = nil, false, 0, "", false
	b.text.Reset()
	b.gen++
	return keys, burst
}

// dropWhole drops a burst refused whole, longer than any code (tooLong)
// or with a stray control character inside it (mangled): none of it is
// delivered, and nothing after it continues it.
func (b *scanBuffer) dropWhole(r *scanResult, now time.Time) {
	if b.over > 0 {
		r.tooLong = b.text.Len() + b.over
	} else {
		r.mangled = b.stray
	}
	b.take()
	b.typed, b.lead = time.Time{}, ""
	b.dropped = now
}

// strayKey takes a control character, named name, arriving at now:
// inside a burst (keys a scanner sends, not a person) it is held as the
// burst's stray key and reported true; otherwise false, and the key is
// the caller's.
func (b *scanBuffer) strayKey(name string, now time.Time) (arm int, ok bool) {
	if b.empty() || !b.burst || now.Sub(b.last) > b.gap {
		return 0, false
	}
	if b.stray == "" {
		b.stray = name
	}
	b.last, b.graced = now, false
	b.gen++
	return b.gen, true
}

// press handles one key press at time now.
func (b *scanBuffer) press(k tea.KeyPressMsg, now time.Time) scanResult {
	var r scanResult
	if !terminator(k) {
		b.dropped = time.Time{} // (other input: a later Enter is its own)
	}
	if late := now.Sub(b.last) > b.gap && !b.graced; b.over > 0 && (!printable(k) || late) {
		// The end of a burst longer than any code (its Enter, another
		// key, or a pause): all of it is dropped, its Enter with it; a
		// key after a pause is the next input.
		b.dropWhole(&r, now)
		if !terminator(k) {
			b.dropped = time.Time{} // (this key is other input)
		}
	}
	if terminator(k) && b.empty() && !b.dropped.IsZero() && now.Sub(b.dropped) <= lateWindow*b.gap {
		// The suffix of a burst refused whole, on time or late: dropped
		// with it (alone it would confirm the question on screen).
		b.dropped = time.Time{}
		return r
	}
	started, complete := b.prefixState()
	switch {
	case printable(k):
		if !b.empty() && now.Sub(b.last) > b.gap && !started && !b.graced {
			// A late key after a held one: the earlier keys were typed.
			r.flushed, r.flushText = b.giveBack(now)
		}
		if utf8.RuneCountInString(k.Text) > 1 || (!b.empty() && (now.Sub(b.last) <= b.gap || b.graced)) {
			b.burst = true
		}
		if b.stray != "" {
			b.mangled = true // text after a stray key: the scan is broken
		}
		if b.over > 0 || b.text.Len()+len(k.Text) > b.longest() {
			// Far longer than any code: held, not delivered, until the
			// burst ends, and then dropped whole (dropWhole). (Its first
			// part as text and the rest as a scan would act on a tail.)
			b.over += len(k.Text)
			b.last, b.graced = now, false
			b.gen++
			r.arm = b.gen
			return r
		}
		if b.empty() {
			b.first = now
		}
		b.keys = append(b.keys, k)
		b.text.WriteString(k.Text)
		b.last = now
		b.graced = false
		b.gen++
		r.arm = b.gen
		return r
	case terminator(k) && b.empty() && b.lateSuffix(now):
		// The suffix of the code given back a moment ago, come late (a
		// scanner pausing before its Enter, a remote link): the code is
		// a scan. Passed alone, the Enter would answer the question on
		// screen (offboard, retire with the code as its reason) or the
		// Tab change a check-in's condition; on Home the code was lost.
		r.scan, r.late = b.lead, true
		b.typed, b.lead = time.Time{}, ""
		return r
	case terminator(k) && !b.empty() && b.mangled:
		b.dropWhole(&r, now)
		return r
	case terminator(k) && !b.empty():
		text := b.text.String()
		if complete {
			b.take()
			r.scan = strings.TrimPrefix(text, b.prefix)
			if strings.TrimSpace(r.scan) == "" {
				r.scan = ""
			}
			return r
		}
		// The held keys continue a burst given back a moment ago (a
		// scanner that paused mid-code, even before its last character).
		cont := !started && b.follows() && b.lead != ""
		long := func(s string) bool { return utf8.RuneCountInString(strings.TrimSpace(s)) >= minScanLen }
		if !started && (b.burst && long(text) || cont && long(b.lead+text)) {
			// Keys given back just before this burst began were its first
			// (they came late, or the scanner paused): the field holds the
			// scan's start, and the lead the part that came as a burst.
			r.joins = b.follows()
			if r.joins {
				r.lead = b.lead
				r.afterKey = b.lead == "" || b.keyLead
			}
			b.take()
			// Used: nothing after this scan continues it.
			b.typed, b.lead = time.Time{}, ""
			r.scan = text
			return r
		}
		r.flushed, r.flushText = b.giveBack(now)
		// The Enter ends what was given back: nothing after it continues it.
		b.typed, b.lead = time.Time{}, ""
		r.pass = true
		return r
	default:
		if controlChar(k) {
			if arm, ok := b.strayKey(k.String(), now); ok {
				r.arm = arm
				return r
			}
		}
		if !b.empty() {
			r.flushed, r.flushText = b.giveBack(now)
		}
		// Another key acted (esc, an arrow, ctrl+…): an Enter after it
		// is the person's, not the late suffix of a burst before it.
		b.typed, b.lead = time.Time{}, ""
		r.pass = true
		return r
	}
}

// timeout handles the end of a hold window.
func (b *scanBuffer) timeout(gen int, now time.Time) scanResult {
	var r scanResult
	if gen != b.gen || (b.empty() && b.over == 0) {
		return r
	}
	started, _ := b.prefixState()
	wait := b.gap
	if started {
		wait = prefixWait
	}
	if left := wait - now.Sub(b.last); left > 0 {
		b.gen++
		r.arm = b.gen
		return r
	}
	if !started && !b.graced && now.Sub(b.last) > 2*b.gap {
		// The timer ran late: the process was starved, and the rest of a
		// burst may be queued behind it. Give it one more window.
		b.graced = true
		b.gen++
		r.arm = b.gen
		return r
	}
	if b.over > 0 || b.mangled {
		b.dropWhole(&r, now)
		return r
	}
	r.flushed, r.flushText = b.giveBack(now)
	return r
}

// paste splits pasted text: every line ended by a newline is a scan (some
// scanners paste), the unterminated rest is text.
func (b *scanBuffer) paste(content string) (r scanResult, rest string) {
	switch {
	case b.over > 0:
		b.dropWhole(&r, time.Time{}) // an over-long burst before it: dropped whole
	case !b.empty():
		r.flushed, r.flushText = b.take()
	}
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	lines := strings.Split(content, "\n")
	rest = lines[len(lines)-1]
	for _, l := range lines[:len(lines)-1] {
		if l = strings.TrimSpace(strings.TrimPrefix(l, b.prefix)); l != "" {
			if r.scan != "" {
				r.scan += "\n"
			}
			r.scan += l
		}
	}
	return r, rest
}

// keyFor makes the key message for one typed rune.
func keyFor(r rune) tea.KeyPressMsg {
	if r == ' ' {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// scanQueue runs a screen's scans one at a time, in order, so that 200 scans
// fed back to back are each handled once and their results stay in order.
type scanQueue = fifo[string]

// waitNote is what esc says on a screen whose scans are still being
// recorded (a busy database): it waits for them rather than drop them.
func waitNote(n int) string { return fmt.Sprintf("wait: %d scan(s) still being recorded", n) }

// fifo runs a screen's work one item at a time, in order: an item waits
// while the one before it is under way.
type fifo[T any] struct {
	pending []T
	busy    bool
}

// push adds an item; it returns the item to start now, if the queue was idle.
func (q *fifo[T]) push(item T) (T, bool) {
	q.pending = append(q.pending, item)
	return q.next()
}

// done marks the running item finished and returns the next one, if any.
func (q *fifo[T]) done() (T, bool) {
	q.busy = false
	return q.next()
}

func (q *fifo[T]) next() (T, bool) {
	var none T
	if q.busy || len(q.pending) == 0 {
		return none, false
	}
	item := q.pending[0]
	q.pending = q.pending[1:]
	q.busy = true
	return item, true
}

// len is how many items wait (the running one included).
func (q *fifo[T]) len() int {
	n := len(q.pending)
	if q.busy {
		n++
	}
	return n
}

// actOnScan applies act to the asset a scanned code names. Most scans are
// our tags: a code shaped like one is acted on at once, and resolved only
// when no asset has that tag (a serial, a badge, a location code). When the
// code names something other than an asset, act is not called and the
// resolution is returned for the screen to use.
func actOnScan(ctx context.Context, db lookupStore, code string, act func(tag string) (store.Asset, error)) (store.Asset, store.Resolution, error) {
	if tag := store.NormalizeTag(code); store.ValidateTag(tag) == nil {
		a, err := act(tag)
		if store.ErrorCode(err) != store.ENOTFOUND {
			return a, store.Resolution{Kind: store.ResolvedAsset}, err
		}
	}
	res, err := db.Resolve(ctx, code)
	if err != nil || res.Kind != store.ResolvedAsset {
		return store.Asset{}, res, err
	}
	a, err := act(res.Asset.Tag)
	return a, res, err
}
