ALTER TABLE people ADD COLUMN label varchar(20), ADD COLUMN note varchar(200);
