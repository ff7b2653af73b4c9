-- stocktake_expected without a foreign key to assets: the expected set is
-- read from assets in the same transaction (or joined by uid on replay), and
-- the per-row parent check cost one random page read per asset, most of the
-- time it takes to start a stocktake of thousands of assets.
CREATE TABLE stocktake_expected_new (
	stocktake_id INTEGER NOT NULL REFERENCES stocktakes(id),
	asset_id     INTEGER NOT NULL,
	found        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (stocktake_id, asset_id)
) WITHOUT ROWID;
INSERT INTO stocktake_expected_new SELECT stocktake_id, asset_id, found FROM stocktake_expected;
DROP TABLE stocktake_expected;
ALTER TABLE stocktake_expected_new RENAME TO stocktake_expected;
