CREATE TABLE orders_archive (
    id    serial PRIMARY KEY,
    total numeric(10, 2) NOT NULL
);
INSERT INTO orders_archive (id, total) SELECT id, total FROM orders;
