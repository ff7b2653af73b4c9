package main

import (
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
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

// A count's report says its day where it was made when this desk's day of
// its finish is another: finished at 23:30 in New York on the 27th, read
// in Sydney.
func TestFinishedStamp(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	time.Local = time.FixedZone("AEDT", 11*3600)
	s := store.Stocktake{FinishedAt: "2026-11-28T04:30:00.5Z", FinishedOn: "2026-11-27"}
	if got, want := finishedStamp(s), "2026-11-28 15:30 AEDT (dated 2026-11-27 where it was counted)"; got != want {
		t.Errorf("read in Sydney: %q, want %q", got, want)
	}
	time.Local = time.FixedZone("EST", -5*3600)
	if got, want := finishedStamp(s), "2026-11-27 23:30 EST"; got != want {
		t.Errorf("read in New York: %q, want %q", got, want)
	}
}
