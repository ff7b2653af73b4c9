package tui

import (
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// At 80 columns Find cut place codes to 8 (DUB…R203), so DUB-B1-R203 and
// DUB-B2-R203 looked alike, and its NAME / MODEL column showed the name
// only, so a search by model could not be checked by eye.
func TestFindRowsAt80Columns(t *testing.T) {
	widths := findColumns(80)
	total := len(widths) - 1
	for _, w := range widths {
		total += w
	}
	if total > 80 {
		t.Fatalf("columns %v are %d wide", widths, total)
	}
	a := store.Asset{Tag: "TD-000114", Status: store.StatusDeployed, Name: "DUB-LT-000114", Model: "Latitude 5440", Manufacturer: "Dell",
		Serial: "2M39FMM", LocationCode: "DUB-B1-R203", CustodianName: "Seán Daly"}
	b := a
	b.LocationCode = "DUB-B2-R203"
	ra := row(widths, []string{a.Tag, a.Status.Label(), findLabel(a, []string{"lat"}), a.Serial, clipMiddle(a.LocationCode, widths[4]), a.CustodianName})
	rb := row(widths, []string{b.Tag, b.Status.Label(), findLabel(b, []string{"lat"}), b.Serial, clipMiddle(b.LocationCode, widths[4]), b.CustodianName})
	if !strings.Contains(ra, "DUB-B1-R203") || !strings.Contains(rb, "DUB-B2-R203") {
		t.Errorf("place codes cut:\n%s\n%s", ra, rb)
	}
	if !strings.Contains(ra, "Latitude 5440") {
		t.Errorf("a search by model shows no model: %s", ra)
	}
	for q, want := range map[string]string{"lat": "Latitude 5440", "dell": "Latitude 5440", "dub-lt": "DUB-LT-000114", "lat 0001": "DUB-LT-000114", "": "DUB-LT-000114", "daly": "DUB-LT-000114"} {
		if got := findLabel(a, strings.Fields(q)); got != want {
			t.Errorf("query %q shows %q, want %q", q, got, want)
		}
	}
	if got := findLabel(store.Asset{Model: "Latitude 5440"}, []string{"x"}); got != "Latitude 5440" {
		t.Errorf("no name: %q", got)
	}
}
