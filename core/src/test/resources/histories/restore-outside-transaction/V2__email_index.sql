create index concurrently customers_email_idx on customers (email);
