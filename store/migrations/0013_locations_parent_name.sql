-- A location by its name under its parent: an import of a location tree
-- asks for each row's place so (a file of thousands of "Store Room"s, each
-- under its own site, looked through every one of them per row).
CREATE INDEX locations_parent_name ON locations(parent_id, name);
