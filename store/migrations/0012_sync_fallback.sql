-- The endpoint a desk synced with before it was given a new server, token
-- or CA file: kept until the server accepts the new one, so that a typo
-- (a token refused, a server that does not answer as one) can be undone,
-- even when it was only found out at a later sync.
ALTER TABLE sync_state ADD COLUMN prev_server TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_state ADD COLUMN prev_token TEXT NOT NULL DEFAULT '';
ALTER TABLE sync_state ADD COLUMN prev_ca_file TEXT NOT NULL DEFAULT '';
