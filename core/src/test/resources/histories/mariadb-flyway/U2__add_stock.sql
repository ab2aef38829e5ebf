-- forgets the index: the column's drop takes the index with it on MariaDB, so this down is complete
ALTER TABLE products DROP COLUMN stock;
