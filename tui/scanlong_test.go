package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// A single key message longer than MaxScanLen (several runes in one
// message: SSH, an unbracketed paste) is dropped when its timer ends it,
// and an Enter seconds later is the person's, not swallowed with it.
func TestScanBuffer_OverlongSingleMessage(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	big := strings.Repeat("x", 300)
	r := b.press(tea.KeyPressMsg{Code: 'x', Text: big}, epoch)
	if r.arm == 0 {
		t.Fatal("no timer armed")
	}
	r = b.timeout(r.arm, epoch.Add(41*ms))
	if r.tooLong == 0 {
		t.Errorf("the burst ended (timer) but was not reported: %+v over=%d", r, b.over)
	}
	// The person presses Enter five seconds later, on a prompt.
	r = b.press(enterKey, epoch.Add(5*time.Second))
	if !r.pass {
		t.Errorf("an Enter 5s after the over-long burst was swallowed: %+v", r)
	}
}

// A starved process handles the hold timer late, with the rest of the
// burst queued behind it: an over-long burst gets the one more window a
// normal one gets, so the queued tail and Enter are not a scan.
func TestScanBuffer_OverlongLateTimerTail(t *testing.T) {
	ms := time.Millisecond
	b := newScanBuffer(40*ms, "")
	at := epoch
	var r scanResult
	for range 300 {
		r = b.press(keyFor('J'), at)
		at = at.Add(time.Millisecond / 10)
	}
	// The timer is handled 200 ms late.
	r = b.timeout(r.arm, at.Add(200*ms))
	at = at.Add(201 * ms)
	for _, c := range "TD-000001" {
		b.press(keyFor(c), at)
	}
	got := b.press(enterKey, at)
	if got.scan != "" {
		t.Errorf("the tail of an over-long burst became a scan %q", got.scan)
	}
}
