SET lock_timeout = '2s';
ALTER TABLE accounts ADD COLUMN referrer_id bigint REFERENCES accounts (id);
