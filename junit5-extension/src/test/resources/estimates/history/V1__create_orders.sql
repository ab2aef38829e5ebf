CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    total numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL
);
