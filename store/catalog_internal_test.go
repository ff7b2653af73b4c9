package store

import "testing"

// A location code made from a name keeps its letters, accents dropped.
func TestCodeFromName(t *testing.T) {
	for name, want := range map[string]string{
		"Dublin – Floor 2":    "DUBLIN-FLOOR-2",
		"München Büro":        "MUNCHEN-BURO",
		"São Paulo, 3º andar": "SAO-PAULO-3-ANDAR",
		"Zürich Straße 1":     "ZURICH-STRASSE-1",
		"東京オフィス":              "LOC",
		"  --  ":              "LOC",
		"Åre/Östersund depot": "ARE-OSTERSUND-DEPOT",
	} {
		if got := codeFromName(name); got != want {
			t.Errorf("codeFromName(%q) = %q, want %q", name, got, want)
		}
	}
}
