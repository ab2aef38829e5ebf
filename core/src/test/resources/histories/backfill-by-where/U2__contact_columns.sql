ALTER TABLE orders DROP COLUMN customer_email;
ALTER TABLE orders DROP COLUMN paid_note;
ALTER TABLE customers DROP COLUMN reachable_by;
