-- a sort that does not fit in its memory: the index build spills to temporary files
SET LOCAL maintenance_work_mem = '1MB';
CREATE INDEX orders_created_idx ON orders (created_at, status, total);
