package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// From a review: a sync that pulled 250 changes and then met a full disk
// said "sync failed: the disk … is full: nothing was saved", which was
// false: the pages pulled before were saved. It says what was.
func TestSyncFailureSaysWhatWasSaved(t *testing.T) {
	full := fmt.Errorf("apply page: %w", &store.Error{Code: store.EFULL, Message: "the disk holding the database /d/desk.db is full: nothing was saved; free some space and try again", Err: store.ErrDiskFull})
	for _, c := range []struct {
		err    error
		pulled int
		want   string
	}{
		{full, 250, "sync failed: the disk holding the database /d/desk.db is full: the rest of this sync was not saved (the 250 change(s) pulled before it were); free some space and try again; 3 change(s) kept locally, pending"},
		{full, 0, "sync failed: the disk holding the database /d/desk.db is full: nothing was saved; free some space and try again; 3 change(s) kept locally, pending"},
		{errors.New("push: connection refused"), 250, "sync failed: push: connection refused; 3 change(s) kept locally, pending"},
	} {
		if got := syncFailure(c.err, c.pulled, "3 change(s) kept locally, pending").Error(); got != c.want {
			t.Errorf("pulled %d: %q\nwant %q", c.pulled, got, c.want)
		}
	}
}
