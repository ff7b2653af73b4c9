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
		// Long names keep their numbers: the longest words give way.
		"Building 4 Storage Room 12":                "BUILDI-4-STORAGE-ROOM-12",
		"Building 4 Storage Room 3":                 "BUILDIN-4-STORAGE-ROOM-3",
		"International Distribution Centre 3 Bay A": "INTE-DISTR-CENTR-3-BAY-A",
		"Hauptverwaltungsgebäudekomplex":            "HAUPTVERWALTUNGSGEBAUDEK",
		"Lager 1234567890 1234567890 99":            "LAG-1234567890-123456789",
	} {
		if got := codeFromName(name); got != want {
			t.Errorf("codeFromName(%q) = %q, want %q", name, got, want)
		}
	}
}
