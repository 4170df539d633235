ALTER TABLE document_events DROP COLUMN tx;
