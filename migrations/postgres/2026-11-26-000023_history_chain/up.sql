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
    id        BIGSERIAL PRIMARY KEY,
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

-- Registration (see 000008) now appends its event to the document's chain. The document and
-- the chain's head are locked first, by statements of their own, so that the statement after
-- them reads the head as the last writer committed it; the event's hash is computed here in SQL with the encoding of
-- src/domain/history.rs (each field `octet length:text`, `~` when absent), and the head moves
-- in the same statement as the event is written.
CREATE OR REPLACE FUNCTION normreg_register(INTEGER, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER, TIMESTAMP, TEXT, TEXT)
RETURNS TABLE (issuance TEXT, registration TEXT, issuance_serial INTEGER, registration_serial INTEGER)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
    v_chain TEXT := 'document:' || $10;
    v_length BIGINT;
    v_head TEXT;
BEGIN
    -- The document first, then its chain's head: the order every other step takes them in
    -- (it saves the document, then appends its event), so that the two never deadlock.
    PERFORM 1 FROM documents WHERE id = $10 FOR UPDATE;
    SELECT h.length, h.head INTO v_length, v_head FROM history_heads h WHERE h.chain = v_chain FOR UPDATE;
    IF NOT FOUND THEN
        v_length := 0;
        v_head := '0000000000000000000000000000000000000000000000000000000000000000';
    END IF;
    RETURN QUERY
    WITH target AS (
    SELECT id FROM documents
    WHERE id = $10 AND status = 'adopted'
    AND (SELECT count(*) FROM number_series
    WHERE year = $1 AND ((kind = 'issuance' AND prefix = $2)
    OR (kind = 'registration' AND prefix = $3))) = 2
    FOR UPDATE),
    i AS (UPDATE number_series SET last_value = last_value + 1
    WHERE kind = 'issuance' AND prefix = $2 AND year = $1
    AND EXISTS (SELECT 1 FROM target)
    RETURNING kind, last_value),
    r AS (UPDATE number_series SET last_value = last_value + 1
    WHERE kind = 'registration' AND prefix = $3 AND year = $1
    AND EXISTS (SELECT 1 FROM i)
    RETURNING kind, last_value),
    n AS (SELECT kind, last_value FROM i UNION ALL SELECT kind, last_value FROM r),
    numbers AS (
    SELECT $4 || i.last_value::text || $5 AS issuance,
    $6 || CASE WHEN length(r.last_value::text) >= $8 THEN r.last_value::text
    ELSE lpad(r.last_value::text, $8, '0') END || $7 AS registration,
    i.last_value AS issuance_serial, r.last_value AS registration_serial
    FROM n i JOIN n r ON i.kind = 'issuance' AND r.kind = 'registration'),
    doc AS (
    UPDATE documents d SET status = 'registered', issuance_number = numbers.issuance,
    registration_number = numbers.registration, updated_at = $9
    FROM numbers WHERE d.id = $10 AND d.status = 'adopted'
    RETURNING d.id, numbers.issuance, numbers.registration,
    numbers.issuance_serial, numbers.registration_serial),
    ev AS (
    SELECT id, v_length + 1 AS seq,
    json_build_object('issuance_number', issuance, 'registration_number', registration)::text AS payload
    FROM doc),
    hashed AS (
    SELECT id, seq, payload, encode(sha256(convert_to(v_head
    || '24:normreg/document-event/1'
    || octet_length(id)::text || ':' || id
    || octet_length(seq::text)::text || ':' || seq::text
    || COALESCE(octet_length($11)::text || ':' || $11, '~')
    || '26:' || to_char($9, 'YYYY-MM-DD"T"HH24:MI:SS.US')
    || '10:registered' || '7:adopted' || '10:registered' || '~'
    || octet_length(payload)::text || ':' || payload, 'UTF8')), 'hex') AS hash
    FROM ev),
    event AS (
    INSERT INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload, seq, prev_hash, hash)
    SELECT id, $11, $9, 'registered', 'adopted', 'registered', NULL, payload, seq, v_head, hash
    FROM hashed),
    moved AS (
    INSERT INTO history_heads (chain, length, head)
    SELECT v_chain, seq, hash FROM hashed
    ON CONFLICT (chain) DO UPDATE SET length = excluded.length, head = excluded.head)
    SELECT issuance, registration, issuance_serial, registration_serial FROM doc;
END
$fn$;
