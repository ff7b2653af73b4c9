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

// From a warehouse lead's hunt: a scan while the accept question was open
// replaced it on screen, and the next Enter (or a) answered the hidden
// question: the server's state was accepted with no question showing. A
// scan is refused while it is open, and only y accepts.
func TestSync_ScanDoesNotHideTheQuestion(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	fs := &fakeSyncState{st: conflictStatus()}
	h := newHarness(t, db, Options{Operator: "clerk", SyncState: fs}, 80, 24)
	h.typeSlow("y")
	h.typeSlow("a")
	h.scan("NOPE-77")
	h.wantView("NOPE-77: not opened: answer the question on refusal 7 first")
	h.press("enter")
	if len(fs.resolved) != 0 {
		t.Fatalf("enter accepted: %v", fs.resolved)
	}
	h.typeSlow("a")
	h.typeSlow("y")
	if len(fs.resolved) != 1 {
		t.Fatalf("a, y resolved %v", fs.resolved)
	}
}
