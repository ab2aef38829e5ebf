DROP TRIGGER orders_bi;
DROP TABLE orders;
