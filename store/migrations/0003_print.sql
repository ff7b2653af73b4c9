-- The durable print queue: a job per label, kept until it has printed or is
-- cancelled, so a printer that is off or out of labels loses nothing. Jobs are
-- local to this desk (its printers); a printed label is recorded in history
-- as a label.printed event.
CREATE TABLE print_jobs (
	id         INTEGER PRIMARY KEY,
	asset_id   INTEGER NOT NULL REFERENCES assets(id),
	template   TEXT NOT NULL DEFAULT '',
	printer    TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL CHECK (status IN ('queued', 'done', 'failed', 'cancelled')),
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	printed_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX print_jobs_status ON print_jobs(status, id);
