-- safe: no copy (ALGORITHM=INSTANT makes MariaDB refuse rather than copy), and give up after 2 s instead of
-- queueing every query on accounts behind a long transaction
SET SESSION lock_wait_timeout = 2;
ALTER TABLE accounts ADD COLUMN nickname VARCHAR(40), ALGORITHM=INSTANT;
