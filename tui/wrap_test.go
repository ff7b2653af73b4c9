package tui

import (
	"reflect"
	"testing"
	"time"

	"github.com/tagdesk/tagdesk/store"
)

func TestWrapWords(t *testing.T) {
	for _, c := range []struct {
		text  string
		width int
		want  []string
	}{
		{"a scan works on every screen", 12, []string{"a scan works", "on every", "screen"}},
		{"sync resolve ID --accept|--redo", 20, []string{"sync resolve ID", "--accept|--redo"}},
		{"abcdefghij klm", 4, []string{"abcd", "efgh", "ij", "klm"}},
		{"  spaced   out  ", 80, []string{"spaced out"}},
		{"", 10, []string{""}},
		{"no width", 0, []string{"no width"}},
	} {
		if got := wrapWords(c.text, c.width); !reflect.DeepEqual(got, c.want) {
			t.Errorf("wrapWords(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
}

func TestStamp(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data")
	}
	for in, want := range map[string]string{
		"2024-05-01T00:00:00Z":           "2024-05-01", // a day: not the evening before in New York
		"2026-11-27T16:01:52.447716478Z": "2026-11-27 11:01",
		"not a time":                     "not a time",
	} {
		if got := stamp(in, ny); got != want {
			t.Errorf("stamp(%q) = %q, want %q", in, got, want)
		}
	}
}

// A finished count's title says its day where it was made when the
// screen's day of its finish is another: finished at 23:30 in New York on
// the 27th, read in Sydney.
func TestFinishedStamp(t *testing.T) {
	syd, err1 := time.LoadLocation("Australia/Sydney")
	ny, err2 := time.LoadLocation("America/New_York")
	if err1 != nil || err2 != nil {
		t.Skip("no time zone data")
	}
	st := store.Stocktake{FinishedAt: "2026-11-28T04:30:00.5Z", FinishedOn: "2026-11-27"}
	if got, want := finishedStamp(st, syd), "2026-11-28 15:30 (dated 2026-11-27 where it was counted)"; got != want {
		t.Errorf("in Sydney: %q, want %q", got, want)
	}
	if got, want := finishedStamp(st, ny), "2026-11-27 23:30"; got != want {
		t.Errorf("in New York: %q, want %q", got, want)
	}
}

// A column holds its width in cells whatever the script: wide characters
// count two, and a cut name ends in an ellipsis.
func TestColumnWidth(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"DUB", "DUB     "},
		{"東京本社", "東京本社"},
		{"東京本社ビル", "東京本… "}, // (a wide character does not fit the last cell)
		{"Zoë", "Zoë     "},
	} {
		if got := column(c.in, 8); got != c.want || cellWidth(got) != 8 {
			t.Errorf("column(%q, 8) = %q (%d cells), want %q", c.in, got, cellWidth(got), c.want)
		}
	}
}

func TestClipMiddle(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"DUB-STORE-S01", 8, "DUB…-S01"}, {"DUB-STORE-S07", 8, "DUB…-S07"}, {"SHELF-A", 8, "SHELF-A"},
		{"064-065-066-067-068", 14, "064-06…067-068"}, {"ABCDEFG", 4, "ABC…"},
	} {
		if got := clipMiddle(c.s, c.w); got != c.want {
			t.Errorf("clipMiddle(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}
