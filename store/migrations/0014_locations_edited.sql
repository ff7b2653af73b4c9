-- A location renamed or moved (location.updated) keeps its name and place
-- when another desk's creation of the same code merges into it later: the
-- merge writes the creation with the smaller uid over the entry, which
-- would undo the change on every desk (derived state, verified).
ALTER TABLE locations ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
-- (Desks that recorded location.updated before this column: the places it
-- changed, as applied here.)
UPDATE locations SET edited = 1 WHERE uid IN (
	SELECT coalesce((SELECT a.target FROM aliases a WHERE a.tbl = 'locations' AND a.alias = e.subject), e.subject)
	FROM events e WHERE e.type = 'location.updated'
		AND e.id NOT IN (SELECT event_id FROM sync_refusals)
		AND e.id NOT IN (SELECT event_id FROM sync_unapplied)
		AND e.id NOT IN (SELECT event_id FROM sync_log WHERE refused = 1));
