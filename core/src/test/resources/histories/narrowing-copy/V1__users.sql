CREATE TABLE users (
    id     serial PRIMARY KEY,
    handle varchar(128) NOT NULL
);
