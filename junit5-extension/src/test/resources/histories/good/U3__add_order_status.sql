drop index orders_status_idx;
alter table orders drop column status;
drop type order_status;
