-- Safe: a NOT NULL column with a constant default is a catalog change since PostgreSQL 11 (no rewrite, no scan);
-- the lock_timeout makes it give up quickly, instead of queueing every query, if a long transaction holds orders.
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'web';
