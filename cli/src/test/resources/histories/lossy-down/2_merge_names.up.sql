ALTER TABLE customers ADD COLUMN full_name text;
UPDATE customers SET full_name = concat_ws(' ', first_name, last_name);
ALTER TABLE customers DROP COLUMN first_name, DROP COLUMN last_name;
