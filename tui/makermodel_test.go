package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// The asset screen gives a model whose name starts with its manufacturer's
// once ("Samsung 980 Pro 1TB", not "Samsung Samsung 980 Pro 1TB").
func TestDetail_ModelNamedWithItsMaker(t *testing.T) {
	ctx := context.Background()
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.AddModel(ctx, "Samsung 980 Pro 1TB", "MZ-V8P1T0", "Samsung", "Disk"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(ctx, store.Receipt{Tag: "D-1", Serial: "S4EV", Model: "MZ-V8P1T0", Location: "HQ"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.scan("D-1")
	h.wantView("Samsung 980 Pro 1TB MZ-V8P1T0")
	if strings.Contains(h.view(), "Samsung Samsung") {
		t.Errorf("the maker twice:\n%s", h.view())
	}
	h.press("esc")
	h.scan("TD-000001")
	h.wantView("Dell Latitude 5440 LAT5440")
}
