-- Automatic expiry is recorded as one `expired` event per document, never as a rewrite of the
-- document (its validity already follows from `valid_until`). This index makes that "one"
-- hold however many instances run expiry at once, and lets a run skip what is recorded.
CREATE UNIQUE INDEX document_events_expired ON document_events(document_id) WHERE action = 'expired';
