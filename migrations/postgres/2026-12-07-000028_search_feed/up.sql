-- The transaction that wrote each document event: the search index's change feed reads the
-- events of every transaction not yet finished when it last looked (tx >= its watermark, the
-- oldest transaction then running), because on PostgreSQL ids become visible out of commit
-- order. Events written before this migration carry none; the index's first build covers them.
ALTER TABLE document_events ADD COLUMN tx BIGINT;
ALTER TABLE document_events ALTER COLUMN tx SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX document_events_tx ON document_events(tx);
