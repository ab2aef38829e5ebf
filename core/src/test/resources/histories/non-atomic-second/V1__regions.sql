CREATE TABLE regions (
    id   bigint PRIMARY KEY
);
