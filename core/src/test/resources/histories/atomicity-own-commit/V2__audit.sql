-- written for psql, where BEGIN and COMMIT make the script atomic; inside Flyway's own transaction they do not
BEGIN;
CREATE TABLE audit (
    id          bigint PRIMARY KEY,
    customer_id bigint REFERENCES customers (id)
);
CREATE INDEX audit_customer_idx ON audit (customer_id);
COMMIT;
