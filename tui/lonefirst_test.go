package tui

import (
	"context"
	"testing"
	"time"
)

// scanLoneFirst scans code with a pause right after its first key (a
// Bluetooth or USB scanner that stops after one character): the first key
// alone, the pause, then the rest at scanner speed with its Enter.
func (h *harness) scanLoneFirst(code string, pause time.Duration) {
	h.t.Helper()
	r := []rune(code)
	h.send(keyFor(r[0]))
	h.advance(pause)
	h.scan(string(r[1:]))
}

// A scanner that pauses right after a scan's first key, within the pause
// window (three hold windows), makes one scan on the screens whose letters
// are keys, as a pause later in the code does: the first letter fires no
// shortcut (s opened the stocktake, t the asset's status, y offboarded a
// person) and the code opens what it names. A letter typed alone still
// acts, once the pause window has passed.
func TestScan_LoneFirstKeyThenPause(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	ctx := context.Background()
	if _, err := db.AddLocation(ctx, "YARD", "Yard", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	want := func(title, what string) {
		t.Helper()
		if h.title() != title || h.bells != 0 {
			t.Fatalf("%s opened %q (%d bells):\n%s", what, h.title(), h.bells, h.view())
		}
	}

	// Home: a tag, and a serial as printed in lower case, whose s is the
	// stocktake's key.
	h.scanLoneFirst("TD-000002", 60*time.Millisecond)
	want("Asset TD-000002", "a tag with a pause after its first key, on Home,")
	h.press("esc")
	h.scanLoneFirst("snqr0002pio", 60*time.Millisecond)
	want("Asset TD-000002", "a serial starting with s with a pause after its first key, on Home,")

	// The asset screen: t is its status key.
	h.scanLoneFirst("td-000001", 60*time.Millisecond)
	want("Asset TD-000001", "a tag starting with t with a pause after its first key, on the asset screen,")

	// A person's screen with its offboarding question open: y answers it.
	h.press("esc")
	h.press("esc")
	h.scan("B1001")
	want("Person Alice Smith", "a badge scan on Home")
	h.typeSlow("x")
	h.wantView("Offboard Alice Smith")
	h.scanLoneFirst("yard", 60*time.Millisecond)
	if p, err := db.PersonByCode(ctx, "B1001"); err != nil || !p.Active {
		t.Fatalf("a scan of yard with a pause after its y offboarded Alice (%v):\n%s", err, h.view())
	}
	h.wantView("not opened: answer the question first")
	h.bells = 0
	h.typeSlow("n")

	// The sync screen, reached by its letter typed alone.
	h.press("esc")
	h.press("esc")
	h.send(keyFor('y'))
	h.advance(3 * 40 * time.Millisecond)
	want("Sync", "y typed alone on Home")
	h.scanLoneFirst("TD-000002", 60*time.Millisecond)
	want("Asset TD-000002", "a tag with a pause after its first key, on Sync,")

	// A pause after the first key and another later in the code.
	h.press("esc")
	h.press("esc")
	h.send(keyFor('t'))
	h.advance(60 * time.Millisecond)
	h.scanPaused("d-00", "0001", 70*time.Millisecond)
	want("Asset TD-000001", "a tag with pauses after its first key and mid-code, on Home,")

	// A letter typed alone acts by the end of the pause window.
	h.press("esc")
	h.send(keyFor('o'))
	h.advance(3 * 40 * time.Millisecond)
	want("Check out", "o typed alone on Home")
}

// The buffer holds a lone key for the pause window only where letters are
// keys (keysAct); a key after it within the window continues it, and two
// keys a person typed that way are given back as typed keys, in order.
func TestScanBuffer_LoneFirstKey(t *testing.T) {
	ms := time.Millisecond
	run := func(keysAct bool, rest string) (first, last scanResult) {
		b := newScanBuffer(40*ms, "")
		b.keysAct = keysAct
		at := epoch
		r := b.press(keyFor('s'), at)
		for i := 1; i*40 < 60; i++ {
			r = b.timeout(r.arm, at.Add(time.Duration(i*40)*ms))
		}
		first = r
		at = at.Add(60 * ms)
		for _, c := range rest {
			last = b.press(keyFor(c), at)
			at = at.Add(2 * ms)
		}
		if rest != "" {
			last = b.press(enterKey, at)
		}
		return first, last
	}
	// Where letters are keys: held at 40 ms, one scan of the whole code.
	first, last := run(true, "nqr0002pio")
	if len(first.flushed) != 0 || first.arm == 0 {
		t.Fatalf("a lone key where letters are keys, at 40 ms: %+v", first)
	}
	if last.scan != "snqr0002pio" || last.joins {
		t.Fatalf("the rest after a pause: %+v", last)
	}
	// Where a field is: the key is typed at 40 ms, and the rest joins it.
	first, last = run(false, "nqr0002pio")
	if len(first.flushed) != 1 || first.flushText {
		t.Fatalf("a lone key in a field, at 40 ms: %+v", first)
	}
	if last.scan != "nqr0002pio" || !last.joins {
		t.Fatalf("the rest after a pause, in a field: %+v", last)
	}
	// A lone key acts once the pause window has passed.
	b := newScanBuffer(40*ms, "")
	b.keysAct = true
	r := b.press(keyFor('o'), epoch)
	for i := 1; len(r.flushed) == 0; i++ {
		if i > 3 {
			t.Fatalf("a lone key still held at %d ms: %+v", i*40, r)
		}
		r = b.timeout(r.arm, epoch.Add(time.Duration(i*40)*ms))
	}
	if len(r.flushed) != 1 || r.flushText {
		t.Fatalf("a lone key after the pause window: %+v", r)
	}
	// A person's two keys 60 ms apart: typed keys, in order.
	b = newScanBuffer(40*ms, "")
	b.keysAct = true
	b.press(keyFor('o'), epoch)
	r = b.press(keyFor('x'), epoch.Add(60*ms))
	r = b.timeout(r.arm, epoch.Add(100*ms))
	if len(r.flushed) != 2 || r.flushText || r.flushed[0].Text != "o" || r.flushed[1].Text != "x" {
		t.Fatalf("two keys typed 60 ms apart: %+v", r)
	}
}
