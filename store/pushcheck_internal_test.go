package store

import "testing"

// mayHoldEscape finds ESC and the C1 controls however JSON writes them,
// without a copy of the payload: escaped in either case, at the very end,
// or raw; a review found OSC, DCS and APC let through.
func TestMayHoldEscape(t *testing.T) {
	for _, c := range []struct {
		json string
		want bool
	}{
		{`{"name":"Head office"}`, false},
		{`{"name":"a\u001b[2J"}`, true},
		{`{"name":"a\u001B[2J"}`, true},
		{`{"name":"a\u009B"}`, true},
		{`{"name":"a` + "\u009b" + `"}`, true},
		{`"\u001b"`, true},
		{`{"name":"\u0041\u00e9"}`, false},
		{`{"name":"\u00`, false},
		{`{"name":"a\u009d52;c;x\u009c"}`, true}, // OSC (a clipboard write)
		{`{"name":"a\u0090"}`, true},             // DCS
		{`{"name":"a` + "\u009f" + `"}`, true},   // APC, raw
		{`{"name":"Alice\tSmith"}`, false},       // a tab an old desk kept
	} {
		if got := mayHoldEscape([]byte(c.json)); got != c.want {
			t.Errorf("mayHoldEscape(%s) = %v, want %v", c.json, got, c.want)
		}
	}
	for _, s := range []string{"\x1b[2J", "a\u009d52;c;x\u009c", "\u0090", "\u009f"} {
		if !hasEscape(s) {
			t.Errorf("hasEscape(%q) = false", s)
		}
	}
	for _, s := range []string{"Alice\tSmith", "Émile", "line\nbreak"} {
		if hasEscape(s) {
			t.Errorf("hasEscape(%q) = true", s)
		}
	}
}
