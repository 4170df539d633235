-- The tables as migrations 000002 and 000010 left them; a start after the down migration
-- does not fill them again (nothing writes them any more).
CREATE VIRTUAL TABLE document_search USING fts5(document_id UNINDEXED, tokens);
CREATE TABLE document_search_rows (
    search_rowid INTEGER PRIMARY KEY,
    document_id  TEXT NOT NULL UNIQUE REFERENCES documents(id),
    agency_id    TEXT NOT NULL,
    published_on DATE
);
