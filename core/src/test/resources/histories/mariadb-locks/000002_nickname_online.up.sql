-- the safe way: give up after 2 s instead of queueing everyone behind a long transaction, and refuse to copy
SET SESSION lock_wait_timeout = 2;
ALTER TABLE accounts ADD COLUMN nickname VARCHAR(40) NULL, ALGORITHM=INSTANT;
