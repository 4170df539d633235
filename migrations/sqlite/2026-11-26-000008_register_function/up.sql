-- PostgreSQL only (its registration function); SQLite registers with plain statements.
SELECT 1;
