-- A count's finish marks missing each expected asset it did not find, one
-- asset.audited "missing" per asset; the sync server may refuse a mark (the
-- asset left the count while it was open, the count or another one found it
-- on another desk). marked says the mark stands: a finished count's missing
-- are its marked rows, and an expected asset neither found nor marked is not
-- missing (listed with those that left the count; accuracy leaves it out).
-- Set by the mark's apply (derived state, replayed by a rebase, not compared
-- by verify). Counts finished before this migration: a row not found is
-- marked when a mark of that count for that asset is in the log and was
-- neither refused nor left unapplied.
ALTER TABLE stocktake_expected ADD COLUMN marked INTEGER NOT NULL DEFAULT 0;
UPDATE stocktake_expected SET marked = 1 WHERE found = 0
	AND stocktake_id IN (SELECT id FROM stocktakes WHERE status = 'finished')
	AND EXISTS (SELECT 1 FROM events e
		WHERE e.subject = (SELECT uid FROM assets WHERE id = stocktake_expected.asset_id) AND e.type = 'asset.audited'
		AND json_extract(e.payload, '$.result') = 'missing'
		AND json_extract(e.payload, '$.stocktake') = (SELECT uid FROM stocktakes WHERE id = stocktake_expected.stocktake_id)
		AND NOT EXISTS (SELECT 1 FROM sync_log s WHERE s.event_id = e.id AND s.refused = 1)
		AND NOT EXISTS (SELECT 1 FROM sync_refusals r WHERE r.event_id = e.id)
		AND NOT EXISTS (SELECT 1 FROM sync_unapplied u WHERE u.event_id = e.id));
