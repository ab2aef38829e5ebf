UPDATE orders SET total = total - vat;
ALTER TABLE orders DROP COLUMN vat;
