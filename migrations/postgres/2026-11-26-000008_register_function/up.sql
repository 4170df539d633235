-- Registration on PostgreSQL as one function: the statement that locks the document, advances
-- both counters in a fixed order, prints the numbers, moves the document and writes its event
-- (see src/db/numbering.rs). A PL/pgSQL function keeps its plan per connection; sent as a
-- plain statement it was parsed and planned again for every registration, which was most of
-- PostgreSQL's work under 64 concurrent registrars.
-- Arguments: 1 year, 2 issuance prefix, 3 registration prefix, 4 and 5 the 文号 before and after
-- its serial, 6 and 7 the 登记号 before and after its serial, 8 the serial's width, 9 the time,
-- 10 the document, 11 the actor. No row when the document is not `adopted` or a series row of
-- the year is missing; then nothing was written.
CREATE FUNCTION normreg_register(INTEGER, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INTEGER, TIMESTAMP, TEXT, TEXT)
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
