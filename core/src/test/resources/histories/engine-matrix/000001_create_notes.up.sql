-- arrays are PostgreSQL's: MariaDB has no text[]
CREATE TABLE notes (id INT PRIMARY KEY, tags TEXT[]);
