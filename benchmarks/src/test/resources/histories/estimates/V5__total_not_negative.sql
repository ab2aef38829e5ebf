ALTER TABLE orders ADD CONSTRAINT orders_total_not_negative CHECK (total >= -2147483648) NOT VALID;
