-- One covering index serves the dashboard's breakdowns (status, site, cost
-- centre, audits due) in a single index scan, and every status filter; it
-- replaces the plain status and cost-centre indexes.
CREATE INDEX IF NOT EXISTS assets_kpi ON assets(status, location_id, cost_centre, next_audit);
DROP INDEX IF EXISTS assets_status;
DROP INDEX IF EXISTS assets_cost_centre;

-- Starting a stocktake reads the expected set (what sits under a location,
-- its status, whether a person holds it, its uid) from the index alone,
-- instead of one table page per asset.
DROP INDEX IF EXISTS assets_location;
CREATE INDEX assets_location ON assets(location_id, status, custodian_person_id, uid);
