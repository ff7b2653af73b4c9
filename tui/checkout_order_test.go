package tui

import (
	"context"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"strings"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A scan names a holder exactly: part of a badge is no one's, scanned or
// typed (it matched the one badge that held it, and every asset scanned
// next went to that person). A typed name still picks the one person
// whose name holds it.
func TestCheckOut_PartOfABadgeIsNoOne(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	if _, err := db.AddPerson(context.Background(), store.PersonInput{Name: "Ciara Walsh", Badge: "B200123"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	bells := h.bells
	h.scan("B20012")
	h.wantView(`no person, location or asset "B20012"`)
	if h.bells != bells+1 {
		t.Fatal("no bell for a badge that names no one")
	}
	h.typeSlow("B20012")
	h.press("enter")
	if h.bells != bells+2 {
		t.Fatal("a typed part of a badge was taken")
	}
	h.typeSlow("ciara")
	h.press("enter")
	h.wantView("checking out to Ciara Walsh (B200123)")
	// Text in two people's names (Alice Smith, Ciara Walsh) is said so.
	h.press("esc")
	h.typeSlow("a")
	h.typeSlow("l")
	h.press("enter")
	h.wantView(`"al" is in the names of 2 people: pick one with ↓ and enter`)
}

// Scan the asset, scan the badge: the asset scanned first, with nothing
// installed in it, is checked out to the badge that follows (it was taken
// for a parent asset, then dropped for the badge: nothing checked out).
// Assets scanned after it go with it (scan the laptop, the phone, the
// badge: a helpdesk shift's hunt found the phone installed in the laptop
// and the laptop left in stock), or into it with ctrl+n (a server, then
// its disks).
func TestCheckOut_AssetThenBadge(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.scan("TD-000001")
	h.wantView("scan a badge or location to check it out to, or assets to go with it or in it")
	h.scan("B1002")
	h.wantView("checking out to Bob Jones (B1002)", "TD-000001")
	if a := h.asset("TD-000001"); a.Custodian != "B1002" {
		t.Fatalf("TD-000001 held by %q, want B1002", a.Custodian)
	}
	h.scan("TD-000002")
	if a := h.asset("TD-000002"); a.Custodian != "B1002" {
		t.Fatalf("TD-000002 held by %q", a.Custodian)
	}
	// A laptop, a phone, a badge: both go to the badge.
	h.press("esc")
	h.scan("TD-000003")
	h.scan("TD-000004")
	h.wantView("TD-000004 held: with TD-000003 to the next badge or place (ctrl+n: into it)", "1 held")
	if a := h.asset("TD-000004"); a.Custodian != "" {
		t.Fatalf("TD-000004 held by %q before the badge", a.Custodian)
	}
	h.scan("B1001")
	h.wantView("checking out to Alice Smith (B1001)")
	for _, tag := range []string{"TD-000003", "TD-000004"} {
		if a := h.asset(tag); a.Custodian != "B1001" {
			t.Fatalf("%s held by %q, want B1001", tag, a.Custodian)
		}
	}
	// A server, then its disks, ctrl+n: installed in it; disks after
	// that go straight in.
	h.press("esc")
	h.scan("TD-000005")
	h.scan("TD-000006")
	h.press("ctrl+n")
	if a := h.asset("TD-000006"); a.Custodian != "TD-000005" {
		t.Fatalf("TD-000006 held by %q, want TD-000005", a.Custodian)
	}
	// Held and left: said.
	h.press("esc")
	h.scan("TD-000003")
	h.scan("TD-000001")
	h.press("esc")
	h.wantView("not checked out: TD-000001")
}

// Home's letters are keys: a code typed there by hand is pointed to Find.
func TestHome_TypedCodeSaysWhere(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("7")
	h.wantView("to type a code by hand, press / (find) and type it there")
	if h.title() != "Home" {
		t.Fatalf("a digit left Home for %q", h.title())
	}
}

// i on an asset's screen asks before it checks in: tab sets the condition
// (a swap's broken laptop goes to repair), a scanned location is where it
// goes; one not checked out says so.
func TestDetail_CheckInAsks(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	shelf(t, db, 0)
	holdFor(t, db, "B1001", "", "TD-000001")
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.scan("TD-000001")
	h.typeSlow("i")
	if a := h.asset("TD-000001"); a.Status != store.StatusDeployed {
		t.Fatal("i checked in before asking")
	}
	h.press("tab")
	h.wantView("check in, repair (tab changes)")
	h.scan("SHELF-A")
	a := h.asset("TD-000001")
	if a.Status != store.StatusInRepair || a.LocationCode != "SHELF-A" {
		t.Fatalf("after the check-in: %s at %s", a.Status, a.LocationCode)
	}
	h.wantView("checked in (repair)")
	bells := h.bells
	h.typeSlow("i")
	h.advance(bellWait)
	h.wantView("TD-000001 is not checked out")
	if h.bells != bells+1 {
		t.Fatal("no bell")
	}
}

// A person's screen: the held items' list follows a cursor (it scrolled
// away, leaving blank rows) and enter opens the item under it.
func TestPerson_CursorOpensItem(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 6)
	holdFor(t, db, "B1001", "", "TD-000001", "TD-000002", "TD-000003", "TD-000004", "TD-000005", "TD-000006")
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1001")
	if h.title() != "Person Alice Smith" {
		t.Fatalf("a badge scan opened %q", h.title())
	}
	h.wantView("Holds 6 item(s)", "TD-000001", "TD-000006")
	for i := 0; i < 4; i++ {
		h.press("down")
	}
	h.wantView("TD-000001", "TD-000005", "TD-000006")
	h.press("enter")
	if h.title() != "Asset TD-000005" {
		t.Fatalf("enter opened %q", h.title())
	}
}

// Refusals beyond the three listed stay named by their codes.
func TestFeed_EarlierRefusalsNamed(t *testing.T) {
	var f feed
	for _, c := range []string{"TD-1", "TD-4", "TD-6", "TD-8", "TD-10"} {
		f.refuse("%s: not checked out", c)
	}
	v := ansi.Strip(f.view(NewStyles(true, true), 80, 10))
	for _, want := range []string{"Refused (5), before the last 3: TD-4 TD-1", "TD-6: not checked out", "TD-10: not checked out"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

// A typed name is looked for in names alone: people whose emails hold the
// text do not crowd out, or stand in for, the one whose name does.
func TestCheckOut_TypedNameAmongEmails(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		if _, err := db.AddPerson(ctx, store.PersonInput{Name: fmt.Sprintf("Zed %d", i), Email: fmt.Sprintf("z%d@fleetco.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddPerson(ctx, store.PersonInput{Name: "Bruce Flee", Badge: "B777"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	h.typeSlow("flee")
	h.press("enter")
	h.wantView("checking out to Bruce Flee (B777)")
}

// Find's ctrl+t ends on the overdue returns: checked out past their due
// date, whatever their status says.
func TestFind_OverdueFilter(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	holdFor(t, db, "B1001", "2026-10-30", "TD-000001")
	holdFor(t, db, "B1001", "2099-12-31", "TD-000002")
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.typeSlow("/")
	for i := 0; i < len(statusFilter)-1; i++ {
		h.press("ctrl+t")
	}
	h.wantView("status: overdue (past their due date)", "TD-000001")
	if strings.Contains(h.view(), "TD-000002") || strings.Contains(h.view(), "TD-000003") {
		t.Fatalf("not overdue, listed:\n%s", h.view())
	}
}

// An offboarding undone from the person's screen: a gives them back.
func TestPerson_ReactivateUndoesOffboarding(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.Offboard(context.Background(), "B1002", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("B1002")
	h.wantView("offboarded", "a undo offboarding")
	h.typeSlow("a")
	h.wantView("✓ reactivated Bob Jones: they can hold assets again", "active")
	if p, err := db.Person(context.Background(), "B1002"); err != nil || !p.Active {
		t.Fatalf("after a: %+v %v", p, err)
	}
}

// An asset that did not come back (a leaver kept it): i, tab to "missing",
// enter: its holder is cleared and it is missing where it was.
func TestDetail_CheckInNotReturned(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	holdFor(t, db, "B1001", "", "TD-000001")
	h := newHarness(t, db, Options{Operator: "clerk"}, 100, 30)
	h.scan("TD-000001")
	h.typeSlow("i")
	for i := 0; i < 3; i++ {
		h.press("tab")
	}
	h.wantView("check in as not returned: marked missing where it was last recorded")
	h.press("enter")
	if a := h.asset("TD-000001"); a.Status != store.StatusMissing || a.Custodian != "" {
		t.Fatalf("after: %s held by %q", a.Status, a.Custodian)
	}
	h.wantView("not returned by Alice Smith (B1001): marked missing")
}

// Started as a badge (--operator, $TAGDESK_OPERATOR), the UI records the
// operator as signing in by badge does, as the command line does.
func TestOperatorOptionResolved(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	h := newHarness(t, db, Options{Operator: "B1001"}, 80, 24)
	h.wantView("operator: alice")
	if db.Operator() != "alice" {
		t.Fatalf("operator %q", db.Operator())
	}
}

// From an auditor's hunt: a leaver's badge given as the operator signed
// them in (the sign-in screen refuses it). The UI asks who is at the desk.
func TestOperatorOptionOffboardedAsks(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 1)
	if _, err := db.Offboard(context.Background(), "B1001", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "B1001"}, 80, 24)
	h.wantView("Alice Smith is offboarded: sign in with your own badge or name")
	if strings.Contains(h.view(), "operator: alice") {
		t.Fatalf("signed in as a leaver:\n%s", h.view())
	}
}

// Someone offboarded is found by name in People (to reactivate them), and
// marked so; a status typed in Find wins over ctrl+t's overdue.
func TestPeople_FindsOffboardedByName(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 2)
	holdFor(t, db, "B1001", "2026-10-30", "TD-000001")
	if _, err := db.Offboard(context.Background(), "B1002", store.CheckInOptions{}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("p")
	h.typeSlow("bob")
	h.wantView("Bob Jones (offboarded)")
	h.press("esc")
	h.press("esc")
	h.typeSlow("/")
	for i := 0; i < len(statusFilter)-1; i++ {
		h.press("ctrl+t")
	}
	h.typeSlow("status:deployed")
	h.wantView("TD-000001")
}

// w on a checked-out asset swaps it: the replacement scanned goes to whoever
// had it, this one comes back in repair (tab changes it); on an asset in
// stock it says there is nothing to swap.
func TestDetail_Swap(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	holdFor(t, db, "B1001", "", "TD-000001")
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.scan("TD-000001")
	h.typeSlow("w")
	h.wantView("swap: scan its replacement · this one back in repair (tab)")
	h.press("tab")
	h.wantView("this one back, retired (tab)")
	h.press("tab")
	h.press("tab")
	h.press("tab") // lost, back in stock, and round to repair
	h.wantView("this one back in repair (tab)")
	h.scan(h.asset("TD-000002").Serial) // its serial names it too
	old, given := h.asset("TD-000001"), h.asset("TD-000002")
	if old.Status != store.StatusInRepair || given.Custodian != "B1001" {
		t.Fatalf("after the swap: %s is %s, %s held by %q", old.Tag, old.Status, given.Tag, given.Custodian)
	}
	h.wantView("TD-000001 back in repair; TD-000002 checked out to Alice Smith", "(swapped for TD-000002)")
	// A badge scanned for the replacement is refused, nothing changed.
	h.scan("TD-000002")
	h.typeSlow("w")
	h.scan("B1002")
	h.wantView("B1002 is not an asset's label: scan the replacement's")
	// The prompt asks again: the next scan is the replacement.
	h.scan("TD-999999")
	h.wantView("no asset has the tag or serial TD-999999", "swap: scan its replacement")
	if a := h.asset("TD-000002"); a.Custodian != "B1001" {
		t.Fatalf("after a badge: %+v", a)
	}
	h.press("esc")
	h.scan("TD-000001")
	bells := h.bells
	h.typeSlow("w")
	h.advance(bellWait)
	h.wantView("TD-000001 is not checked out (it is in repair): nothing to swap")
	if h.bells != bells+1 {
		t.Fatal("no bell")
	}
}

// peopleList opens People at 80x24 on a register of Alice Smith, Bob
// Jones and n more (Zed Person 00, badge Z000, ...).
func peopleList(t *testing.T, n int) *harness {
	t.Helper()
	db := newTestDB(t)
	seed(t, db, 1)
	for i := 0; i < n; i++ {
		if _, err := db.AddPerson(context.Background(), store.PersonInput{Name: fmt.Sprintf("Zed Person %02d", i), Badge: fmt.Sprintf("Z%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("p")
	return h
}

// From a hunt of the screens: People showed one screenful (↓ stopped at
// its last row, nothing said more followed); the list pages on as the
// cursor reaches its end.
func TestPeople_ListPagesOn(t *testing.T) {
	h := peopleList(t, 60)
	h.wantView("Alice Smith", "for more")
	for i := 0; i < 55; i++ {
		h.press("down")
	}
	h.wantView("Zed Person 53") // (after Alice Smith and Bob Jones)
	h.press("enter")
	h.wantView("Z053")
}

// From a review: back from a person opened far down the list, People was
// at its first page again, the cursor clamped there.
func TestPeople_BackKeepsThePlace(t *testing.T) {
	h := peopleList(t, 60)
	for i := 0; i < 45; i++ {
		h.press("down")
	}
	h.press("enter")
	h.wantView("Z043")
	h.press("esc")
	h.press("enter")
	h.wantView("Z043")
}

// A retired (or missing) asset scanned first at check-out was taken as
// the holder, and refused only after the badge that followed: it is
// refused at once, with the bell, and the badge after it is the holder.
func TestCheckOut_RetiredAssetFirstRefusedAtOnce(t *testing.T) {
	db := newTestDB(t)
	seed(t, db, 3)
	ctx := context.Background()
	if _, err := db.Retire(ctx, "TD-000001", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetStatus(ctx, "TD-000002", store.StatusMissing, ""); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, db, Options{Operator: "clerk"}, 80, 24)
	h.typeSlow("o")
	bells := h.bells
	h.scan("TD-000001")
	h.wantView("TD-000001 is retired: it is not checked out, nor are parts installed in it")
	h.scan("TD-000002")
	h.wantView("TD-000002 is marked missing")
	if h.bells != bells+2 {
		t.Fatalf("%d bells, want 2", h.bells-bells)
	}
	h.scan("B1002")
	h.wantView("checking out to Bob Jones (B1002)")
	h.scan("TD-000003")
	if a := h.asset("TD-000003"); a.Custodian != "B1002" {
		t.Fatalf("TD-000003 held by %q", a.Custodian)
	}
}
