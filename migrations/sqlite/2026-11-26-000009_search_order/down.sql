-- PostgreSQL gives document_search an order column here; FTS5's rowid already numbers the
-- entries in the order they were written, which is what a search's window needs.
SELECT 1;
