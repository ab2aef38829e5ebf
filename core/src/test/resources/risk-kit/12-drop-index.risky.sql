--kit:expect non-concurrent-drop-index
drop index orders_account_id_idx;
