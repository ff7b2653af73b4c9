-- Stocktakes (audit sessions): a scope (a location and everything under it),
-- the expected set fixed at start, every scan with its classification, and
-- the result. All of it is derived from stocktake.* events, so it syncs and
-- two desks counting the same location merge.
CREATE TABLE stocktakes (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	location_id INTEGER NOT NULL REFERENCES locations(id),
	status      TEXT NOT NULL CHECK (status IN ('open', 'finished')),
	started_at  TEXT NOT NULL,
	started_by  TEXT NOT NULL,
	finished_at TEXT NOT NULL DEFAULT '',
	finished_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stocktakes_location ON stocktakes(location_id, status);

CREATE TABLE stocktake_expected (
	stocktake_id INTEGER NOT NULL REFERENCES stocktakes(id),
	asset_id     INTEGER NOT NULL REFERENCES assets(id),
	found        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (stocktake_id, asset_id)
) WITHOUT ROWID;

CREATE TABLE stocktake_scans (
	id           INTEGER PRIMARY KEY,
	stocktake_id INTEGER NOT NULL REFERENCES stocktakes(id),
	code         TEXT NOT NULL,
	asset_id     INTEGER REFERENCES assets(id),
	result       TEXT NOT NULL CHECK (result IN ('found', 'unexpected', 'duplicate', 'unknown')),
	at           TEXT NOT NULL,
	operator     TEXT NOT NULL,
	device_id    TEXT NOT NULL
);
CREATE INDEX stocktake_scans_session ON stocktake_scans(stocktake_id, id);
CREATE INDEX stocktake_scans_asset ON stocktake_scans(stocktake_id, asset_id);

-- Indexes for the dashboard's figures.
CREATE INDEX assets_cost_centre ON assets(cost_centre);
CREATE INDEX assets_next_audit ON assets(next_audit);
CREATE INDEX assets_eol ON assets(eol_date) WHERE eol_date <> '';
