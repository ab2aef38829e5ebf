SET lock_timeout = '2s';
ALTER TABLE accounts RENAME COLUMN nickname TO handle;
