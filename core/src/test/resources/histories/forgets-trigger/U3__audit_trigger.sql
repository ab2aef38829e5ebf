-- should have been: drop trigger orders_skip_noop on orders;
select 1;
