-- A Snipe-IT label's QR code links to /hardware/{id}, Snipe-IT's own id of
-- the asset, not its tag: an import keeps that id as the custom field
-- "Snipe-IT ID", and a scan of such a link finds the asset by it.
CREATE INDEX IF NOT EXISTS assets_snipeit_id ON assets(json_extract(custom, '$."Snipe-IT ID"'))
	WHERE json_extract(custom, '$."Snipe-IT ID"') IS NOT NULL;
