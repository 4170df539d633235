ALTER TABLE catalogues DROP COLUMN checkpoint_hash;
DROP TABLE checkpoint_heads;
DROP TABLE checkpoints;
DROP TABLE history_heads;
DROP TABLE audit_events;
DROP INDEX document_events_seq;
ALTER TABLE document_events DROP COLUMN hash;
ALTER TABLE document_events DROP COLUMN prev_hash;
ALTER TABLE document_events DROP COLUMN seq;

-- Registration as it was before the chain (000008).
CREATE OR REPLACE FUNCTION normreg_register(INTEGER, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER, TIMESTAMP, TEXT, TEXT)
RETURNS TABLE (issuance TEXT, registration TEXT, issuance_serial INTEGER, registration_serial INTEGER)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
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
    event AS (
    INSERT INTO document_events (document_id, actor_id, at, action, from_status, to_status, reason, payload)
    SELECT id, $11, $9, 'registered', 'adopted', 'registered', NULL,
    json_build_object('issuance_number', issuance, 'registration_number', registration)::text
    FROM doc)
    SELECT issuance, registration, issuance_serial, registration_serial FROM doc;
END
$fn$;
