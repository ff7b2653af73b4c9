package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Print-queue settings.
const (
	SettingPrinter    = "printer"     // default printer URI for queued labels
	SettingTemplate   = "template"    // default label template
	SettingAutoLabel  = "auto_label"  // "0" stops receiving from queueing labels
	SettingLabelOwner = "label_owner" // owner line, e.g. "Property of ACME IT"
)

// Print job statuses.
const (
	JobQueued    = "queued"
	JobDone      = "done"
	JobFailed    = "failed" // will not print as it is (the template cannot fit the tag, ...)
	JobCancelled = "cancelled"
)

// EvLabelPrinted records that a label for an asset came out of a printer.
const EvLabelPrinted EventType = "label.printed"

// LabelPayload is what label.printed records.
type LabelPayload struct {
	UID      string `json:"uid"`
	Tag      string `json:"tag"`
	Template string `json:"template"`
	Printer  string `json:"printer"`
}

// PrintJob is one label waiting for, or done with, a printer.
type PrintJob struct {
	ID        int64  `json:"id"`
	Tag       string `json:"tag"`
	Template  string `json:"template"`
	Printer   string `json:"printer"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	PrintedAt string `json:"printed_at"`
}

// queueLabel adds a print job for an asset inside a write transaction.
func (w *wtx) queueLabel(assetUID, template, printer string) (int64, error) {
	return w.queueLabelFor(assetUID, template, printer, true)
}

// queueLabelFor is queueLabel; reuse looks for the same label waiting
// already (a batch killed while it printed, run again), which is then the
// one to print: a second job would print it twice. A label queued with the
// desk's defaults (at receipt), or for another printer (one that was off),
// is taken over by one asked for a printer: left queued, it would come out
// there too when that printer is back.
func (w *wtx) queueLabelFor(assetUID, template, printer string, reuse bool) (int64, error) {
	if reuse {
		var id int64
		var t, p string
		err := w.queryRow(`SELECT j.id, j.template, j.printer FROM print_jobs j WHERE j.asset_id = (SELECT id FROM assets WHERE uid = ?)
			AND j.status = 'queued' AND j.template IN (?, '') ORDER BY j.template = ? AND j.printer = ? DESC, j.printer = ? DESC, j.id LIMIT 1`,
			assetUID, template, template, printer, printer).Scan(&id, &t, &p)
		switch {
		case err == nil:
			if t != template || p != printer {
				if _, err := w.exec(`UPDATE print_jobs SET template = ?, printer = ?, updated_at = ? WHERE id = ?`, template, printer, timestamp(w.at), id); err != nil {
					return 0, err
				}
			}
			return id, nil
		case !errors.Is(err, sql.ErrNoRows):
			return 0, fmt.Errorf("read print queue: %w", err)
		}
	}
	at := timestamp(w.at)
	res, err := w.exec(`INSERT INTO print_jobs(asset_id, template, printer, status, created_at, updated_at)
		SELECT id, ?, ?, 'queued', ?, ? FROM assets WHERE uid = ?`, template, printer, at, at, assetUID)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, notFound("no asset with id %s", assetUID)
	}
	return res.LastInsertId()
}

// autoLabel queues a label for a newly received asset unless turned off;
// reuse takes one already waiting for it instead (an asset registered on
// order that arrives may have had one queued then).
func (w *wtx) autoLabel(assetUID string, reuse bool) error {
	v, err := w.setting(SettingAutoLabel)
	if err != nil || v == "0" || v == "false" {
		return err
	}
	_, err = w.queueLabelFor(assetUID, "", "", reuse)
	return err
}

// QueueLabel queues a label for the asset with the given tag. Empty template
// and printer mean the desk's defaults at print time.
func (db *DB) QueueLabel(ctx context.Context, tag, template, printer string) (PrintJob, error) {
	jobs, err := db.QueueLabels(ctx, []string{tag}, template, printer)
	if err != nil {
		return PrintJob{}, err
	}
	return jobs[0], nil
}

// QueueLabels queues a label for each tag, all or none: a tag that cannot
// have one (unknown, disposed) refuses the batch, with nothing queued, and
// a crash half way leaves nothing half queued.
func (db *DB) QueueLabels(ctx context.Context, tags []string, template, printer string) ([]PrintJob, error) {
	ids := make([]int64, 0, len(tags))
	_, err := db.write(ctx, func(w *wtx) error {
		ids = ids[:0] // a retried transaction starts again
		for _, tag := range tags {
			uid, _, err := w.assetByTag(tag)
			if err != nil {
				return err
			}
			id, err := w.queueLabel(uid, strings.TrimSpace(template), strings.TrimSpace(printer))
			if err != nil {
				return err
			}
			if !slices.Contains(ids, id) { // a tag given twice: one label
				ids = append(ids, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	jobs := make([]PrintJob, 0, len(ids))
	for _, id := range ids {
		j, err := db.PrintJob(ctx, id)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

const jobSelect = `SELECT j.id, a.tag, j.template, j.printer, j.status, j.attempts, j.last_error, j.created_at, j.updated_at, j.printed_at
	FROM print_jobs j JOIN assets a ON a.id = j.asset_id`

func scanJob(sc scanner) (PrintJob, error) {
	var j PrintJob
	err := sc.Scan(&j.ID, &j.Tag, &j.Template, &j.Printer, &j.Status, &j.Attempts, &j.LastError, &j.CreatedAt, &j.UpdatedAt, &j.PrintedAt)
	return j, err
}

// PrintJob returns one job.
func (db *DB) PrintJob(ctx context.Context, id int64) (PrintJob, error) {
	j, err := scanJob(db.r.QueryRowContext(ctx, jobSelect+` WHERE j.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, notFound("no print job %d", id)
	}
	if err != nil {
		return j, fmt.Errorf("read print job: %w", err)
	}
	return j, nil
}

