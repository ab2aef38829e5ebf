CREATE TABLE channels (
    id   serial PRIMARY KEY,
    name text NOT NULL
);
