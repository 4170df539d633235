-- Kept NULL on SQLite, whose one writer makes event ids visible in order (the feed follows
-- ids); the column exists so that both engines' tables have the same columns for backups.
ALTER TABLE document_events ADD COLUMN tx BIGINT;
