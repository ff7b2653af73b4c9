package tui

import (
	"slices"
	"testing"
	"time"
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
