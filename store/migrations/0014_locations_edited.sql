-- A location renamed or moved (location.updated) keeps its name and place
-- when another desk's creation of the same code merges into it later: the
-- merge writes the creation with the smaller uid over the entry, which
-- would undo the change on every desk (derived state, verified).
ALTER TABLE locations ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
