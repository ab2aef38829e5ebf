drop index orders_status_idx;
