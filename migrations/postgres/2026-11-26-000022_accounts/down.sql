DROP TABLE login_throttle;
ALTER TABLE users DROP COLUMN password_change_required;
ALTER TABLE users DROP COLUMN kept_token_id;
ALTER TABLE users DROP COLUMN token_epoch;
ALTER TABLE users DROP COLUMN disabled;
