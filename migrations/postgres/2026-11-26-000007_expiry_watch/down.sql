DROP TABLE expiry_watch;
