SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN flag boolean;
UPDATE accounts SET flag = true;
