package store_test

import (
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A model's name that starts with its manufacturer's, as a word and case
// aside, is not given the manufacturer again.
func TestMakerModel(t *testing.T) {
	for _, c := range []struct{ maker, model, want string }{
		{"Samsung", "Samsung 980 Pro 1TB", "Samsung 980 Pro 1TB"},
		{"Samsung", "samsung 980 Pro", "samsung 980 Pro"},
		{"Dell", "Latitude 5440", "Dell Latitude 5440"},
		{"HP", "HPE ProLiant DL380", "HP HPE ProLiant DL380"},
		{"HP", "HP-EliteBook 840", "HP-EliteBook 840"},
		{"Apple", "Apple", "Apple"},
		{"Lenovo", "Lenovo7 X1", "Lenovo Lenovo7 X1"},
		{"Ünitek", "ünitek Hub", "ünitek Hub"},
		{"", "Latitude 5440", "Latitude 5440"},
		{"Dell", "", "Dell"},
		{" Dell ", " Dell Pro 14 ", "Dell Pro 14"},
	} {
		if got := store.MakerModel(c.maker, c.model); got != c.want {
			t.Errorf("MakerModel(%q, %q) = %q, want %q", c.maker, c.model, got, c.want)
		}
	}
}
