-- migrate:up
CREATE TABLE customers (
    id   bigint PRIMARY KEY,
    name text NOT NULL
);

-- migrate:down
DROP TABLE customers;
