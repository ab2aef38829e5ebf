-- the new column is half as wide as the one it copies
ALTER TABLE users ADD COLUMN short_handle VARCHAR(64);
UPDATE users SET short_handle = handle;
