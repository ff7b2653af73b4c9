package store

import "strings"

// Spreadsheet safety. Excel and LibreOffice run a CSV cell that begins with
// = + - @, a tab or a carriage return as a formula when the file is opened,
// so a name or a note such as =HYPERLINK("http://…","click") in an export
// would act on the machine of whoever opens it. Snipe-IT's exports put a
// backtick before such a cell (League\Csv\EscapeFormula with "`"); tagdesk's
// CSV outputs do the same, and its import takes the backtick off again, so
// that a value comes back as it was from either tool's export.

// formulaEscape is the character put before a cell a spreadsheet would run.
const formulaEscape = "`"

// formulaStart reports whether a spreadsheet would read s as a formula.
func formulaStart(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// escaped reports whether s is backticks (any number, none included) and
// then what a spreadsheet would run as a formula: =x, or =x after one
// backtick or several.
func escaped(s string) bool {
	return formulaStart(strings.TrimLeft(s, formulaEscape))
}

// SpreadsheetCell returns s as a CSV cell that a spreadsheet shows as text:
// a cell it would run as a formula gets a backtick before it, and so does a
// value that already starts with backticks before one (`-v), so that the
// import, taking one backtick off, gives it back as it was.
func SpreadsheetCell(s string) string {
	if escaped(s) {
		return formulaEscape + s
	}
	return s
}

// SpreadsheetRow applies SpreadsheetCell to every cell of rec, in place.
func SpreadsheetRow(rec []string) []string {
	for i, c := range rec {
		rec[i] = SpreadsheetCell(c)
	}
	return rec
}

// unescapeCell undoes SpreadsheetCell: a backtick before what a spreadsheet
// would run as a formula is taken off.
func unescapeCell(s string) string {
	if rest, ok := strings.CutPrefix(s, formulaEscape); ok && escaped(rest) {
		return rest
	}
	return s
}
