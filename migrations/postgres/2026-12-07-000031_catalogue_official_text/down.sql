ALTER TABLE catalogue_entries DROP COLUMN official_text_sha256;
