ALTER TABLE catalogues DROP COLUMN checkpoint_hash;
DROP TABLE checkpoint_heads;
DROP TABLE checkpoints;
DROP TABLE history_heads;
DROP TABLE audit_events;
DROP INDEX document_events_seq;
ALTER TABLE document_events DROP COLUMN hash;
ALTER TABLE document_events DROP COLUMN prev_hash;
ALTER TABLE document_events DROP COLUMN seq;
