drop index orders_total_idx;
