-- Unsafe: a plain CREATE INDEX holds SHARE on orders for the whole build; every insert and update waits.
CREATE INDEX orders_created_at_idx ON orders (created_at);
