-- Frozen annual catalogues (年度规范性文件目录): the list and texts of an agency's documents
-- valid on 31 December of a year, and what changed since the previous year. Rows are only
-- ever inserted: later repeals or amendments of the documents never alter a catalogue.
CREATE TABLE catalogues (
    id            TEXT PRIMARY KEY NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agencies(id),
    year          INTEGER NOT NULL,
    as_of         DATE NOT NULL,
    frozen_at     TIMESTAMP NOT NULL,
    frozen_by     TEXT,
    entry_count   INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    -- The catalogue the changes were counted against; NULL when the previous year had none
    -- frozen and the documents valid on its last day were taken instead.
    previous_id   TEXT REFERENCES catalogues(id),
    UNIQUE (agency_id, year)
);

CREATE TABLE catalogue_entries (
    catalogue_id         TEXT NOT NULL REFERENCES catalogues(id),
    position             INTEGER NOT NULL,
    document_id          TEXT NOT NULL,
    lineage_id           TEXT NOT NULL,
    title                TEXT NOT NULL,
    issuance_number      TEXT,
    registration_number  TEXT,
    published_on         DATE NOT NULL,
    effective_on         DATE NOT NULL,
    valid_until          DATE NOT NULL,
    body                 TEXT NOT NULL,
    PRIMARY KEY (catalogue_id, position)
);

-- change: added, amended, repealed, expired, declared_invalid, revoked, removed.
CREATE TABLE catalogue_changes (
    catalogue_id         TEXT NOT NULL REFERENCES catalogues(id),
    change               TEXT NOT NULL,
    document_id          TEXT NOT NULL,
    title                TEXT NOT NULL,
    issuance_number      TEXT,
    registration_number  TEXT,
    on_date              DATE,
    reason               TEXT,
    PRIMARY KEY (catalogue_id, change, document_id)
);

-- The changes since the previous year are found by document and by lineage (a new version).
CREATE INDEX catalogue_entries_document ON catalogue_entries(catalogue_id, document_id);
CREATE INDEX catalogue_entries_lineage ON catalogue_entries(catalogue_id, lineage_id);
