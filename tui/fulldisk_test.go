package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// From a review: a full disk showed in the status line as "internal error:
// commit: database or disk is full (13)". The store's EFULL refusal shows
// in its own words, as any coded refusal.
func TestErrTextFullDisk(t *testing.T) {
	const msg = "the disk holding the database /srv/desk.db is full: nothing was saved; free some space and try again"
	err := fmt.Errorf("check out TD-1: %w", &store.Error{Code: store.EFULL, Message: msg, Err: store.ErrDiskFull})
	if got := errText(err); got != msg || strings.Contains(got, "internal error") {
		t.Errorf("errText = %q, want %q", got, msg)
	}
}