// PrintJobs lists jobs, newest first; status "" means every status.
func (db *DB) PrintJobs(ctx context.Context, status string, limit int) ([]PrintJob, error) {
	q, args := printJobsQuery(status, limit)
	return collect(ctx, db, "list print jobs", scanJob, q, args...)
}

// EachPrintJob streams every job with status ("" for all) to fn, newest
// first, one row in memory at a time: a desk's whole print history, of
// any length (queue list --all).
func (db *DB) EachPrintJob(ctx context.Context, status string, fn func(PrintJob) error) error {
	q, args := printJobsQuery(status, 0)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("list print jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return fmt.Errorf("list print jobs: %w", err)
		}
		if err := fn(j); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list print jobs: %w", err)
	}
	return nil
}

// printJobsQuery selects the jobs with status ("": all), newest first, at
// most limit (0: all).
func printJobsQuery(status string, limit int) (string, []any) {
	q := jobSelect
	var args []any
	if status != "" {
		q += ` WHERE j.status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY j.id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return q, args
}

// PrintJobCounts counts the jobs waiting to print and those failed.
func (db *DB) PrintJobCounts(ctx context.Context) (queued, failed int, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT coalesce(sum(status = 'queued'), 0), coalesce(sum(status = 'failed'), 0) FROM print_jobs WHERE status IN ('queued', 'failed')`).Scan(&queued, &failed)
	if err != nil {
		return 0, 0, fmt.Errorf("count print jobs: %w", err)
	}
	return queued, failed, nil
}

// QueuedJobs returns the jobs waiting to print, oldest first.
func (db *DB) QueuedJobs(ctx context.Context, limit int) ([]PrintJob, error) {
	q := jobSelect + ` WHERE j.status = 'queued' ORDER BY j.id`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	return collect(ctx, db, "list print jobs", scanJob, q)
}

// MarkPrinted records that a job printed on printer with template: the job is
// done and the asset's history gets a label.printed event, in one transaction.
func (db *DB) MarkPrinted(ctx context.Context, id int64, template, printer string) error {
	_, err := db.write(ctx, func(w *wtx) error { return w.markPrinted(id, template, printer, true) })
	return err
}

