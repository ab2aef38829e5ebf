BEGIN;
CREATE TABLE audit (
    id          bigint PRIMARY KEY,
    customer_id bigint REFERENCES customers (id)
);
COMMIT;
CREATE TABLE audit_detail (
    audit_id bigint REFERENCES no_such_table (id)
);
