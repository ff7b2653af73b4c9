package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// laterDesks opens a sync server and two desks, a and b, whose pulled
// pages read at most most of their later changes' subjects whole
// (laterSubjects), with DUB, CORK and GAL, a model, and TD-1 and TD-2 at
// DUB, received at a and synced to b.
func laterDesks(t *testing.T, most int) (srv, a, b *DB, epoch string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name string) *DB {
		db, err := Open(ctx, filepath.Join(dir, name), Options{Operator: "tester", laterMost: most})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	srv, a, b = open("server.db"), open("a.db"), open("b.db")
	epoch, err := srv.ServerInit(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"DUB", "CORK", "GAL"} {
		if _, err := a.AddLocation(ctx, code, code+" office", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.AddModel(ctx, "Latitude 5440", "L5440", "Dell", "Laptop"); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"TD-1", "TD-2"} {
		if _, err := a.Receive(ctx, Receipt{Tag: tag, Serial: "SN-" + tag, Model: "L5440", Location: "DUB"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []*DB{a, b} {
		if err := d.MarkEnrolled(ctx, epoch); err != nil {
			t.Fatal(err)
		}
	}
	laterPush(t, srv, a)
	laterPull(t, srv, a, epoch)
	laterPull(t, srv, b, epoch)
	return srv, a, b, epoch
}

func laterPush(t *testing.T, srv, dev *DB) {
	t.Helper()
	ctx := context.Background()
	for {
		evs, err := dev.OutboxBatch(ctx, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return
		}
		rep, err := srv.ServerPush(ctx, dev.DeviceID(), evs)
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.RecordPushResults(ctx, rep.Results, rep.HighWater); err != nil {
			t.Fatal(err)
		}
	}
}

// laterPull pulls everything, page by page, and rebases if a page says so.
func laterPull(t *testing.T, srv, dev *DB, epoch string) {
	t.Helper()
	ctx := context.Background()
	for {
		st, err := dev.SyncState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changes, next, _, err := srv.ServerPull(ctx, st.Cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) == 0 {
			break
		}
		if err := dev.ApplyPulled(ctx, changes, next, epoch); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := dev.SyncState(ctx); err != nil {
		t.Fatal(err)
	} else if st.NeedsRebuild {
		if err := dev.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// A pulled change of another desk's to an asset this desk has changed
// after it, in the server's order, waits for the rebase, which puts it
// before this desk's: applied in place it would undo this desk's later
// move. So whether the desk reads its later changes' subjects whole or,
// past laterSubjectsMost (a desk pulling back a push of 600k of its own
// changes), looks each up alone.
func TestPulledChangeBeforeOwnLaterOne(t *testing.T) {
	ctx := context.Background()
	for _, most := range []int{laterSubjectsMost, 1} {
		t.Run(fmt.Sprint(most), func(t *testing.T) {
			srv, a, b, epoch := laterDesks(t, most)
			if _, err := b.Move(ctx, "TD-1", "CORK"); err != nil {
				t.Fatal(err)
			}
			laterPush(t, srv, b)
			for _, tag := range []string{"TD-1", "TD-2"} {
				if _, err := a.Move(ctx, tag, "GAL"); err != nil {
					t.Fatal(err)
				}
			}
			laterPush(t, srv, a)
			laterPull(t, srv, a, epoch)
			laterPull(t, srv, b, epoch)
			for _, d := range []*DB{a, b} {
				if as, err := d.Asset(ctx, "TD-1"); err != nil || as.LocationCode != "GAL" {
					t.Errorf("TD-1 at %s: %+v %v, want GAL (the server's last move)", d.Path(), as.LocationCode, err)
				}
				verifyOK(t, d)
			}
		})
	}
}

// A pulled page reads this desk's later changes' subjects whole only up
// to laterSubjectsMost of them (a tenth of a second's reading): past it,
// each subject another desk's change names is looked up alone. Reading
// them all at every page made pulling back a push of 600k of the desk's
// own changes quadratic, each page under the write lock, and the UI's
// background sync ran out of its time there ("read pending subjects:
// context deadline exceeded").
func TestLaterSubjectsReadBounded(t *testing.T) {
	ctx := context.Background()
	srv, a, _, _ := laterDesks(t, 3)
	for i := range 5 {
		if _, err := a.Move(ctx, "TD-1", []string{"CORK", "GAL"}[i%2]); err != nil {
			t.Fatal(err)
		}
	}
	laterPush(t, srv, a) // acknowledged, not pulled back
	if _, err := a.Move(ctx, "TD-2", "CORK"); err != nil {
		t.Fatal(err)
	}
	st, err := a.SyncState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		most  int
		alone bool
	}{{3, true}, {6, false}} {
		_, err := a.writeAlone(ctx, func(w *wtx) error {
			tda, err := a.Asset(ctx, "TD-1")
			if err != nil {
				return err
			}
			tdb, err := a.Asset(ctx, "TD-2")
			if err != nil {
				return err
			}
			l := &laterSubjects{w: w, device: a.DeviceID(), cursor: st.Cursor, most: c.most}
			for _, s := range []struct {
				uid  string
				none bool
			}{{tda.UID, false}, {tdb.UID, false}, {"someone else's", true}, {tda.UID, false}} {
				none, err := l.none(s.uid)
				if err != nil {
					return err
				}
				if none != s.none {
					t.Errorf("most %d: none(%s) = %v", c.most, s.uid, none)
				}
			}
			if l.alone != c.alone || c.alone && len(l.set) != 3 {
				t.Errorf("most %d: alone %v, %d subjects kept; want alone %v", c.most, l.alone, len(l.set), c.alone)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