// MarkPrintedAll is MarkPrinted for the jobs of one document (a sheet of
// labels), in one transaction: a crash after the sheet came out leaves
// none of them queued to come out again, or all. A job another desk
// process cancelled meanwhile is left as it is.
func (db *DB) MarkPrintedAll(ctx context.Context, ids []int64, template, printer string) error {
	_, err := db.write(ctx, func(w *wtx) error {
		for _, id := range ids {
			if err := w.markPrinted(id, template, printer, false); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// markPrinted marks job id printed; strict refuses a job no longer queued.
// Otherwise (the label has come out) a job another run printed is skipped,
// and one cancelled (or failed) while it was being sent is recorded as
// printed all the same: it came out, and the history must say so.
func (w *wtx) markPrinted(id int64, template, printer string, strict bool) error {
	var uid, tag, status string
	err := w.queryRow(`SELECT a.uid, a.tag, j.status FROM print_jobs j JOIN assets a ON a.id = j.asset_id WHERE j.id = ?`, id).Scan(&uid, &tag, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("no print job %d", id)
	}
	if err != nil {
		return fmt.Errorf("read print job: %w", err)
	}
	if status != JobQueued && (strict || status == JobDone) {
		if !strict {
			return nil
		}
		return invalid("print job %d is %s", id, status)
	}
	at := timestamp(w.at)
	// (The template and printer it came out with and on, as the queue
	// lists it: a run's --printer, the desk's default template.)
	if _, err := w.exec(`UPDATE print_jobs SET status = 'done', attempts = attempts + 1, last_error = '', updated_at = ?, printed_at = ?,
		template = coalesce(nullif(?, ''), template), printer = coalesce(nullif(?, ''), printer) WHERE id = ?`, at, at, template, printer, id); err != nil {
		return err
	}
	return w.emit(EvLabelPrinted, uid, LabelPayload{UID: uid, Tag: tag, Template: template, Printer: printer})
}

// MarkPrintError records a failed attempt. A permanent failure stops the job
// (status failed); otherwise it stays queued for the next try.
func (db *DB) MarkPrintError(ctx context.Context, id int64, reason string, permanent bool) error {
	status := JobQueued
	if permanent {
		status = JobFailed
	}
	_, err := db.write(ctx, func(w *wtx) error {
		// (A job cancelled while it was being tried stays cancelled: the
		// run goes on with the others.)
		_, err := w.exec(`UPDATE print_jobs SET status = ?, attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ? AND status = 'queued'`,
			status, clipAt(reason, 500), timestamp(w.at), id) // the reason whole: why a label failed
		return err
	})
	return err
}

// StillQueued says which of the jobs ids are still queued.
func (db *DB) StillQueued(ctx context.Context, ids []int64) (map[int64]bool, error) {
	body, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT j.id FROM json_each(?) x CROSS JOIN print_jobs j ON j.id = x.value WHERE j.status = 'queued'`, string(body))
	if err != nil {
		return nil, fmt.Errorf("read print queue: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]bool, len(ids))
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read print queue: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// CancelPrintJob cancels queued or failed jobs: all of them, or (one not
// queued or failed) none.
func (db *DB) CancelPrintJob(ctx context.Context, ids ...int64) error {
	return db.eachJob(ctx, ids, `UPDATE print_jobs SET status = 'cancelled', updated_at = ?1 WHERE id = ?2 AND status IN ('queued', 'failed')`)
}

// eachJob runs update (?1 the time, ?2 a job, then args) for every job in
// one transaction, refusing the lot if one is not queued or failed.
func (db *DB) eachJob(ctx context.Context, ids []int64, update string, args ...any) error {
	_, err := db.write(ctx, func(w *wtx) error {
		seen := map[int64]bool{}
		for _, id := range ids {
			if seen[id] {
				continue // named twice: done once
			}
			seen[id] = true
			res, err := w.exec(update, append([]any{timestamp(w.at), id}, args...)...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return notFound("no queued or failed print job %d; no job changed", id)
			}
		}
		return nil
	})
	return err
}

// RetryPrintJob puts failed jobs back in the queue (after the template or
// printer was fixed), optionally with another template or printer: all of
// them, or none.
func (db *DB) RetryPrintJob(ctx context.Context, template, printer string, ids ...int64) error {
	return db.eachJob(ctx, ids, `UPDATE print_jobs SET status = 'queued', template = coalesce(nullif(?3, ''), template), printer = coalesce(nullif(?4, ''), printer), updated_at = ?1
			WHERE id = ?2 AND status IN ('queued', 'failed')`, template, printer)
}
