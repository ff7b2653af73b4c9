-- A count's day is the day the desk that finished it was on, in its own
-- zone: its stocktake.finished event says it (its audits carry the same
-- day). Kept here so that every desk reports one count on one day, not on
-- the day its finishing instant falls in the reader's zone. Counts
-- finished before this migration take the day from their finish event.
ALTER TABLE stocktakes ADD COLUMN finished_on TEXT NOT NULL DEFAULT '';
UPDATE stocktakes SET finished_on = coalesce((
	SELECT json_extract(e.payload, '$.date') FROM events e
	WHERE e.subject = stocktakes.uid AND e.type = 'stocktake.finished' AND e.at = stocktakes.finished_at
		AND date(json_extract(e.payload, '$.date')) = json_extract(e.payload, '$.date')
	ORDER BY e.id LIMIT 1), '')
WHERE status = 'finished';
