SET lock_timeout = '100ms';
ALTER TABLE accounts DROP COLUMN note;
