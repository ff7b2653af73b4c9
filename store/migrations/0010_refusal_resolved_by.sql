-- Who resolved a refusal (accepted the server's state, or redid the change):
-- the operator at the desk then. Local bookkeeping, shown by
-- tagdesk sync status --resolved; the redo's new events carry it too.
ALTER TABLE sync_refusals ADD COLUMN resolved_by TEXT NOT NULL DEFAULT '';
