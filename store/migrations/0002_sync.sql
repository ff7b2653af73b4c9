-- tagdesk schema, version 2: sync.
-- Device side and server side share these tables (a server database is a
-- tagdesk database too). See sync/PROTOCOL.md.

-- Where each event stands in the server's commit order. On a device: the
-- events the server has confirmed (pulled, or acknowledged for a push); on the
-- server: every event it accepted into its log. refused = 1 marks an event the
-- server kept as history but did not apply; it is never part of the state.
CREATE TABLE sync_log (
	event_id   INTEGER PRIMARY KEY, -- events.id; no FOREIGN KEY: with one, SQLite flushes the search index at every insert (events are never deleted)
	server_seq INTEGER NOT NULL UNIQUE,
	refused    INTEGER NOT NULL DEFAULT 0
);

-- Device: this device's pending events that no longer apply on top of the
-- server's state after a rebase (they will most likely be refused).
CREATE TABLE sync_unapplied (
	event_id INTEGER PRIMARY KEY, -- events.id
	code     TEXT NOT NULL,
	reason   TEXT NOT NULL
);

-- Device: this device's events the server refused, with why and who won.
CREATE TABLE sync_refusals (
	event_id   INTEGER PRIMARY KEY, -- events.id
	code       TEXT NOT NULL,
	reason     TEXT NOT NULL,
	winner     TEXT NOT NULL DEFAULT '{}',
	refused_at TEXT NOT NULL,
	resolved   TEXT NOT NULL DEFAULT '',
	resolved_at TEXT NOT NULL DEFAULT ''
);

-- Device: the sync configuration and progress (one row).
CREATE TABLE sync_state (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	server        TEXT NOT NULL DEFAULT '',
	token         TEXT NOT NULL DEFAULT '',
	ca_file       TEXT NOT NULL DEFAULT '',
	enrolled      INTEGER NOT NULL DEFAULT 0,
	epoch         TEXT NOT NULL DEFAULT '',
	cursor        INTEGER NOT NULL DEFAULT 0,
	acked_seq     INTEGER NOT NULL DEFAULT 0,
	last_push_ok  TEXT NOT NULL DEFAULT '',
	last_pull_ok  TEXT NOT NULL DEFAULT '',
	last_attempt  TEXT NOT NULL DEFAULT '',
	last_error    TEXT NOT NULL DEFAULT '',
	needs_rebuild INTEGER NOT NULL DEFAULT 0,
	watchdog_secs INTEGER NOT NULL DEFAULT 3600
);
INSERT INTO sync_state(id) VALUES (1);

-- Device: blocks of tag numbers leased from the server.
CREATE TABLE sync_leases (
	first INTEGER PRIMARY KEY,
	last  INTEGER NOT NULL
);

-- Server: epoch and counters.
CREATE TABLE srv_meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Server: device tokens, stored as SHA-256 hex; bound to a device at enrolment.
CREATE TABLE srv_tokens (
	name       TEXT PRIMARY KEY,
	hash       TEXT NOT NULL UNIQUE,
	device_id  TEXT UNIQUE,
	created_at TEXT NOT NULL,
	revoked_at TEXT NOT NULL DEFAULT ''
);

-- Server: the answer given for every event pushed, so a retry gets the same one.
CREATE TABLE srv_results (
	device_id  TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	status     TEXT NOT NULL,
	server_seq INTEGER NOT NULL,
	code       TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT '',
	winner     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- Server: tag number blocks handed out.
CREATE TABLE srv_leases (
	first     INTEGER PRIMARY KEY,
	last      INTEGER NOT NULL,
	device_id TEXT NOT NULL,
	at        TEXT NOT NULL
);
