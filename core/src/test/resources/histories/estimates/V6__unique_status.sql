-- orders share statuses: this fails on any realistic data
ALTER TABLE orders ADD CONSTRAINT orders_status_key UNIQUE (status);
