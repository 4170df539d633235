-- The search index is tantivy's now (src/search_index/), derived from the database through
-- the change feed of `document_events`. The FTS5 bigram table and its side table were written
-- at every publication, import and start-up and read by nothing: they go, and with them the
-- work they added to the publishing transaction.
DROP TABLE IF EXISTS document_search_rows;
DROP TABLE IF EXISTS document_search;
