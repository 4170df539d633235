-- Each entry of a frozen annual catalogue records the SHA-256 of its document's official text
-- (正式文本) as it stood at freeze time: the newest version then, NULL when there was none.
-- Catalogues frozen before keep NULL; a later upload never changes a frozen entry.
ALTER TABLE catalogue_entries ADD COLUMN official_text_sha256 TEXT;
