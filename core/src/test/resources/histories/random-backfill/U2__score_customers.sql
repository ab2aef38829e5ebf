ALTER TABLE customers DROP COLUMN score;
