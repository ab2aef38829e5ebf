-- migrate:up transaction:false
ALTER TABLE customers ADD COLUMN email text;
CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY customers_email_idx;
ALTER TABLE customers DROP COLUMN email;
