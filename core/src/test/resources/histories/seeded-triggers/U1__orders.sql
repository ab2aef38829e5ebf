drop table if exists order_archive;
drop table order_events;
drop table orders;
drop function log_order();
