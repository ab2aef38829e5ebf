SET lock_timeout = '2s';
ALTER TABLE accounts DROP COLUMN handle;
