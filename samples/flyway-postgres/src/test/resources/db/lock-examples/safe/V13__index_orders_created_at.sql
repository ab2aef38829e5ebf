-- Safe: CONCURRENTLY builds the index without blocking writes (it must run outside a transaction, so nothing
-- else goes in this file). If it fails it leaves an INVALID index: drop it and run again.
CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);
