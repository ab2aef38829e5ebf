CREATE TABLE notes (id int PRIMARY KEY, body varchar(200) NOT NULL);
