-- Interpretations (解释) attached to a published document, and periodic cleanup campaigns
-- (清理) with one outcome per document. New tables only: `documents` is at diesel's column
-- limit, and history is never overwritten, so later acts are rows of their own.
CREATE TABLE interpretations (
    id              TEXT PRIMARY KEY NOT NULL,
    document_id     TEXT NOT NULL REFERENCES documents(id),
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    issued_on       DATE NOT NULL,
    issuance_number TEXT UNIQUE,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX interpretations_document ON interpretations(document_id, issued_on);

CREATE TABLE cleanup_campaigns (
    id         TEXT PRIMARY KEY NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    name       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    status     TEXT NOT NULL,
    opened_on  DATE NOT NULL,
    closed_on  DATE,
    opened_by  TEXT NOT NULL,
    closed_by  TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- At most one open campaign per agency, enforced by the database against racing requests.
CREATE UNIQUE INDEX cleanup_campaigns_one_open ON cleanup_campaigns(agency_id) WHERE status = 'open';
CREATE INDEX cleanup_campaigns_agency ON cleanup_campaigns(agency_id, opened_on);

CREATE TABLE cleanup_items (
    campaign_id    TEXT NOT NULL REFERENCES cleanup_campaigns(id),
    document_id    TEXT NOT NULL REFERENCES documents(id),
    position       INTEGER NOT NULL,
    outcome        TEXT,
    reason         TEXT,
    by_document_id TEXT,
    decided_on     DATE,
    decided_by     TEXT,
    applied_on     DATE,
    amendment_id   TEXT,
    PRIMARY KEY (campaign_id, document_id)
);
CREATE INDEX cleanup_items_document ON cleanup_items(document_id);
