package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tagdesk/tagdesk/store"
)

// A batch of labels is queued all or none: a disposed asset among the tags
// refuses it with nothing queued. A sheet's jobs are marked printed in one
// step; one cancelled while it was being sent is recorded printed all the
// same (a hunt found the label came out and the history said nothing; a
// run leaves out of its sheet what was cancelled before it is sent).
func TestQueueLabelsAllOrNone(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1", "TD-2", "TD-3", "TD-GONE")
	if _, err := db.Retire(ctx, "TD-GONE", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Dispose(ctx, "TD-GONE", store.Disposal{Method: "shred"}); err != nil {
		t.Fatal(err)
	}
	queued := func() int {
		js, err := db.PrintJobs(ctx, store.JobQueued, 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(js)
	}
	before := queued()
	if _, err := db.QueueLabels(ctx, []string{"TD-1", "TD-2", "TD-GONE", "TD-3"}, "", "file:///tmp/x.zpl"); err == nil {
		t.Fatal("a batch with a disposed asset was queued")
	}
	if n := queued(); n != before {
		t.Fatalf("a refused batch left %d job(s) queued", n-before)
	}
	jobs, err := db.QueueLabels(ctx, []string{"TD-1", "TD-2", "TD-3"}, "", "file:///tmp/x.zpl")
	if err != nil || len(jobs) != 3 {
		t.Fatalf("queue: %v %v", jobs, err)
	}
	// The same labels again (a batch killed while it printed, run again):
	// the jobs waiting are the ones to print, not new ones beside them.
	again, err := db.QueueLabels(ctx, []string{"TD-1", "TD-2", "TD-3", "TD-1"}, "", "file:///tmp/x.zpl")
	if err != nil || len(again) != 3 || again[0].ID != jobs[0].ID || again[2].ID != jobs[2].ID {
		t.Fatalf("queued again: %+v %v; want the same 3 jobs", again, err)
	}
	if err := db.CancelPrintJob(ctx, jobs[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkPrintedAll(ctx, []int64{jobs[0].ID, jobs[1].ID, jobs[2].ID}, "zebra-2x1-203", "file:///tmp/x.zpl"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{store.JobDone, store.JobDone, store.JobDone} {
		j, err := db.PrintJob(ctx, jobs[i].ID)
		if err != nil || j.Status != want {
			t.Errorf("job %d: %s %v, want %s", i, j.Status, err, want)
		}
		// (What it came out with, as the queue lists it: a hunt found a
		// job printed by a run's --printer listed with neither.)
		if j.Template != "zebra-2x1-203" || j.Printer != "file:///tmp/x.zpl" {
			t.Errorf("job %d printed with %q on %q", i, j.Template, j.Printer)
		}
	}
	mustVerify(t, db)
}

// A label waiting for a printer that was off, printed on another: the job
// moves to that printer, and nothing stays queued to come out on the first
// when it is back.
func TestQueueLabelTakesOverAnotherPrintersJob(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1")
	first, err := db.QueueLabels(ctx, []string{"TD-1"}, "zebra-2x1-203", "tcp://10.0.0.1:9100")
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.QueueLabels(ctx, []string{"TD-1"}, "zebra-2x1-203", "tcp://10.0.0.2:9100")
	if err != nil || again[0].ID != first[0].ID || again[0].Printer != "tcp://10.0.0.2:9100" {
		t.Fatalf("queued again: %+v %v; want job %d on the second printer", again, err, first[0].ID)
	}
	js, err := db.PrintJobs(ctx, store.JobQueued, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range js {
		if j.Tag == "TD-1" && j.ID != first[0].ID {
			t.Errorf("a second job %d waits for TD-1 (%s)", j.ID, j.Printer)
		}
	}
}

// EachPrintJob streams every job of a status (or all), newest first, and
// stops at fn's error.
func TestEachPrintJob(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	seed(t, db)
	receiveTags(t, db, "DUB", "TD-1", "TD-2", "TD-3")
	all, err := db.PrintJobs(ctx, "", 0)
	if err != nil || len(all) < 3 {
		t.Fatalf("jobs: %d %v", len(all), err)
	}
	if err := db.CancelPrintJob(ctx, all[0].ID); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := db.EachPrintJob(ctx, "", func(j store.PrintJob) error { ids = append(ids, j.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(all) || ids[0] != all[0].ID || ids[len(ids)-1] != all[len(all)-1].ID {
		t.Fatalf("EachPrintJob: %v, want the %d jobs newest first", ids, len(all))
	}
	n := 0
	if err := db.EachPrintJob(ctx, store.JobQueued, func(j store.PrintJob) error {
		if j.Status != store.JobQueued {
			t.Errorf("job %d is %s", j.ID, j.Status)
		}
		n++
		return nil
	}); err != nil || n != len(all)-1 {
		t.Fatalf("queued: %d %v, want %d", n, err, len(all)-1)
	}
	stop := errors.New("stop")
	n = 0
	if err := db.EachPrintJob(ctx, "", func(store.PrintJob) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("fn's error: %v after %d", err, n)
	}
}
