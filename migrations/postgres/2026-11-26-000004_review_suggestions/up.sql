-- Citizens' review suggestions (审查建议) about published documents, handled by the filing
-- authority of the issuing agency. The contact is stored for the authority only and never
-- shown on a public path; the client address is kept only as a hash, for rate limiting.
CREATE TABLE review_suggestions (
    id            TEXT PRIMARY KEY NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    document_id   TEXT NOT NULL REFERENCES documents(id),
    authority_id  TEXT NOT NULL REFERENCES agencies(id),
    content       TEXT NOT NULL,
    contact       TEXT,
    client_key    TEXT NOT NULL,
    status        TEXT NOT NULL,
    received_on   DATE NOT NULL,
    due_on        DATE NOT NULL,
    reply         TEXT,
    outcome       TEXT,
    replied_on    DATE,
    replied_by    TEXT,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX review_suggestions_client ON review_suggestions(client_key, created_at);
CREATE INDEX review_suggestions_authority ON review_suggestions(authority_id, status, due_on);
