-- re-added without saying where: last, which is where it was
ALTER TABLE people ADD COLUMN name varchar(200);
