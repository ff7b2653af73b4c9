package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// refusingSyncState is a fakeSyncState whose redo is refused, as the
// store says it.
type refusingSyncState struct {
	fakeSyncState
	redoErr error
}

func (f *refusingSyncState) ResolveRefusal(ctx context.Context, id int64, how string) ([]store.Event, error) {
	if how == store.ResolveRedo {
		return nil, f.redoErr
	}
	return f.fakeSyncState.ResolveRefusal(ctx, id, how)
}

// At 80 columns the chosen refusal's line wraps: a check-in's condition,
// at its end, is what a and r are decided on (it was cut at "…(DUB),
// cond…"). A redo's refusal wraps too, naming the refusal by the number the
// list shows. All within 80x24.
func TestSync_RefusedCheckInConditionShownAt80(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	st := conflictStatus()
	st.Refusals = []store.Refusal{
		{ID: 19, Type: store.EvAssetCheckedIn, Tag: "TD-000123", Code: "invalid", Event: "DCF32DE740:15",
			Summary: "TD-000123 checked in from Ana Silva-Fitzgerald (B10042) to Dublin storeroom (DUB), condition repair",
			Reason:  "TD-000123 is not checked out (it is in stock)",
			Winner:  &store.Winner{Event: "DAB12:9", DeviceID: "DAB12", Operator: "ann", At: epoch, Summary: "checked in from Ana Silva-Fitzgerald (B10042), condition ok"}},
		st.Refusals[1],
	}
	fs := &refusingSyncState{fakeSyncState: fakeSyncState{st: st},
		redoErr: store.Errorf(store.ECONFLICT, "cannot redo refusal 19: TD-000123 is missing now, neither checked out nor in stock: the check-in is not redone over that; accept the server's state (tagdesk status changes it if it should)")}
	h := newHarness(t, db, Options{Operator: "clerk", SyncState: fs}, 80, 24)
	h.typeSlow("y")
	if h.title() != "Sync" {
		t.Fatalf("y opened %q", h.title())
	}
	v := h.view()
	if !strings.Contains(v, "condition repair") {
		t.Fatalf("the chosen refusal's condition is not shown at 80 columns:\n%s", v)
	}
	h.typeSlow("r")
	v = h.view()
	for _, want := range []string{"cannot redo refusal 19:", "accept the server's state"} {
		if !strings.Contains(v, want) {
			t.Errorf("the redo's refusal does not show %q at 80 columns:\n%s", want, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) > 24 {
		t.Errorf("%d lines at 80x24:\n%s", len(lines), v)
	}
	for _, l := range lines {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("a line of %d columns: %q", w, l)
		}
	}
}
