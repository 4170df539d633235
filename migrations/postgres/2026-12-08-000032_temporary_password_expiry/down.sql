ALTER TABLE users DROP COLUMN temporary_password_until;
