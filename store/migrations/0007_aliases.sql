-- Catalogue entries (manufacturers, categories, suppliers, models, locations)
-- created on two desks while apart name the same thing by two uids. Applying
-- the second merges it into the first instead of refusing it (and everything
-- that uses it): the entry keeps the smaller uid, whatever order the events
-- arrive in, and the other becomes an alias here. Derived state, like the
-- tables it points into: rebuilt with them from the events.
CREATE TABLE aliases (
	tbl    TEXT NOT NULL, -- the entity's table
	alias  TEXT NOT NULL, -- a uid merged into...
	target TEXT NOT NULL, -- ...the uid the entry has
	PRIMARY KEY (tbl, alias)
) WITHOUT ROWID;
CREATE INDEX aliases_target ON aliases(tbl, target);
