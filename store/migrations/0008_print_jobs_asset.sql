-- A label asked for an asset reuses one already waiting for it (queueLabel):
-- found by asset, not by walking the queue.
CREATE INDEX print_jobs_asset ON print_jobs(asset_id, status);
