-- A stocktake leaves out what is installed in an asset a person holds (a
-- dock in a lent laptop went with it): the expected set asks each asset
-- under the location whether it is installed in another, from the index
-- alone as before, instead of one table page per asset (5,000 assets
-- scattered over a million: 250 ms on a cold writer, against 15 ms).
DROP INDEX IF EXISTS assets_location;
CREATE INDEX assets_location ON assets(location_id, status, custodian_person_id, uid, custodian_asset_id);
