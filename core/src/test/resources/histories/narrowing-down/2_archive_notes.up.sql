CREATE TABLE archived_notes (id int PRIMARY KEY, body varchar(400) NOT NULL);
