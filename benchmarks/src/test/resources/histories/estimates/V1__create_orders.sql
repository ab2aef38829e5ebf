CREATE TABLE customers (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total integer NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL
);
