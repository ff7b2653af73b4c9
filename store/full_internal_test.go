package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// From a review: a full disk showed in the terminal UI as "internal
// error: commit: database or disk is full (13)", and as raw on the command
// line. A change that meets a full disk (SQLite's FULL, here from a
// max_page_count the file has reached) is an EFULL error saying so, and
// changes nothing.
func TestFullDiskSaysSo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "full.db")
	db, err := Open(ctx, path, Options{Operator: "desk"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddLocation(ctx, "DUB", "Dublin", ""); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// (On the writer's one connection: every change's.)
	if _, err := db.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	want := "the disk holding the database " + path + " is full: nothing was saved; free some space and try again"
	check := func(what string, err error) {
		t.Helper()
		if ErrorCode(err) != EFULL || ErrorMessage(err) != want || !errors.Is(err, ErrDiskFull) {
			t.Errorf("%s on a full disk: %v (%s), want %q", what, err, ErrorCode(err), want)
		}
	}
	events := func() int {
		var n int
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := events()
	// Changes until one needs a page the file has no room for.
	var code string
	for i := range 500 {
		code = fmt.Sprintf("L%03d", i)
		if _, err = db.AddLocation(ctx, code, strings.Repeat("Shelf ", 40)+code, "DUB"); err != nil {
			break
		}
		before++
	}
	check("a change", err)
	if _, lerr := db.Location(ctx, code); ErrorCode(lerr) != ENOTFOUND {
		t.Errorf("the refused location was saved: %v", lerr)
	}
	if n := events(); n != before {
		t.Errorf("events: %d, want %d", n, before)
	}
	// A plain write (a setting), and a change grouped with another.
	check("a setting", db.SetSetting(ctx, "printer", strings.Repeat("x", 64<<10)))
	errs := make(chan error, 2)
	for i := range 2 {
		go func() {
			_, err := db.AddLocation(ctx, fmt.Sprintf("G%d", i), strings.Repeat("Shelf ", 100), "DUB")
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			check("a grouped change", err)
		}
	}
}

// A refusal met by one change of several says what the command of several
// says instead of "nothing was saved" (a stocktake's scans, a sync's pages).
func TestPartialMessage(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fullErr("/d/t.db", nil), "the disk holding the database /d/t.db is full: this scan was not saved; free some space and try again"},
		{readOnlyErr("/d/t.db", roFile, nil), "the database /d/t.db is read-only (check its permissions): this scan was not saved"},
		{fmt.Errorf("scan: %w", fullErr("/d/t.db", nil)), "the disk holding the database /d/t.db is full: this scan was not saved; free some space and try again"},
		{invalid("no asset: nothing was saved"), "no asset: nothing was saved"},
	} {
		if got := PartialMessage(c.err, "this scan was not saved"); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
