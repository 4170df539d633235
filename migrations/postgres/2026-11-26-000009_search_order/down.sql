ALTER TABLE document_search DROP COLUMN seq;
