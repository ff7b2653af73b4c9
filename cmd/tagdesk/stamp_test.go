package main

import (
	"testing"
	"time"
)

// A day recorded without its time (an imported check-out or disposal) shows
// as that day at any desk; a moment as the desk's local time.
func TestLocalStamp(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	time.Local = time.FixedZone("EST", -5*3600)
	if got := localStamp("2024-03-21T00:00:00Z"); got != "2024-03-21" {
		t.Errorf("a day alone west of UTC: %q", got)
	}
	if got := localStamp("2024-03-21T03:30:00.5Z"); got != "2024-03-20 22:30 EST" {
		t.Errorf("a moment: %q", got)
	}
	if got := localStamp("not a time"); got != "not a time" {
		t.Errorf("not a time: %q", got)
	}
}
