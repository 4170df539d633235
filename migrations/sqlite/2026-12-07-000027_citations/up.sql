-- Citations found in a document's body and legal basis (issue 15): one row per 《title》 or
-- 文号, its span in characters of its field, what it resolved to when the text was saved or
-- published (a registry document, or a title of the national laws shipped with the service),
-- so that `cited_by` is an indexed read. The rows of a document are replaced whenever its text
-- is saved; `citation_scans` records which documents were scanned, so that start-up scans the
-- documents written before this migration (or restored without these tables) once.
CREATE TABLE document_citations (
    document_id       TEXT NOT NULL REFERENCES documents(id),
    position          INTEGER NOT NULL,
    field             TEXT NOT NULL,
    kind              TEXT NOT NULL,
    start_char        INTEGER NOT NULL,
    end_char          INTEGER NOT NULL,
    text              TEXT NOT NULL,
    cite_key          TEXT NOT NULL,
    cited_document_id TEXT REFERENCES documents(id),
    law_title         TEXT,
    PRIMARY KEY (document_id, position)
);
CREATE INDEX document_citations_cited ON document_citations(cited_document_id);
CREATE INDEX document_citations_unresolved ON document_citations(kind, cite_key)
    WHERE cited_document_id IS NULL;

CREATE TABLE citation_scans (
    document_id TEXT PRIMARY KEY NOT NULL REFERENCES documents(id),
    revision    INTEGER NOT NULL
);
