package tui

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// BenchmarkScan_CheckOut is one scan handled end to end on the check-out
// screen: the scan message, resolve and commit (one transaction with its
// event), the result message and the new view.
func BenchmarkScan_CheckOut(b *testing.B) {
	db := newTestDB(b)
	seed(b, db, 0)
	ctx := context.Background()
	var rs []store.Receipt
	for i := 0; i < b.N; i++ {
		rs = append(rs, store.Receipt{Serial: fmt.Sprintf("BENCH%07d", i), Model: "LAT5440", Location: "HQ"})
	}
	if _, err := db.ReceiveAll(ctx, rs); err != nil {
		b.Fatal(err)
	}
	h := newHarness(b, db, Options{Operator: "bench"}, 100, 30)
	h.typeSlow("o")
	h.scan("B1001")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.send(scanMsg{code: fmt.Sprintf("TD-%06d", i+1)})
		_ = h.m.render()
	}
	b.StopTimer()
	if s := h.m.active().(*checkOutScreen); s.feed.good != b.N {
		b.Fatalf("%d of %d scans recorded", s.feed.good, b.N)
	}
}

// BenchmarkScan_Keys is the scanner burst itself: 9 characters and Enter
// through the scan buffer into a scanMsg (no store work: Home ignores
// nothing, so the check-in screen with a refusal is used).
func BenchmarkScan_Keys(b *testing.B) {
	buf := newScanBuffer(40*time.Millisecond, "")
	now := epoch
	keys := []rune("TD-000123")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range keys {
			now = now.Add(time.Millisecond)
			buf.press(keyFor(r), now)
		}
		if r := buf.press(enterKey, now); r.scan == "" {
			b.Fatal("no scan")
		}
	}
}

// BenchmarkFind_Keystroke is one keystroke on the find screen: the query
// (one page plus a capped count) and the redraw.
func BenchmarkFind_Keystroke(b *testing.B) {
	db := newTestDB(b)
	seed(b, db, 2000)
	h := newHarness(b, db, Options{Operator: "bench"}, 100, 30)
	h.typeSlow("/")
	f := h.m.active().(*findScreen)
	queries := []string{"S", "SN", "SNQ", "SNQR", "SNQR0", "SNQR01", "SNQR012"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.input.SetValue(queries[i%len(queries)])
		h.run(f.restart())
		_ = h.m.render()
	}
}

// TestScanLatency measures 200 scans handled back to back (resolve, commit,
// view) and reports the median and the 99th percentile.
func TestScanLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	db := newTestDB(t)
	seed(t, db, 200)
	h := newHarness(t, db, Options{Operator: "bench"}, 100, 30)
	h.typeSlow("o")
	h.scan("B1001")
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		start := time.Now()
		h.send(scanMsg{code: fmt.Sprintf("TD-%06d", i)})
		_ = h.m.render()
		d = append(d, time.Since(start))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	p50, p99 := d[len(d)/2], d[len(d)*99/100]
	t.Logf("200 scans: p50 %v p99 %v max %v", p50, p99, d[len(d)-1])
	if s := h.m.active().(*checkOutScreen); s.feed.good != 200 {
		t.Fatalf("%d of 200 scans recorded", s.feed.good)
	}
	// A generous bound so a loaded CI machine does not flake; the target
	// (20 ms) is checked by make bench on the 1M database.
	if p99 > 500*time.Millisecond {
		t.Errorf("p99 %v", p99)
	}
}
