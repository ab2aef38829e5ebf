CREATE TABLE customers (
    id   bigint PRIMARY KEY,
    name text NOT NULL
);
CREATE TABLE #[audit_table] (
    id          bigserial PRIMARY KEY,
    customer_id bigint REFERENCES customers (id)
);
