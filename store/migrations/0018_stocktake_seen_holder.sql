-- A finished count's report names who held each asset it lists at the
-- finish, by the name they had then (an asset lent during the count and
-- back since, a person renamed since, read as today). Counts finished
-- before this migration have NULL here and read their holders as now.
ALTER TABLE stocktake_seen ADD COLUMN holder_kind TEXT;
ALTER TABLE stocktake_seen ADD COLUMN holder TEXT;
ALTER TABLE stocktake_seen ADD COLUMN holder_name TEXT;
