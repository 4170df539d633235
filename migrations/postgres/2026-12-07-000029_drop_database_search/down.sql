-- The table as migrations 000002, 000009 and 000010 left it; a start after the down
-- migration does not fill it again (nothing writes it any more).
CREATE TABLE document_search (
    document_id  TEXT PRIMARY KEY NOT NULL REFERENCES documents(id),
    tokens       TSVECTOR NOT NULL,
    agency_id    TEXT NOT NULL,
    published_on DATE,
    seq          BIGSERIAL NOT NULL
);
CREATE INDEX document_search_tokens ON document_search USING GIN (tokens);
