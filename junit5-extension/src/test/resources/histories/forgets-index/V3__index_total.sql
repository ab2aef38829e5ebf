create index orders_total_idx on orders (total);
create index orders_customer_idx on orders (customer_id);
