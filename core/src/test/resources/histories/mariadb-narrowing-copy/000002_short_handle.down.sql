ALTER TABLE users DROP COLUMN short_handle;
