-- MariaDB can put a column back where it was
ALTER TABLE people ADD COLUMN email varchar(200) NOT NULL AFTER id;
