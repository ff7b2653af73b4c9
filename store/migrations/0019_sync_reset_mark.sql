-- Other desks' changes a desk had pulled (their place in the server's
-- order recorded) when it followed a restored or replaced server
-- (ResetForEpoch, which forgets the old server's order): the server now
-- may lack them until their desk sends them again. verify --server counts
-- those apart; another desk's change held with no place and not here is a
-- problem (it never came from a server).
CREATE TABLE sync_pulled_before (event_id INTEGER PRIMARY KEY) WITHOUT ROWID;
