ALTER TABLE filings DROP COLUMN found_unlawful;
