SET SESSION lock_wait_timeout = 2;
ALTER TABLE accounts DROP COLUMN nickname;
