alter table orders drop constraint orders_total_small;
drop view customer_totals;
drop trigger orders_normalize_status on orders;
drop function normalize_status();
