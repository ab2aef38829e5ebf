create index orders_customer_id_idx on orders (customer_id);
create index order_items_product_id_idx on order_items (product_id);
create index orders_status_idx on orders (status) where status <> 'shipped';
