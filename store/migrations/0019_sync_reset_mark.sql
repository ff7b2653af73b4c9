-- The last event a desk held when it last followed a restored or replaced
-- server (ResetForEpoch): other desks' changes up to it were pulled from
-- the server before, and the one now may lack them until their desk sends
-- them again. verify --server counts those apart; another desk's change
-- after it, held with no place in the server's order, is a problem.
ALTER TABLE sync_state ADD COLUMN reset_event_id INTEGER NOT NULL DEFAULT 0;
