package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestScanBuffer(t *testing.T) {
	ms := time.Millisecond
	type step struct {
		text string        // printable text of one key message; "" means Enter
		gap  time.Duration // time since the previous key
		tick bool          // fire the hold timer after this key (gap later)
	}
	tests := []struct {
		name      string
		prefix    string
		steps     []step
		wantScan  string
		wantKeys  int  // keys delivered as typed
		wantText  bool // delivered as text only
		wantEnter bool // Enter passed through
	}{
		{name: "burst then enter is a scan", steps: []step{{"T", 0, false}, {"D", 2 * ms, false}, {"Q", 2 * ms, false}, {"", 1 * ms, false}}, wantScan: "TDQ"},
		{name: "multi-rune message is a scan", steps: []step{{"TD-000123", 0, false}, {"", 1 * ms, false}}, wantScan: "TD-000123"},
		{name: "one key then timeout is typed", steps: []step{{"q", 0, true}}, wantKeys: 1},
		{name: "slow keys are typed one by one", steps: []step{{"a", 0, true}, {"b", 200 * ms, true}, {"", 200 * ms, false}}, wantKeys: 2, wantEnter: true},
		{name: "burst without enter is text only", steps: []step{{"q", 0, false}, {"r", 2 * ms, true}}, wantKeys: 2, wantText: true},
		{name: "one key and a quick enter is not a scan", steps: []step{{"x", 0, false}, {"", 2 * ms, false}}, wantKeys: 1, wantEnter: true},
		{name: "prefix makes a slow scan exact", prefix: "~", steps: []step{{"~", 0, false}, {"A", 300 * ms, false}, {"B", 300 * ms, false}, {"", 300 * ms, false}}, wantScan: "AB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newScanBuffer(40*ms, tt.prefix)
			now := epoch
			var scan string
			var keys int
			var text, enter bool
			collect := func(r scanResult, isEnter bool) {
				if r.scan != "" {
					scan = r.scan
				}
				keys += len(r.flushed)
				text = text || (len(r.flushed) > 0 && r.flushText)
				if r.pass && isEnter {
					enter = true
				}
			}
			for _, s := range tt.steps {
				now = now.Add(s.gap)
				k := tea.KeyPressMsg{Code: tea.KeyEnter}
				if s.text != "" {
					k = tea.KeyPressMsg{Code: []rune(s.text)[0], Text: s.text}
				}
				r := b.press(k, now)
				collect(r, s.text == "")
				// The hold timer, fired each window until it lets go (a
				// burst is held three windows for a late Enter).
				for at, i := now, 0; s.tick && r.arm > 0 && i < 10; i++ {
					at = at.Add(41 * ms)
					r = b.timeout(r.arm, at)
					collect(r, false)
				}
			}
			if scan != tt.wantScan || keys != tt.wantKeys || text != tt.wantText || enter != tt.wantEnter {
				t.Errorf("got scan %q keys %d text %v enter %v; want %q %d %v %v", scan, keys, text, enter, tt.wantScan, tt.wantKeys, tt.wantText, tt.wantEnter)
			}
		})
	}
}

func TestScanBuffer_LateTimerGivesOneMoreWindow(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	r := b.press(keyFor('T'), epoch)
	// The timer is handled 200 ms late (a starved process): not flushed yet.
	r = b.timeout(r.arm, epoch.Add(200*ms))
	if len(r.flushed) != 0 || r.arm == 0 {
		t.Fatalf("late timer flushed at once: %+v", r)
	}
	// The queued rest of the burst arrives, then Enter: one scan.
	b.press(keyFor('D'), epoch.Add(201*ms))
	b.press(keyFor('1'), epoch.Add(201*ms))
	if got := b.press(enterKey, epoch.Add(202*ms)); got.scan != "TD1" {
		t.Fatalf("scan %q, want TD1", got.scan)
	}
	// A person's key still acts after the extra window.
	r = b.press(keyFor('o'), epoch.Add(time.Second))
	r = b.timeout(r.arm, epoch.Add(time.Second+300*ms))
	r = b.timeout(r.arm, epoch.Add(time.Second+350*ms))
	if len(r.flushed) != 1 || r.flushText {
		t.Fatalf("late key not delivered as typed: %+v", r)
	}
}

func TestScanBuffer_Paste(t *testing.T) {
	b := newScanBuffer(0, "")
	r, rest := b.paste("TD-1\r\nTD-2\npartial")
	if r.scan != "TD-1\nTD-2" || rest != "partial" {
		t.Errorf("paste: scans %q rest %q", r.scan, rest)
	}
}

