-- A reset's temporary password logs in until this moment (UTC), then no more
-- (NORMREG_TEMPORARY_PASSWORD_HOURS, default 72). Temporary passwords given before this
-- migration get the default lifetime from now.
ALTER TABLE users ADD COLUMN temporary_password_until TIMESTAMP;
UPDATE users SET temporary_password_until = (now() AT TIME ZONE 'UTC') + interval '72 hours'
WHERE password_change_required;
