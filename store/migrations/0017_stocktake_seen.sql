-- A finished count's report says where each asset it lists was recorded,
-- and in what state, when the count finished: not where it is now (moved
-- since, disposed since), which would rewrite the audit evidence. Filled
-- by the finish's apply, on every desk alike; counts finished before this
-- migration have no rows and their report reads the assets as they are.
CREATE TABLE stocktake_seen (
	stocktake_id INTEGER NOT NULL,
	asset_id     INTEGER NOT NULL,
	location_id  INTEGER,
	status       TEXT NOT NULL,
	PRIMARY KEY (stocktake_id, asset_id)
) WITHOUT ROWID;
