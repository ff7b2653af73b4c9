-- sync_pulled_before (see 0019) on a database that ran an earlier 0019 of
-- this development cycle, which added a column instead: made here if it
-- is not there yet.
CREATE TABLE IF NOT EXISTS sync_pulled_before (event_id INTEGER PRIMARY KEY) WITHOUT ROWID;
