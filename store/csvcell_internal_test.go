package store

import "testing"

// What an export writes, the import reads back as it was; and no cell an
// export writes starts as a formula.
func FuzzSpreadsheetCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "`=x", "``-v", "`plain", "-", "@", "\tx", "\r", "a=b", "`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := SpreadsheetCell(s)
		if got := unescapeCell(c); got != s {
			t.Fatalf("%q exported as %q comes back as %q", s, c, got)
		}
		if formulaStart(c) {
			t.Fatalf("%q exported as %q, a formula", s, c)
		}
	})
}
