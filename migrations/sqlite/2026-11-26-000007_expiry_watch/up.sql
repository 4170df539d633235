-- The published documents whose expiry has not been recorded yet, with the last day of their
-- validity: a narrow queue the daily expiry run takes its due rows from (and deletes them),
-- so that the run costs what expires today, not what expired in all past years, and never
-- rewrites a document (its validity already follows from `valid_until`).
CREATE TABLE expiry_watch (
    document_id  TEXT PRIMARY KEY NOT NULL REFERENCES documents(id),
    valid_until  DATE NOT NULL
);
CREATE INDEX expiry_watch_due ON expiry_watch(valid_until);

INSERT INTO expiry_watch (document_id, valid_until)
SELECT d.id, d.valid_until FROM documents d
WHERE d.status = 'published' AND d.ended_state IS NULL AND d.valid_until IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM document_events e WHERE e.document_id = d.id AND e.action = 'expired');
