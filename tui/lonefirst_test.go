package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// scanLoneFirst scans code with a pause right after its first key (a
// scanner that stops after one character): the first key alone, the
// pause, then the rest at scanner speed with its Enter.
func (h *harness) scanLoneFirst(code string, pause time.Duration) {
	h.t.Helper()
	r := []rune(code)
	h.send(keyFor(r[0]))
	h.advance(pause)
	h.scan(string(r[1:]))
}

// bellWait is how much longer than typeSlow's pause a lone key's refusal
// waits to ring: the bell of a key that may be a code's first waits for
// the join window after it (lonekey.go: holdBell).
const bellWait = joinWindow*DefaultScanGap + DefaultScanGap - 150*time.Millisecond

// titles is the stack of screens, bottom first.
func (h *harness) titles() []string {
	var out []string
	for _, s := range h.m.stack {
		out = append(out, s.Title())
	}
	return out
}

func (h *harness) wantStack(what string, want ...string) {
	h.t.Helper()
	got := h.titles()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i] == want[i]
	}
	if !same || h.bells != 0 {
		h.t.Fatalf("%s: screens %q (%d bells), want %q:\n%s", what, got, h.bells, want, h.view())
	}
}

// loneFirstDB is the seed with an asset whose serial starts with Home's
// people key (PLAIN0188) and a place whose code starts with the check-out
// key (OFFICE).
func loneFirstDB(t *testing.T) *store.DB {
	t.Helper()
	db := newTestDB(t)
	seed(t, db, 2)
	ctx := context.Background()
	if _, err := db.Receive(ctx, store.Receipt{Serial: "PLAIN0188", Model: "LAT5440", Location: "HQ"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddLocation(ctx, "OFFICE", "Office", ""); err != nil {
		t.Fatal(err)
	}
	return db
}

// A scanner that pauses right after a code's first key (longer than the
// hold window, within the pause window) on Home: the key acted (a shortcut
// opened its screen, or T only hinted), and the rest of the code, the next
// input, is the rest of a code Home knows while alone it names nothing:
// the screen the key opened is closed and the whole code opens what it
// names, as a scan on Home does.
func TestScan_LoneFirstKeyHome(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)

	h.scanLoneFirst("TD-000002", 60*time.Millisecond)
	h.wantStack("T, 60 ms, D-000002 on Home", "Home", "Asset TD-000002")

	h.press("esc")
	h.scanLoneFirst("plain0188", 70*time.Millisecond)
	h.wantStack("p (people), 70 ms, lain0188 on Home", "Home", "Asset TD-000003")

	h.press("esc")
	h.scanLoneFirst("snqr0002pio", 60*time.Millisecond)
	h.wantStack("s (stocktake), 60 ms, nqr0002pio on Home", "Home", "Asset TD-000002")

	// The longest pause the buffer joins (three hold windows).
	h.press("esc")
	h.scanLoneFirst("snqr0001pio", 110*time.Millisecond)
	h.wantStack("s (stocktake), 110 ms, nqr0001pio on Home", "Home", "Asset TD-000001")

	// With a pause mid-code too.
	h.press("esc")
	h.send(keyFor('T'))
	h.advance(60 * time.Millisecond)
	h.scanPaused("D-00", "0001", 70*time.Millisecond)
	h.wantStack("T, 60 ms, D-00, 70 ms, 0001 on Home", "Home", "Asset TD-000001")

	// The same where the key opened a screen with a field (People), which
	// took the part before the pause.
	h.press("esc")
	h.send(keyFor('p'))
	h.advance(60 * time.Millisecond)
	h.scanPaused("lai", "n0188", 70*time.Millisecond)
	h.wantStack("p, 60 ms, lai, 70 ms, n0188 on Home", "Home", "Asset TD-000003")

	// On Sync, reached by its key typed alone: its T does nothing.
	h.press("esc")
	h.typeSlow("y")
	h.wantStack("y typed on Home", "Home", "Sync")
	h.scanLoneFirst("TD-000002", 60*time.Millisecond)
	h.wantStack("T, 60 ms, D-000002 on Sync", "Home", "Sync", "Asset TD-000002")
}

// The asset screen in view mode: t opened the status prompt, o the
// check-out prompt; a code whose rest names nothing closes the prompt and
// opens the whole code. Nothing was changed.
func TestScan_LoneFirstKeyAsset(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000002")
	h.wantStack("a scan on Home", "Home", "Asset TD-000002")
	h.scanLoneFirst("td-000001", 60*time.Millisecond)
	h.wantStack("t (status), 60 ms, d-000001 on an asset", "Home", "Asset TD-000001")
	if st := h.asset("TD-000002").Status; st != store.StatusInStock {
		t.Fatalf("TD-000002 is %s", st)
	}
	// o (check out) on an asset in stock, then the rest of a place's
	// label: the place opens (it is no holder named "ffice").
	h.scanLoneFirst("office", 60*time.Millisecond)
	if !strings.HasPrefix(h.title(), "Find") || h.bells != 0 {
		t.Fatalf("o, 60 ms, ffice on an asset: %q (%d bells):\n%s", h.titles(), h.bells, h.view())
	}
	if st := h.asset("TD-000001").Status; st != store.StatusInStock {
		t.Fatalf("TD-000001 is %s", st)
	}
}

// A person's screen: o opened a check-out to them; the rest of a code is
// not theirs: the check-out closes and the code opens.
func TestScan_LoneFirstKeyPerson(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1001")
	h.wantStack("a badge on Home", "Home", "Person Alice Smith")
	h.scanLoneFirst("office", 60*time.Millisecond)
	if got := h.titles(); len(got) != 3 || got[1] != "Person Alice Smith" || got[2][:4] != "Find" || h.bells != 0 {
		t.Fatalf("o, 60 ms, ffice on a person: %q (%d bells):\n%s", got, h.bells, h.view())
	}
}

// What the key opened takes the scan when it is a code there: a check-out
// opened by o gets a badge scanned 80 ms later (even when o and the badge
// together name something too), Find opened by / gets a tag, and check in
// opened by i gets a tag. A rest that names nothing with its first key
// either is refused where it came, as before.
func TestScan_LoneFirstKeyKeptByNewScreen(t *testing.T) {
	db := loneFirstDB(t)
	ctx := context.Background()
	if _, err := db.Receive(ctx, store.Receipt{Serial: "OB1002", Model: "LAT5440", Location: "HQ"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('o'))
	h.advance(80 * time.Millisecond)
	h.scan("B1002")
	h.wantStack("o, 80 ms, B1002 on Home", "Home", "Check out")
	h.wantView("Bob Jones")
	h.press("esc")
	h.press("esc")

	h.send(keyFor('/'))
	h.advance(60 * time.Millisecond)
	h.scan("TD-000001")
	if got := h.titles(); len(got) != 3 || got[1][:4] != "Find" || got[2] != "Asset TD-000001" || h.bells != 0 {
		t.Fatalf("/, 60 ms, TD-000001 on Home: %q (%d bells):\n%s", got, h.bells, h.view())
	}
	h.press("esc")
	h.press("esc")

	if _, err := db.CheckOut(ctx, "TD-000001", "B1001", ""); err != nil {
		t.Fatal(err)
	}
	h.send(keyFor('i'))
	h.advance(60 * time.Millisecond)
	h.scan("TD-000001")
	h.wantStack("i, 60 ms, TD-000001 on Home", "Home", "Check in")
	if st := h.asset("TD-000001").Status; st != store.StatusInStock {
		t.Fatalf("i then a scan: TD-000001 is %s:\n%s", st, h.view())
	}
	h.press("esc")

	// Neither p+ZZZ9 nor ZZZ9 is a code: People says so, as before.
	h.scanLoneFirst("pZZZ9", 60*time.Millisecond)
	if got := h.titles(); len(got) != 2 || got[1] != "People" || h.bells != 1 {
		t.Fatalf("p, 60 ms, ZZZ9 on Home: %q (%d bells):\n%s", got, h.bells, h.view())
	}
}

// A key that wrote is never taken back: y answering the offboarding
// question offboards, whatever comes after it.
func TestScan_LoneFirstKeyAnswerKept(t *testing.T) {
	db := loneFirstDB(t)
	ctx := context.Background()
	if _, err := db.AddLocation(ctx, "YARD", "Yard", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1002")
	h.typeSlow("x")
	h.wantView("Offboard")
	h.scanLoneFirst("yard", 60*time.Millisecond)
	if p, err := db.PersonByCode(ctx, "B1002"); err != nil || p.Active {
		t.Fatalf("y then ard: Bob %+v %v:\n%s", p, err, h.view())
	}
	if got := h.titles(); len(got) != 2 || got[1] != "Person Bob Jones" {
		t.Fatalf("y then ard: %q:\n%s", got, h.view())
	}
}

// Input that comes while the lookup runs waits for it: a second scan right
// behind acts after the first, on the screen the first opened.
func TestScan_LoneFirstKeyQueuedScan(t *testing.T) {
	db := loneFirstDB(t)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.send(keyFor('s'))
	h.advance(60 * time.Millisecond)
	for _, r := range "nqr0002pio" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.hold = true // (the lookup is slow)
	h.send(enterKey)
	h.clk.now = h.clk.now.Add(20 * time.Millisecond)
	for _, r := range "B1001" {
		h.send(keyFor(r))
		h.clk.now = h.clk.now.Add(2 * time.Millisecond)
	}
	h.send(enterKey)
	if got := h.titles(); len(got) != 2 || got[1] != "Stocktake" {
		t.Fatalf("before the lookup ends: %q", got)
	}
	h.release()
	h.advance(200 * time.Millisecond)
	if got := h.titles(); len(got) != 3 || got[1] != "Asset TD-000002" || got[2] != "Person Alice Smith" || h.bells != 0 {
		t.Fatalf("s, 60 ms, nqr0002pio, then B1001: %q (%d bells):\n%s", got, h.bells, h.view())
	}
}

// The buffer says a scan continues a key typed alone (afterKey) when it
// came right after the key, or after bursts that did; not when the bursts
// before it began after a pause longer than the join window, nor when no
// key came before them.
func TestScanBuffer_AfterKey(t *testing.T) {
	ms := time.Millisecond
	run := func(key bool, after time.Duration, first string, pause time.Duration, rest string) scanResult {
		b := newScanBuffer(40*ms, "")
		at := epoch
		if key {
			r := b.press(keyFor('p'), at)
			at = at.Add(40 * ms)
			if r = b.timeout(r.arm, at); len(r.flushed) != 1 || r.flushText {
				t.Fatalf("a key alone: %+v", r)
			}
			at = at.Add(after)
		}
		var r scanResult
		for _, c := range first {
			r = b.press(keyFor(c), at)
			at = at.Add(2 * ms)
		}
		if first != "" {
			at = at.Add(pause)
			r = b.timeout(r.arm, at)
		}
		for _, c := range rest {
			b.press(keyFor(c), at)
			at = at.Add(2 * ms)
		}
		return b.press(enterKey, at)
	}
	if r := run(true, 20*ms, "", 0, "lain0188"); r.scan != "lain0188" || !r.joins || !r.afterKey {
		t.Errorf("a key, then a scan: %+v", r)
	}
	if r := run(true, 20*ms, "lai", 70*ms, "n0188"); r.scan != "n0188" || r.lead != "lai" || !r.afterKey {
		t.Errorf("a key, a burst, a pause, the rest: %+v", r)
	}
	if r := run(true, 200*ms, "lai", 70*ms, "n0188"); r.lead != "lai" || r.afterKey {
		t.Errorf("a key, a pause past the join window, a burst, a pause, the rest: %+v", r)
	}
	if r := run(false, 0, "lai", 70*ms, "n0188"); r.lead != "lai" || r.afterKey {
		t.Errorf("a burst, a pause, the rest: %+v", r)
	}
}
