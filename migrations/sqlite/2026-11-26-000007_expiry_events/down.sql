DROP INDEX document_events_expired;
