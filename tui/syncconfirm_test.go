package tui

import (
	"context"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// The y/n prompt names refusal 7; meanwhile 7 is resolved elsewhere (CLI
// `tagdesk sync resolve 7 --redo`) and the status refreshes (every 5 s).
// y then resolves nothing: not refusal 8, which the clerk was not asked about.
func TestSync_ConfirmIsForTheRefusalItNamed(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	fs := &fakeSyncState{st: conflictStatus()}
	h := newHarness(t, db, Options{Operator: "clerk", SyncState: fs}, 120, 40)
	h.typeSlow("y")
	h.typeSlow("a")
	h.wantView("accept the server's state for refusal 7?")
	// Elsewhere: 7 redone.
	if _, err := fs.ResolveRefusal(context.Background(), 7, store.ResolveRedo); err != nil {
		t.Fatal(err)
	}
	fs.resolved = nil
	h.advance(defaultStatusEvery)
	h.advance(defaultStatusEvery)
	h.typeSlow("y")
	h.wantView("refusal 7 is no longer waiting")
	if len(fs.resolved) != 0 {
		t.Fatalf("y after a prompt for refusal 7 resolved %v; refusals left: %+v", fs.resolved, fs.st.Refusals)
	}
}
