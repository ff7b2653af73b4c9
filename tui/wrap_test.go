package tui

import (
	"reflect"
	"testing"
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
