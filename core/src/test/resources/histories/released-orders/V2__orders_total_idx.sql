create index orders_total_idx on orders (total);
