-- puts the column back, but not its values: a lossy down
ALTER TABLE customers ADD COLUMN country CHAR(2) NULL;
