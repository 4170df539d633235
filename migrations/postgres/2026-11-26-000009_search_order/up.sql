-- The order in which documents entered the index, newest last. A search ranks only the newest
-- matches (NORMREG_SEARCH_WINDOW, src/db/search.rs), so it must find them without reading
-- every match's documents row; SQLite's FTS5 rowid plays this part there. Existing entries
-- are numbered by publication date.
CREATE SEQUENCE document_search_seq AS BIGINT;
ALTER TABLE document_search ADD COLUMN seq BIGINT;
UPDATE document_search s SET seq = o.n
  FROM (SELECT s2.document_id, row_number() OVER (ORDER BY d.published_on, d.id) AS n
          FROM document_search s2 JOIN documents d ON d.id = s2.document_id) o
 WHERE o.document_id = s.document_id;
SELECT setval('document_search_seq', COALESCE((SELECT MAX(seq) FROM document_search), 0) + 1, false);
ALTER TABLE document_search ALTER COLUMN seq SET DEFAULT nextval('document_search_seq');
ALTER TABLE document_search ALTER COLUMN seq SET NOT NULL;
ALTER SEQUENCE document_search_seq OWNED BY document_search.seq;
