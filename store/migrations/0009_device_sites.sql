-- Where each device's changes were made: a device.site event states the
-- site a desk is at (its site setting), and holds for that device's events
-- from its seq on, until the next. Derived from the events like any state.
CREATE TABLE device_sites (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    site TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;
