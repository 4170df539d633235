-- The search index is tantivy's now (src/search_index/), derived from the database through
-- the change feed of `document_events`. The tsvector table was written at every publication,
-- import and start-up and read by nothing: it goes (its GIN index and order sequence with
-- it), and with it the work it added to the publishing transaction.
DROP TABLE IF EXISTS document_search;
