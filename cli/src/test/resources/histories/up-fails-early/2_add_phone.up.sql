ALTER TABLE acounts ADD COLUMN phone text;
