SET lock_timeout = '2s';
UPDATE accounts SET nickname = 'n' || id;
ALTER TABLE accounts ALTER COLUMN nickname SET NOT NULL;
