CREATE TABLE t (id int PRIMARY KEY, kind text NOT NULL);
