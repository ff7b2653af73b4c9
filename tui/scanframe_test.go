package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

// A label link of the full 256 bytes a scan may be, read by a scanner that
// sends a configured prefix and an AIM identifier before it, is one scan
// of the link: the prefix and the identifier are framing, not the code
// (the buffer refused it as 260 characters, "no code is that long").
func TestScanBuffer_FramingPastTheLimit(t *testing.T) {
	link := "https://assets.example.com/a/" + strings.Repeat("x", store.MaxScanLen-len("https://assets.example.com/a/"))
	if len(link) != store.MaxScanLen {
		t.Fatalf("link of %d bytes", len(link))
	}
	b := newScanBuffer(40*time.Millisecond, "~")
	now := time.Unix(0, 0)
	var r scanResult
	for _, c := range "~]Q1" + link {
		now = now.Add(2 * time.Millisecond)
		r = b.press(keyFor(c), now)
		if r.tooLong > 0 {
			t.Fatalf("refused as too long at %d bytes", r.tooLong)
		}
	}
	r = b.press(enterKey, now.Add(2*time.Millisecond))
	if r.tooLong > 0 || r.scan != "]Q1"+link {
		t.Fatalf("a 256-byte link behind a prefix and an AIM identifier: %+v", r)
	}
	got, err := store.CleanScan(r.scan)
	if err != nil || got != link {
		t.Fatalf("CleanScan: %q, %v", got, err)
	}
	// Past the limit once the framing is dropped: refused by the store.
	if _, err := store.CleanScan("]Q1" + link + "y"); err == nil {
		t.Fatal("a code of 257 bytes behind an AIM identifier was taken")
	}
}
