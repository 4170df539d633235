-- Tamper-evident history (src/domain/history.rs): each document's events form a hash chain
-- (seq is the event's position in its document's chain; hash = SHA-256(prev_hash ‖ canonical
-- encoding)); events of other subjects (policy, suggestions, accounts) are chained per subject
-- in audit_events. history_heads holds each chain's length and last hash: appending locks the
-- chain's row, so two writers never fork a chain while different chains proceed in parallel.
-- Rows written before this migration are chained at the next start (db::history::backfill).
ALTER TABLE document_events ADD COLUMN seq BIGINT;
ALTER TABLE document_events ADD COLUMN prev_hash TEXT;
ALTER TABLE document_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX document_events_seq ON document_events(document_id, seq);

CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    subject   TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    actor_id  TEXT,
    at        TIMESTAMP NOT NULL,
    action    TEXT NOT NULL,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_events_seq ON audit_events(subject, seq);

CREATE TABLE history_heads (
    chain  TEXT PRIMARY KEY NOT NULL,
    length BIGINT NOT NULL,
    head   TEXT NOT NULL
);

-- A checkpoint commits to the heads of the chains that moved since the previous one
-- (checkpoint_heads) and to the previous checkpoint's hash.
CREATE TABLE checkpoints (
    seq         BIGINT PRIMARY KEY NOT NULL,
    made_at     TIMESTAMP NOT NULL,
    root        TEXT NOT NULL,
    previous    TEXT NOT NULL,
    hash        TEXT NOT NULL,
    chain_count BIGINT NOT NULL,
    moved_count BIGINT NOT NULL
);

CREATE TABLE checkpoint_heads (
    checkpoint_seq BIGINT NOT NULL,
    chain          TEXT NOT NULL,
    length         BIGINT NOT NULL,
    head           TEXT NOT NULL,
    PRIMARY KEY (chain, length)
);
CREATE INDEX checkpoint_heads_checkpoint ON checkpoint_heads(checkpoint_seq);

-- The checkpoint a frozen annual catalogue was frozen after.
ALTER TABLE catalogues ADD COLUMN checkpoint_hash TEXT;
