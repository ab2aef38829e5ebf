ALTER TABLE customers ADD COLUMN contact_phone text;
-- tested on a developer database with a handful of customers
UPDATE customers SET contact_phone = phone WHERE id < 100;
