-- The files of a document (正式文本, 备案报告 and the other materials). A file is never
-- overwritten: a new upload of the same kind is the next version. Its bytes are kept as
-- chunks of at most 256 KiB, written in the same transaction as its record, so that a crash
-- leaves both or neither, and so that neither an upload nor a download holds the whole file
-- in memory.
CREATE TABLE document_files (
    id           TEXT PRIMARY KEY NOT NULL,
    document_id  TEXT NOT NULL REFERENCES documents(id),
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    kind         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    chunks       INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (document_id, kind, version)
);

CREATE TABLE file_chunks (
    file_id TEXT NOT NULL REFERENCES document_files(id),
    n       INTEGER NOT NULL,
    bytes   BYTEA NOT NULL,
    PRIMARY KEY (file_id, n)
);
