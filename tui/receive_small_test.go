package tui

import (
	"strings"
	"testing"
)

// rev21: "✗ no model matches" stayed under Receive's setup once a model
// was chosen (a mistyped order's refusal went, a model's did not).
func TestReceive_NoModelMatchesGoesOnceChosen(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 0)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("r")
	h.typeSlow("zzz")
	h.press("enter")
	h.wantView("no model matches")
	for range 3 {
		h.press("backspace")
	}
	h.typeSlow("lat")
	h.press("enter")
	h.wantView("model:    Latitude 5440")
	if v := h.view(); strings.Contains(v, "no model matches") {
		t.Errorf("the model's refusal stays once a model is chosen:\n%s", v)
	}
	h.press("tab")
	h.typeSlow("NOWHERE")
	h.press("enter")
	h.wantView("no location matches")
	for range 7 {
		h.press("backspace")
	}
	h.typeSlow("SHELF-A")
	h.press("enter")
	if v := h.view(); strings.Contains(v, "no location matches") || !strings.Contains(v, "receiving Latitude 5440 at SHELF-A") {
		t.Errorf("the location's refusal stays once receiving starts:\n%s", v)
	}
}

// rev21: Receive's help said "enter open" in the setup (enter chooses) and
// never named ctrl+d, the duplicate serial's override, there.
func TestReceive_HelpSaysChooseAndCtrlD(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 0)
	h := newHarness(t, db, Options{Operator: "clerk"}, 120, 30)
	h.typeSlow("r")
	h.press("f1")
	v := h.view()
	if strings.Contains(v, "enter open") || !strings.Contains(v, "enter choose") || !strings.Contains(v, "ctrl+d") {
		t.Errorf("Receive's setup help:\n%s", v)
	}
	h.press("esc")
	h.typeSlow("lat")
	h.press("enter")
	h.press("enter")
	h.typeSlow("SHELF-A")
	h.press("enter")
	h.press("f1")
	if v := h.view(); !strings.Contains(v, "ctrl+d") || strings.Contains(v, "enter open") {
		t.Errorf("Receive's help while scanning:\n%s", v)
	}
}

// Receive's model and location pickers matched case aside but not
// accents: "munchen" found no "München" store, as search did before it
// folded them.
func TestReceive_PickersFoldAccents(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 0)
	if _, err := db.AddLocation(t.Context(), "MUC-LAGER", "München Lager", ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("r")
	h.typeSlow("lat")
	h.press("enter")
	h.wantView("model:    Latitude 5440")
	h.press("tab")
	h.typeSlow("munchen")
	h.press("enter")
	h.wantView("receiving Latitude 5440 at MUC-LAGER")
}
