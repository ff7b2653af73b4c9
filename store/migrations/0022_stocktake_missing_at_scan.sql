-- Whether the asset a count's scan names was marked missing when the scan
-- was recorded: the finish puts a found asset that is missing back in
-- stock only if it was missing then (the count found it), not if it was
-- marked missing after its scan (taken from the shelf since). NULL for
-- scans recorded before this column: put back, as they were.
ALTER TABLE stocktake_scans ADD COLUMN missing_at_scan INTEGER;
