-- Public consultations (公开征求意见) on drafts: the text as consulted (a revision of the draft,
-- copied so that later edits never change what the public read), the period, and the close
-- as recorded by the closing run. A comment's contact is for the drafter only and never shown
-- on a public path; the client address is kept only as a hash, for rate limiting.
CREATE TABLE consultations (
    id                  TEXT PRIMARY KEY NOT NULL,
    document_id         TEXT NOT NULL REFERENCES documents(id),
    agency_id           TEXT NOT NULL REFERENCES agencies(id),
    revision            INTEGER NOT NULL,
    title               TEXT NOT NULL,
    body                TEXT NOT NULL,
    drafting_notes      TEXT,
    opens_on            DATE NOT NULL,
    closes_on           DATE NOT NULL,
    affects_businesses  BOOLEAN NOT NULL,
    short_period_reason TEXT,
    opened_by           TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    closed_at           TIMESTAMP
);
CREATE INDEX consultations_document ON consultations(document_id, created_at);
CREATE INDEX consultations_agency ON consultations(agency_id, opens_on);
CREATE INDEX consultations_closing ON consultations(closes_on) WHERE closed_at IS NULL;

CREATE TABLE consultation_comments (
    id              TEXT PRIMARY KEY NOT NULL,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    tracking_code   TEXT NOT NULL UNIQUE,
    content         TEXT NOT NULL,
    article         TEXT,
    name            TEXT,
    contact         TEXT,
    client_key      TEXT NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    disposition     TEXT,
    reason          TEXT,
    summary         TEXT,
    disposed_on     DATE,
    disposed_by     TEXT
);
CREATE INDEX consultation_comments_of ON consultation_comments(consultation_id, received_at);
CREATE INDEX consultation_comments_client ON consultation_comments(client_key, received_at);

-- A registrar's record that a rights-affecting draft goes without consultation (依法需要保密
-- and the like), with its reason.
CREATE TABLE consultation_exemptions (
    id          TEXT PRIMARY KEY NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents(id),
    reason      TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_exemptions_document ON consultation_exemptions(document_id);
