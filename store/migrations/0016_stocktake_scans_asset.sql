-- A sync server refuses to mark missing, at a count's finish, an asset
-- another count saw while this one was open (two desks counting one shelf,
-- each finding half): it asks the scans of each asset, by this index.
CREATE INDEX stocktake_scans_by_asset ON stocktake_scans(asset_id);
