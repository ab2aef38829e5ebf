SET lock_timeout = '100ms';
ALTER TABLE accounts ADD COLUMN note text;
