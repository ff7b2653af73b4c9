package store

import "testing"

// mayHoldEscape finds ESC and CSI however JSON writes them, without a copy
// of the payload: escaped in either case, at the very end, or CSI raw.
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
	} {
		if got := mayHoldEscape([]byte(c.json)); got != c.want {
			t.Errorf("mayHoldEscape(%s) = %v, want %v", c.json, got, c.want)
		}
	}
}
