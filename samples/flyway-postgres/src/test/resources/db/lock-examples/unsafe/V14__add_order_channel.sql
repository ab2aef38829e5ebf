-- Unsafe: adds the column, backfills every row and sets NOT NULL in one transaction. ACCESS EXCLUSIVE from the
-- ADD COLUMN is held through the whole UPDATE and the NOT NULL scan: reads and writes of orders wait for all of it.
ALTER TABLE orders ADD COLUMN channel text;
UPDATE orders SET channel = 'web';
ALTER TABLE orders ALTER COLUMN channel SET NOT NULL;
