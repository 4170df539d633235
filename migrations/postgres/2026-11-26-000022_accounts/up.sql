-- Accounts a government can run (issue 13): disabling, password changes and resets, whose
-- effect on tokens already issued is checked against these columns on every request.
-- `token_epoch` is carried in each token; bumping it ends every token issued before, except
-- the one named by `kept_token_id` (the token that changed its own password).
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN token_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN kept_token_id TEXT;
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;

-- Failed logins counted per key (a hash of username and client address, of the address, of
-- the username), shared by every instance on the database. Forgotten once quiet for a while.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);
CREATE INDEX login_throttle_last ON login_throttle(last_failure_at);
