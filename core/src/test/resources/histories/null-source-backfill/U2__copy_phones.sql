ALTER TABLE orders DROP COLUMN customer_phone;
ALTER TABLE customers DROP COLUMN contact_phone;
