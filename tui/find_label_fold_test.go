package tui

import (
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// Find's NAME / MODEL shows the model a search matched (c29ece0),
// but compares with strings.ToLower while the search itself ignores
// accents (8ae3f88): "burotec" finds the Bürotec asset by its maker, and
// the row shows its name, as if the model had not matched.
func TestFindLabelFoldsAccents(t *testing.T) {
	a := store.Asset{Tag: "TD-000001", Name: "MAD-LT-000001", Manufacturer: "Bürotec", Model: "Desk Lamp"}
	if got := findLabel(a, []string{"burotec"}); got != "Desk Lamp" {
		t.Errorf("search burotec: NAME / MODEL shows %q, want the model it matched", got)
	}
	a = store.Asset{Tag: "TD-000002", Name: "Bench 4", Manufacturer: "Dell", Model: "Précision 3660"}
	if got := findLabel(a, []string{"precision"}); got != "Précision 3660" {
		t.Errorf("search precision: NAME / MODEL shows %q, want the model it matched", got)
	}
}
