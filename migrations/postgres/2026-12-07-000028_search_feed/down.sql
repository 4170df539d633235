DROP INDEX document_events_tx;
ALTER TABLE document_events DROP COLUMN tx;
