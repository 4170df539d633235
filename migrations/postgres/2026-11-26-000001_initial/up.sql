-- The foundation and the lifecycle of documents. UUIDs are TEXT and times UTC TIMESTAMP on
-- both engines, so one diesel schema serves both.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE agencies (
    id                  TEXT PRIMARY KEY NOT NULL,
    code                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    parent_id           TEXT REFERENCES agencies(id),
    issuance_prefix     TEXT,
    registration_prefix TEXT,
    filing_authority_id TEXT REFERENCES agencies(id),
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    agency_id     TEXT REFERENCES agencies(id),
    roles         TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE calendar_days (
    day        DATE PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    is_off_day BOOLEAN NOT NULL
);

CREATE TABLE number_series (
    kind       TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    year       INTEGER NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (kind, prefix, year)
);

CREATE TABLE documents (
    id                   TEXT PRIMARY KEY NOT NULL,
    lineage_id           TEXT NOT NULL,
    version              INTEGER NOT NULL,
    agency_id            TEXT NOT NULL REFERENCES agencies(id),
    status               TEXT NOT NULL,
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL,
    revision             INTEGER NOT NULL,
    provisional          BOOLEAN NOT NULL,
    validity_years       INTEGER,
    legal_basis          TEXT,
    drafting_notes       TEXT,
    affects_rights       BOOLEAN NOT NULL,
    review_due_on        DATE,
    meeting              TEXT,
    decided_on           DATE,
    issuance_number      TEXT UNIQUE,
    registration_number  TEXT UNIQUE,
    published_on         DATE,
    effective_on         DATE,
    valid_until          DATE,
    channel              TEXT,
    early_effect_reason  TEXT,
    ended_state          TEXT,
    ended_on             DATE,
    ended_reason         TEXT,
    ended_by_document_id TEXT,
    supersedes_id        TEXT,
    superseded_by_id     TEXT,
    imported             BOOLEAN NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE INDEX documents_agency_status ON documents(agency_id, status);
CREATE INDEX documents_lineage ON documents(lineage_id, version);
CREATE INDEX documents_expiry ON documents(valid_until) WHERE status = 'published' AND ended_state IS NULL;
CREATE INDEX documents_published ON documents(published_on) WHERE status = 'published';

CREATE TABLE document_revisions (
    document_id TEXT NOT NULL REFERENCES documents(id),
    revision    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_by  TEXT,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (document_id, revision)
);

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents(id),
    revision    INTEGER NOT NULL,
    reviewer_id TEXT NOT NULL,
    conclusion  TEXT NOT NULL,
    opinion     TEXT NOT NULL,
    findings    TEXT NOT NULL,
    responses   TEXT,
    due_on      DATE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX reviews_document ON reviews(document_id, created_at);

CREATE TABLE document_events (
    id          BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    actor_id    TEXT,
    at          TIMESTAMP NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    reason      TEXT,
    payload     TEXT
);
CREATE INDEX document_events_document ON document_events(document_id, id);

CREATE TABLE filings (
    id                TEXT PRIMARY KEY NOT NULL,
    document_id       TEXT NOT NULL UNIQUE REFERENCES documents(id),
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    authority_id      TEXT NOT NULL REFERENCES agencies(id),
    report            TEXT NOT NULL,
    materials         TEXT NOT NULL,
    submitted_on      DATE NOT NULL,
    due_on            DATE NOT NULL,
    on_time           BOOLEAN NOT NULL,
    complete          BOOLEAN NOT NULL,
    status            TEXT NOT NULL,
    decision_reason   TEXT,
    correction_due_on DATE,
    decided_on        DATE,
    decided_by        TEXT,
    resubmissions     INTEGER NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX filings_authority_status ON filings(authority_id, status);
