-- Every stored date outside the default range of the date policy (1949-10-01 to 2199-12-31,
-- see src/domain/dates.rs), written down here and left as it is: these are legal dates, and
-- no rule can tell what a year 0 or +10004 was meant to be. Inside the range every date is
-- fixed-width ISO text, and SQLite (which compares dates as text) orders them as PostgreSQL
-- does; outside it the engines disagree (on SQLite '+10004-12-31' < '2026-01-01'). Start-up
-- refuses to serve while a line remains here: correct the value (or accept it knowingly) and
-- delete its line. The holiday calendar is not checked: it is reference data whose years are
-- limited to 1949..2200 by its own rule.
CREATE TABLE date_anomalies (
    table_name   TEXT NOT NULL,
    row_key      TEXT NOT NULL,
    column_name  TEXT NOT NULL,
    stored_value TEXT NOT NULL,
    PRIMARY KEY (table_name, row_key, column_name)
);
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'review_due_on', CAST(review_due_on AS TEXT) FROM documents
WHERE review_due_on < DATE '1949-10-01' OR review_due_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'decided_on', CAST(decided_on AS TEXT) FROM documents
WHERE decided_on < DATE '1949-10-01' OR decided_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'published_on', CAST(published_on AS TEXT) FROM documents
WHERE published_on < DATE '1949-10-01' OR published_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'effective_on', CAST(effective_on AS TEXT) FROM documents
WHERE effective_on < DATE '1949-10-01' OR effective_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'valid_until', CAST(valid_until AS TEXT) FROM documents
WHERE valid_until < DATE '1949-10-01' OR valid_until > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'documents', id, 'ended_on', CAST(ended_on AS TEXT) FROM documents
WHERE ended_on < DATE '1949-10-01' OR ended_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'reviews', id, 'due_on', CAST(due_on AS TEXT) FROM reviews
WHERE due_on < DATE '1949-10-01' OR due_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'filings', id, 'submitted_on', CAST(submitted_on AS TEXT) FROM filings
WHERE submitted_on < DATE '1949-10-01' OR submitted_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'filings', id, 'due_on', CAST(due_on AS TEXT) FROM filings
WHERE due_on < DATE '1949-10-01' OR due_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'filings', id, 'correction_due_on', CAST(correction_due_on AS TEXT) FROM filings
WHERE correction_due_on < DATE '1949-10-01' OR correction_due_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'filings', id, 'decided_on', CAST(decided_on AS TEXT) FROM filings
WHERE decided_on < DATE '1949-10-01' OR decided_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'interpretations', id, 'issued_on', CAST(issued_on AS TEXT) FROM interpretations
WHERE issued_on < DATE '1949-10-01' OR issued_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'cleanup_campaigns', id, 'opened_on', CAST(opened_on AS TEXT) FROM cleanup_campaigns
WHERE opened_on < DATE '1949-10-01' OR opened_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'cleanup_campaigns', id, 'closed_on', CAST(closed_on AS TEXT) FROM cleanup_campaigns
WHERE closed_on < DATE '1949-10-01' OR closed_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'cleanup_items', campaign_id || '/' || document_id, 'decided_on', CAST(decided_on AS TEXT) FROM cleanup_items
WHERE decided_on < DATE '1949-10-01' OR decided_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'cleanup_items', campaign_id || '/' || document_id, 'applied_on', CAST(applied_on AS TEXT) FROM cleanup_items
WHERE applied_on < DATE '1949-10-01' OR applied_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'catalogues', id, 'as_of', CAST(as_of AS TEXT) FROM catalogues
WHERE as_of < DATE '1949-10-01' OR as_of > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'catalogue_entries', catalogue_id || '/' || CAST(position AS TEXT), 'published_on', CAST(published_on AS TEXT) FROM catalogue_entries
WHERE published_on < DATE '1949-10-01' OR published_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'catalogue_entries', catalogue_id || '/' || CAST(position AS TEXT), 'effective_on', CAST(effective_on AS TEXT) FROM catalogue_entries
WHERE effective_on < DATE '1949-10-01' OR effective_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'catalogue_entries', catalogue_id || '/' || CAST(position AS TEXT), 'valid_until', CAST(valid_until AS TEXT) FROM catalogue_entries
WHERE valid_until < DATE '1949-10-01' OR valid_until > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'catalogue_changes', catalogue_id || '/' || change || '/' || document_id, 'on_date', CAST(on_date AS TEXT) FROM catalogue_changes
WHERE on_date < DATE '1949-10-01' OR on_date > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'expiry_watch', document_id, 'valid_until', CAST(valid_until AS TEXT) FROM expiry_watch
WHERE valid_until < DATE '1949-10-01' OR valid_until > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'review_suggestions', id, 'received_on', CAST(received_on AS TEXT) FROM review_suggestions
WHERE received_on < DATE '1949-10-01' OR received_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'review_suggestions', id, 'due_on', CAST(due_on AS TEXT) FROM review_suggestions
WHERE due_on < DATE '1949-10-01' OR due_on > DATE '2199-12-31';
INSERT INTO date_anomalies (table_name, row_key, column_name, stored_value)
SELECT 'review_suggestions', id, 'replied_on', CAST(replied_on AS TEXT) FROM review_suggestions
WHERE replied_on < DATE '1949-10-01' OR replied_on > DATE '2199-12-31';
