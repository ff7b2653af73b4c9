-- A revoked token frees its device to enrol again (device_id is unique
-- among tokens), but token list should still say which device it was.
ALTER TABLE srv_tokens ADD COLUMN revoked_device text NOT NULL DEFAULT '';