func TestScanQueue(t *testing.T) {
	var q scanQueue
	if c, ok := q.push("a"); !ok || c != "a" {
		t.Fatalf("first push should start a: %q %v", c, ok)
	}
	if _, ok := q.push("b"); ok {
		t.Fatal("second push started while busy")
	}
	q.push("c")
	if q.len() != 3 {
		t.Fatalf("len %d, want 3", q.len())
	}
	var got []string
	for c, ok := q.done(); ok; c, ok = q.done() {
		got = append(got, c)
	}
	if len(got) != 2 || got[0] != "b" || got[1] != "c" {
		t.Errorf("order %v", got)
	}
}

// FuzzScanBuffer types s key by key (fuzzKey), the gap before each key
// taken from gaps in turn (ms; bursts, pauses, a person's pace), the hold
// timer firing as a real one would between keys, then an Enter if enter. Its oracle: what
// the buffer gave out (keys given back, scans, bursts refused whole) and what
// it still holds is the input, in order: a key lost, doubled or moved fails
// it, not only one invented. (Given out as designed: a scan's prefix, a scan
// of nothing but the prefix and spaces, a late suffix's scan of the text it
// gave back a moment before.)
func FuzzScanBuffer(f *testing.F) {
	f.Add("TD-000123", []byte{2}, true)
	f.Add("qqqq", []byte{200}, false)
	f.Add("héllo wörld", []byte{0}, true)
	f.Add("TD-1TD-2", []byte{2, 2, 90, 2, 2, 2, 2, 2}, true)
	f.Add("~SN 1", []byte{0, 50, 200}, true)
	f.Add("~  ", []byte{1}, true)
	f.Add("~SN1\rTD-2\tab\rq\x02TD-9\x03\rTD\x01-8\r", []byte{2, 2, 2, 2, 60}, false)
	f.Add("abcdef", []byte{3, 3, 3, 3, 3, 3, 120}, true)
	f.Add(strings.Repeat("Z", 300)+"AB", []byte{1}, true)
	f.Fuzz(func(t *testing.T, s string, gaps []byte, enter bool) {
		const gap = 40 * time.Millisecond
		b := newScanBuffer(gap, "~")
		now := epoch
		var in, out strings.Builder // the keys typed; what the buffer gave out
		// give records text the buffer gave out: the input's next text.
		// (Each piece checked as it comes: a check of the whole at every key
		// took a long input quadratic time.)
		give := func(p string) {
			if rest := in.String()[out.Len():]; !strings.HasPrefix(rest, p) {
				t.Fatalf("the buffer gave out %q after %q, where the input has %q (input %q, gaps %v)", p, out.String(), rest, s, gaps)
			}
			out.WriteString(p)
		}
		// take records what the buffer gave out in r. held is the text it
		// held before the key that gave r.
		bursts := map[int]bool{} // where in out each burst given back as text began
		take := func(r scanResult, held string) {
			if r.flushText && len(r.flushed) > 0 {
				bursts[out.Len()] = true
			}
			for _, k := range r.flushed {
				give(k.Text)
			}
			switch {
			case r.tooLong > 0:
				// Refused whole (longer than any code): its bytes, next.
				rest := in.String()[out.Len():]
				if r.tooLong > len(rest) {
					t.Fatalf("a burst of %d bytes refused, %d unaccounted for (input %q)", r.tooLong, len(rest), s)
				}
				give(rest[:r.tooLong])
			case r.late:
				// The bursts given back a moment ago, whole, now ended by
				// their suffix.
				if !strings.HasSuffix(out.String(), r.scan) || !bursts[out.Len()-len(r.scan)] {
					t.Fatalf("late scan %q is not the bursts given back (%q)", r.scan, out.String())
				}
			case r.scan != "" && strings.HasPrefix(held, b.prefix):
				if held != b.prefix+r.scan {
					t.Fatalf("prefixed scan %q from held %q", r.scan, held)
				}
				give(held)
			case r.scan != "":
				give(r.scan)
			case r.mangled != "":
				give(held) // a burst with a control key inside: refused whole
			case len(r.flushed) == 0 && held != "" && strings.HasPrefix(held, b.prefix) && strings.TrimSpace(strings.TrimPrefix(held, b.prefix)) == "" && b.empty():
				give(held) // a prefix and spaces: no scan
			}
		}
		// check says whether what is held is the rest of the input: with
		// what came out, all of it, in order.
		check := func(when string, i int) {
			rest := in.String()[out.Len():]
			if b.over > 0 {
				rest = rest[:len(rest)-b.over] // (held past MaxScanLen: counted, not kept)
			}
			if held := b.text.String(); held != rest {
				t.Fatalf("%s %d: the buffer holds %q after giving out %q, from the text %q (keys %q, gaps %v)", when, i, held, out.String(), in.String(), s, gaps)
			}
		}
		// pause is the gap before key i (the Enter is key len(s)).
		pause := func(i int) time.Duration {
			if len(gaps) == 0 {
				return 0
			}
			return time.Duration(gaps[i%len(gaps)]) * time.Millisecond
		}
		keys := []rune(s)
		for i, r := range keys {
			next := now.Add(pause(i))
			k := fuzzKey(r)
			held := b.text.String()
			res := b.press(k, next)
			in.WriteString(k.Text)
			take(res, held)
			now = next
			check("key", i)
			// The hold timer of a key with a gap after it fires, as a
			// real timer would, each window until the next key.
			for at := now.Add(gap + time.Millisecond); res.arm > 0 && at.Before(now.Add(pause(i+1))); at = at.Add(gap + time.Millisecond) {
				held := b.text.String()
				res = b.timeout(res.arm, at)
				take(res, held)
				check("timer after key", i)
			}
		}
		if enter {
			held := b.text.String()
			res := b.press(enterKey, now.Add(pause(len(keys))))
			take(res, held)
			check("enter after key", len(keys))
		}
	})
}

