ALTER TABLE customers DROP COLUMN last_order_total;
