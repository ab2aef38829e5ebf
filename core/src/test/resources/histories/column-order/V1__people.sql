CREATE TABLE people (
    id    bigint PRIMARY KEY,
    email text NOT NULL,
    name  text
);
