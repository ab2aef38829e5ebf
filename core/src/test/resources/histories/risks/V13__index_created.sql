-- rehearsal:allow non-concurrent-index accounts stays small in production
SET lock_timeout = '2s';
CREATE INDEX accounts_created_idx ON accounts (created_at);
