drop index orders_status_idx;
drop index order_items_product_id_idx;
drop index orders_customer_id_idx;
