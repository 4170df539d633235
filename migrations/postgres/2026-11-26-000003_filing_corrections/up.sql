-- Whether the filing authority ever found the document unlawful (correction ordered or revoked),
-- which the 纠错率 counts even after the agency corrected it.
ALTER TABLE filings ADD COLUMN found_unlawful BOOLEAN NOT NULL DEFAULT false;
