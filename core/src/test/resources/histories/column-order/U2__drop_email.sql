-- puts the column back, but last: PostgreSQL can only append columns
ALTER TABLE people ADD COLUMN email text NOT NULL DEFAULT '';
ALTER TABLE people ALTER COLUMN email DROP DEFAULT;
