package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// wrapWords ends, and loses nothing, when a character is wider than the
// width (CJK on a 1-column width: a message on a 3-column terminal).
func TestWrapWords_WiderThanWidth(t *testing.T) {
	done := make(chan []string)
	go func() { done <- wrapWords("日本語 ab", 1) }()
	select {
	case l := <-done:
		if want := []string{"日", "本", "語", "a", "b"}; !slices.Equal(l, want) {
			t.Errorf("got %q, want %q", l, want)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("wrapWords(wide, 1) does not return")
	}
	if got := clipMiddle("DUB-STORE-S01", 7); got != "DUB…S01" {
		t.Errorf("clipMiddle: %q", got)
	}
}

// From a hunt of the screens: a field scrolled by characters, so a value
// of wide characters (東京, two cells each) ran past the edge and the
// cursor and what was just typed were off the screen.
func TestFieldScrollsByCells(t *testing.T) {
	st := NewStyles(true, true)
	f := newField("name: ", "")
	f.limit = 0
	f.SetValue(strings.Repeat("東京", 30) + "ABC")
	f.Focus()
	for _, w := range []int{40, 80} {
		v := ansi.Strip(f.View(st, w))
		if got := ansi.StringWidth(v); got > w {
			t.Errorf("at %d: %d cells: %q", w, got, v)
		}
		if !strings.Contains(v, "ABC") {
			t.Errorf("at %d: what was typed is off the screen: %q", w, v)
		}
	}
}

// From a review: a note of several lines opened in the edit prompt spilled
// its lines over the screen: they show on the field's one line as ⏎, and
// are kept in the value.
func TestFieldShowsLineBreaksOnItsLine(t *testing.T) {
	st := NewStyles(true, true)
	f := newField("notes: ", "")
	f.limit = 0
	f.SetValue("first\nsecond\tthird")
	f.Focus()
	v := ansi.Strip(f.View(st, 80))
	if strings.Contains(v, "\n") || !strings.Contains(v, "first⏎second third") {
		t.Errorf("shown: %q", v)
	}
	if f.Value() != "first\nsecond\tthird" {
		t.Errorf("value: %q", f.Value())
	}
}
