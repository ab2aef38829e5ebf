ALTER TABLE orders ADD COLUMN vat numeric(10, 2);
-- meant to compute the VAT, but rewrites the total of every order instead
UPDATE orders SET vat = round(total * 0.2, 2), total = round(total * 1.2, 2);