// fuzzKey is the key a terminal delivers for r: Enter, Tab, esc and
// backspace for theirs, ctrl+letter for another control character (a
// scanner's STX, ETX: no text), else the rune typed.
func fuzzKey(r rune) tea.KeyPressMsg {
	switch {
	case r == '\r' || r == '\t' || r == 0x1b || r == 0x7f:
		return tea.KeyPressMsg{Code: r} // KeyEnter, KeyTab, KeyEscape, KeyBackspace
	case r == 0:
		return tea.KeyPressMsg{Code: '@', Mod: tea.ModCtrl}
	case r < 0x20:
		return tea.KeyPressMsg{Code: 'a' + r - 1, Mod: tea.ModCtrl}
	}
	return keyFor(r)
}

// A scan whose first key came late (given back as typing) continues it:
// joins. A scan a while after a person typed does not.
func TestScanBuffer_Joins(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	r := b.press(keyFor('T'), epoch)
	r = b.timeout(r.arm, epoch.Add(41*ms)) // the first key, late: typing
	if len(r.flushed) != 1 || r.flushText {
		t.Fatalf("first key: %+v", r)
	}
	b.press(keyFor('D'), epoch.Add(60*ms))
	b.press(keyFor('1'), epoch.Add(62*ms))
	if got := b.press(enterKey, epoch.Add(63*ms)); got.scan != "D1" || !got.joins {
		t.Fatalf("the rest of a late-started scan: %+v", got)
	}
	at := epoch.Add(5 * time.Second)
	r = b.press(keyFor('x'), at)
	b.timeout(r.arm, at.Add(41*ms)) // a person's key
	b.press(keyFor('T'), at.Add(time.Second))
	b.press(keyFor('D'), at.Add(time.Second+2*ms))
	if got := b.press(enterKey, at.Add(time.Second+3*ms)); got.scan != "TD" || got.joins {
		t.Fatalf("a scan a second after typing: %+v", got)
	}
}

// Half-typed text in a scan field is not glued to the next scan.
func TestScan_HalfTypedTextDropped(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.typeSlow("td-")
	h.advance(time.Second)
	h.scan("B1001")
	h.wantView("To: Alice Smith (B1001)")
}

