-- One row per entry of the FTS5 index, under the same rowid: the document it belongs to, its
-- agency and its publication date. FTS5 can find a row by rowid only, so without this table
-- replacing a document's entry scanned the whole index, and a search read each match's FTS
-- content row for its document id and each document for the agency and year filters.
CREATE TABLE document_search_rows (
    search_rowid INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL UNIQUE REFERENCES documents(id),
    agency_id    TEXT NOT NULL,
    published_on DATE
);
INSERT OR IGNORE INTO document_search_rows (search_rowid, document_id, agency_id, published_on)
SELECT s.rowid, s.document_id, d.agency_id, d.published_on
  FROM document_search s JOIN documents d ON d.id = s.document_id;
