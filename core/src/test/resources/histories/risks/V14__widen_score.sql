SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN score TYPE bigint;
