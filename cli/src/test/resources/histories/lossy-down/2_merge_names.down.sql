-- puts the columns back, but not their values
ALTER TABLE customers ADD COLUMN first_name text, ADD COLUMN last_name text;
ALTER TABLE customers DROP COLUMN full_name;
