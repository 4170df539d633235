ALTER TABLE document_search DROP COLUMN agency_id, DROP COLUMN published_on;
