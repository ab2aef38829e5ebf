-- without AFTER the column goes last
ALTER TABLE people ADD COLUMN label varchar(20);
