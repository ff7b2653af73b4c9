package store

import (
	"database/sql/driver"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
)

// Search ignores case and accents: "muller" finds Müller, "Müller" finds
// Muller. The index does it itself (asset_fts: the trigram tokenizer with
// remove_diacritics); what does not go through it (a word under three
// characters, a person's name, badge, username or email, a picker's list)
// compares Fold of both sides, which folds as the index does.

// Fold is s as search compares it: lower case, and a Latin letter with
// accents as its plain letter (é e, Ü u, ñ n, Å a), as FTS5's trigram
// tokenizer folds with remove_diacritics. Letters that are letters of
// their own stay (ß, ø, ł, æ), and so do other scripts' marks (が is not か,
// й not и): as in the index, only a Latin base letter loses its marks.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s) // (s itself when it has no capital)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if strings.ContainsRune(latinMarks, r) {
			continue
		}
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// latinMarks are the combining marks the index drops where they stand
// alone (a name written decomposed, u and then ¨): those its Latin letters'
// accents are made of.
const latinMarks = "\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030f\u0311\u031b" +
	"\u0323\u0324\u0325\u0326\u0327\u0328\u032d\u032e\u0330\u0331"

// foldRune folds one character: lower case, then a Latin letter's accents
// dropped (its canonical decomposition is an ASCII letter followed by
// combining marks only).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	// Case folded as Unicode's case folding does, which the index follows:
	// a character's capital's small letter (final ς as σ, ſ as s, µ as μ),
	// except the dotless ı, a letter of its own.
	if r != 'ı' {
		r = unicode.ToLower(unicode.ToUpper(r))
	}
	var buf [utf8.UTFMax]byte
	d := norm.NFD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition()
	if len(d) < 2 || d[0] >= utf8.RuneSelf || !isASCIILetter(d[0]) {
		return r
	}
	for _, m := range string(d[1:]) {
		if !unicode.Is(unicode.Mn, m) {
			return r
		}
	}
	return rune(d[0]) | 0x20
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// init gives SQLite fold(text), Fold for a query (the short words' search,
// the people filter): the driver's functions are registered once for the
// process and reach every connection it opens after. Anything not text
// (NULL, a number) is returned as it is. (The text is read in SQLite's own
// memory, VolatileArgs: Fold's result, which may be that text, is copied
// back before the call returns.)
func init() {
	sqlite.MustRegisterFunction("fold", &sqlite.FunctionImpl{
		NArgs:         1,
		Deterministic: true,
		VolatileArgs:  true,
		Scalar: func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			if s, ok := args[0].(string); ok {
				return Fold(s), nil
			}
			return args[0], nil
		},
	})
}
