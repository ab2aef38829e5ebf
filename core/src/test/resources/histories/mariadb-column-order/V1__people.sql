CREATE TABLE people (
    id    bigint PRIMARY KEY,
    email varchar(200) NOT NULL,
    name  varchar(200)
);
