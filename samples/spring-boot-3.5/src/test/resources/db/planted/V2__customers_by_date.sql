create index customers_created_idx on customers (created_at);
