-- Search ignores accents: "muller" finds Müller, "Müller" finds Muller
-- (remove_diacritics folds a Latin letter's marks, as store.Fold does for
-- what the index cannot answer). The index is made again, empty, and the
-- desk is marked as keeping no search documents: Open then rebuilds them
-- from the tables as the desk writes them (searchMode), saying so. A sync
-- server's state, which keeps none, stays without them.
DROP TABLE asset_fts;

CREATE VIRTUAL TABLE asset_fts USING fts5(
	doc,
	content = '',
	contentless_delete = 1,
	tokenize = 'trigram remove_diacritics 1'
);

INSERT OR REPLACE INTO settings(key, value)
	SELECT 'no_search_index', '1' WHERE EXISTS (SELECT 1 FROM assets);
