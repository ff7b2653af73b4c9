-- tagdesk schema, version 1.
-- Current-state tables are a projection of the events table; `tagdesk verify`
-- rebuilds them from the events and compares. Every entity has a local integer
-- id (for joins) and a global uid (what events and sync speak of).

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE manufacturers (
	id   INTEGER PRIMARY KEY,
	uid  TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE categories (
	id   INTEGER PRIMARY KEY,
	uid  TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE suppliers (
	id   INTEGER PRIMARY KEY,
	uid  TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE models (
	id              INTEGER PRIMARY KEY,
	uid             TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL COLLATE NOCASE,
	model_number    TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
	manufacturer_id INTEGER REFERENCES manufacturers(id),
	category_id     INTEGER REFERENCES categories(id),
	UNIQUE (name, model_number)
);
CREATE INDEX models_number ON models(model_number) WHERE model_number <> '';

CREATE TABLE locations (
	id        INTEGER PRIMARY KEY,
	uid       TEXT NOT NULL UNIQUE,
	code      TEXT NOT NULL UNIQUE,
	name      TEXT NOT NULL COLLATE NOCASE,
	parent_id INTEGER REFERENCES locations(id)
);
CREATE INDEX locations_name ON locations(name);
CREATE INDEX locations_parent ON locations(parent_id);

CREATE TABLE people (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL COLLATE NOCASE,
	badge       TEXT UNIQUE,
	employee_no TEXT UNIQUE,
	username    TEXT UNIQUE COLLATE NOCASE,
	email       TEXT UNIQUE COLLATE NOCASE,
	department  TEXT NOT NULL DEFAULT '',
	cost_centre TEXT NOT NULL DEFAULT '',
	location_id INTEGER REFERENCES locations(id),
	active      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX people_name ON people(name);

CREATE TABLE purchase_orders (
	id          INTEGER PRIMARY KEY,
	uid         TEXT NOT NULL UNIQUE,
	number      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	supplier_id INTEGER REFERENCES suppliers(id)
);

CREATE TABLE po_lines (
	po_id    INTEGER NOT NULL REFERENCES purchase_orders(id),
	model_id INTEGER NOT NULL REFERENCES models(id),
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	PRIMARY KEY (po_id, model_id)
) WITHOUT ROWID;

CREATE TABLE custom_fields (
	name TEXT PRIMARY KEY COLLATE NOCASE
) WITHOUT ROWID;

CREATE TABLE assets (
	id                    INTEGER PRIMARY KEY,
	uid                   TEXT NOT NULL UNIQUE,
	tag                   TEXT NOT NULL UNIQUE,
	serial                TEXT,
	name                  TEXT NOT NULL DEFAULT '',
	model_id              INTEGER REFERENCES models(id),
	kind                  TEXT NOT NULL DEFAULT 'hardware',
	status                TEXT NOT NULL CHECK (status IN ('on_order','in_stock','deployed','in_repair','missing','retired','disposed')),
	location_id           INTEGER REFERENCES locations(id),
	home_location_id      INTEGER REFERENCES locations(id),
	custodian_person_id   INTEGER REFERENCES people(id),
	custodian_location_id INTEGER REFERENCES locations(id),
	custodian_asset_id    INTEGER REFERENCES assets(id),
	checked_out_at        TEXT NOT NULL DEFAULT '',
	due_date              TEXT NOT NULL DEFAULT '',
	cost_centre           TEXT NOT NULL DEFAULT '',
	supplier_id           INTEGER REFERENCES suppliers(id),
	po_id                 INTEGER REFERENCES purchase_orders(id),
	order_number          TEXT NOT NULL DEFAULT '',
	purchase_date         TEXT NOT NULL DEFAULT '',
	purchase_cost         TEXT NOT NULL DEFAULT '',
	currency              TEXT NOT NULL DEFAULT '',
	warranty_end          TEXT NOT NULL DEFAULT '',
	eol_date              TEXT NOT NULL DEFAULT '',
	notes                 TEXT NOT NULL DEFAULT '',
	custom                TEXT NOT NULL DEFAULT '{}',
	last_audit            TEXT NOT NULL DEFAULT '',
	next_audit            TEXT NOT NULL DEFAULT '',
	created_at            TEXT NOT NULL,
	updated_at            TEXT NOT NULL
);
CREATE INDEX assets_serial ON assets(serial) WHERE serial IS NOT NULL;
CREATE INDEX assets_status ON assets(status);
CREATE INDEX assets_location ON assets(location_id);
CREATE INDEX assets_model ON assets(model_id);
CREATE INDEX assets_person ON assets(custodian_person_id) WHERE custodian_person_id IS NOT NULL;
CREATE INDEX assets_custodian_location ON assets(custodian_location_id) WHERE custodian_location_id IS NOT NULL;
CREATE INDEX assets_parent ON assets(custodian_asset_id) WHERE custodian_asset_id IS NOT NULL;
CREATE INDEX assets_po ON assets(po_id) WHERE po_id IS NOT NULL;
CREATE INDEX assets_due ON assets(due_date) WHERE status = 'deployed' AND due_date <> '';
CREATE INDEX assets_warranty ON assets(warranty_end) WHERE warranty_end <> '';

CREATE TABLE disposals (
	asset_id    INTEGER PRIMARY KEY REFERENCES assets(id),
	method      TEXT NOT NULL,
	certificate TEXT NOT NULL DEFAULT '',
	vendor      TEXT NOT NULL DEFAULT '',
	disposed_at TEXT NOT NULL
);

-- Substring search over tag, serial, name, model, manufacturer, custodian and
-- location. Contentless: the document is rebuilt from the tables when they change.
CREATE VIRTUAL TABLE asset_fts USING fts5(
	doc,
	content = '',
	contentless_delete = 1,
	tokenize = 'trigram'
);

-- The append-only history. Never updated, never deleted: the triggers refuse.
CREATE TABLE events (
	id        INTEGER PRIMARY KEY,
	device_id TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	operator  TEXT NOT NULL,
	at        TEXT NOT NULL,
	type      TEXT NOT NULL,
	subject   TEXT NOT NULL,
	payload   TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL,
	UNIQUE (device_id, seq)
);
CREATE INDEX events_subject ON events(subject, id);
CREATE INDEX events_at ON events(at);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The head of each device's hash chain.
CREATE TABLE chain_heads (
	device_id TEXT PRIMARY KEY,
	seq       INTEGER NOT NULL,
	hash      TEXT NOT NULL
) WITHOUT ROWID;

-- This device's events not yet acknowledged by the sync server.
CREATE TABLE outbox (
	event_id INTEGER PRIMARY KEY REFERENCES events(id)
);