// A desk whose scanner types slowly (or is reached over a slow link) sets
// scan_gap_ms: keys 80 ms apart are then still one scan, not typing.
func TestScanGapSetting(t *testing.T) {
	if g, err := ScanGapSetting("120"); err != nil || g != 120*time.Millisecond {
		t.Errorf("120: %v %v", g, err)
	}
	for _, v := range []string{"4", "501", "fast", "-1"} {
		if _, err := ScanGapSetting(v); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
	db := newTestDB(t)
	seed(t, db, 2)
	if err := db.SetSetting(context.Background(), SettingScanGap, "150"); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	for _, r := range "TD-000001" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(80 * time.Millisecond)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.advance(300 * time.Millisecond)
	if h.title() != "Asset TD-000001" {
		t.Errorf("a slow scanner's scan opened %q", h.title())
	}
}

// A scanner that pauses mid-code (a Bluetooth link, a slow remote session)
// delivers its first part as a burst the hold window gives back; the rest,
// ending in Enter, continues it, with the first part as its lead, however
// many pauses. A burst given back and ended by Enter is not anyone's lead.
func TestScanBuffer_PauseMidScan(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	at := epoch
	burst := func(s string) scanResult {
		var r scanResult
		for _, c := range s {
			r = b.press(keyFor(c), at)
			at = at.Add(2 * ms)
		}
		return r
	}
	// settle fires the hold timer each window until it gives the keys back
	// (a burst is held three windows, for a late Enter).
	settle := func(r scanResult) scanResult {
		for i := 0; r.arm > 0 && len(r.flushed) == 0 && i < 10; i++ {
			at = at.Add(40 * ms)
			r = b.timeout(r.arm, at)
		}
		return r
	}
	r := burst("TD-")
	if r = settle(r); len(r.flushed) != 3 || !r.flushText {
		t.Fatalf("first part: %+v", r)
	}
	at = at.Add(60 * ms) // the pause
	r = burst("00")
	settle(r)
	at = at.Add(50 * ms)
	burst("0123")
	if got := b.press(enterKey, at); got.scan != "0123" || !got.joins || got.lead != "TD-00" {
		t.Fatalf("the rest: %+v", got)
	}
	// A short burst ended by Enter, then a scan at once: a scan of its own.
	at = at.Add(time.Second)
	burst(" x")
	b.press(enterKey, at)
	at = at.Add(10 * ms)
	burst("TD-9")
	if got := b.press(enterKey, at); got.scan != "TD-9" || got.joins || got.lead != "" {
		t.Fatalf("after an Enter: %+v", got)
	}
}

// The screens see a paused scan whole: on Home (no field) it opens the
// asset; in check-out the field held the first part.
func TestScan_PauseMidScan(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scanPaused("TD-00", "0002", 120*time.Millisecond)
	if h.title() != "Asset TD-000002" || h.bells != 0 {
		t.Fatalf("a paused scan on Home opened %q (%d bells):\n%s", h.title(), h.bells, h.view())
	}
	// The next scan at once is a scan of its own: the lead was used.
	h.press("esc")
	keys := func(s string) {
		for _, r := range s {
			h.send(keyFor(r))
			h.clk.now = h.clk.now.Add(2 * time.Millisecond)
		}
	}
	keys("TD-00")
	h.advance(45 * time.Millisecond) // the first part given back
	keys("0001")
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	keys("TD-000002") // within three windows of the first part
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.advance(100 * time.Millisecond)
	if h.title() != "Asset TD-000002" || h.bells != 0 {
		t.Fatalf("a scan right after a paused one opened %q (%d bells):\n%s", h.title(), h.bells, h.view())
	}
	// A pause before the last character: one key after the burst.
	h.press("esc")
	h.scanPaused("TD-00000", "1", 120*time.Millisecond)
	if h.title() != "Asset TD-000001" || h.bells != 0 {
		t.Fatalf("a scan paused before its last key opened %q (%d bells):\n%s", h.title(), h.bells, h.view())
	}
	h.press("esc")
	h.typeSlow("o")
	h.scanPaused("B10", "01", 120*time.Millisecond)
	h.wantView("To: Alice Smith (B1001)")
	h.scanPaused("TD-0000", "01", 120*time.Millisecond)
	h.wantView("Checked out: 1")
	if h.bells != 0 {
		t.Fatalf("%d bells:\n%s", h.bells, h.view())
	}
}

// A burst longer than any code is dropped whole, also when the process is
// starved mid-burst: the queued rest of it, arriving late, is not taken for
// a scan of its own.
func TestScanBuffer_OverlongDroppedWholeWhenStarved(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	var r scanResult
	now := epoch
	for range 300 {
		r = b.press(keyFor('J'), now)
		now = now.Add(ms)
	}
	if r.scan != "" || len(r.flushed) != 0 || r.tooLong != 0 {
		t.Fatalf("mid-burst: %+v", r)
	}
	// The timer is handled 200 ms late: one more window, nothing dropped yet.
	r = b.timeout(r.arm, now.Add(200*ms))
	if r.tooLong != 0 || r.arm == 0 {
		t.Fatalf("late timer: %+v", r)
	}
	// The queued rest (a tag and Enter) arrives: dropped with the rest.
	for _, c := range "TD-1" {
		if r = b.press(keyFor(c), now.Add(201*ms)); r.scan != "" || r.tooLong != 0 || len(r.flushed) != 0 {
			t.Fatalf("rest of the burst: %+v", r)
		}
	}
	r = b.press(enterKey, now.Add(202*ms))
	if r.scan != "" || r.pass || r.tooLong != 304 {
		t.Fatalf("its Enter: %+v", r)
	}
	// The next scan is whole.
	for _, c := range "TD-2" {
		b.press(keyFor(c), now.Add(time.Second))
	}
	if r = b.press(enterKey, now.Add(time.Second+ms)); r.scan != "TD-2" {
		t.Fatalf("next scan %q", r.scan)
	}
}
