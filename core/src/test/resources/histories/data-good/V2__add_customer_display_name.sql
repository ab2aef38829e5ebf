ALTER TABLE customers ADD COLUMN display_name text;
UPDATE customers SET display_name = coalesce(first_name || ' ' || last_name, email);
