ALTER TABLE orders ADD COLUMN status VARCHAR(12) NOT NULL DEFAULT 'new';
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('new', 'paid', 'shipped'));
