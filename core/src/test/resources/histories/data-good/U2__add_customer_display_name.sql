ALTER TABLE customers DROP COLUMN display_name;
