create index concurrently orders_customer_active on orders (customer_id) where not archived;
