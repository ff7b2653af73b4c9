-- A location renamed or moved (location.updated) keeps its name, or its
-- place, when another desk's creation of the same code merges into it
-- later: the merge writes the creation with the smaller uid over the entry,
-- which would undo the change on every desk. Bits: 1 renamed, 2 moved
-- (derived state, verified).
ALTER TABLE locations ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
-- (Desks that recorded location.updated before this column: the places it
-- changed, as applied there. Each place's own events, by the subject
-- index: a pass over a million-asset log took 100 MB of page cache.)
UPDATE locations SET edited = x.bits FROM (
	SELECT coalesce(a.target, s.uid) AS uid,
		max(CASE WHEN json_extract(e.payload, '$.changes.name') IS NOT NULL THEN 1 ELSE 0 END)
		| max(CASE WHEN json_extract(e.payload, '$.changes.parent') IS NOT NULL THEN 2 ELSE 0 END) AS bits
	FROM (SELECT uid FROM locations UNION SELECT alias FROM aliases WHERE tbl = 'locations') s
	CROSS JOIN events e ON e.subject = s.uid
	LEFT JOIN aliases a ON a.tbl = 'locations' AND a.alias = s.uid
	WHERE e.type = 'location.updated'
		AND e.id NOT IN (SELECT event_id FROM sync_refusals)
		AND e.id NOT IN (SELECT event_id FROM sync_unapplied)
		AND e.id NOT IN (SELECT event_id FROM sync_log WHERE refused = 1)
	GROUP BY 1
) AS x WHERE locations.uid = x.uid;
