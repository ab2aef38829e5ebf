create sequence order_number_seq start with 100000;
alter table orders add column order_number bigint not null default nextval('order_number_seq');
alter sequence order_number_seq owned by orders.order_number;
alter table orders add constraint orders_order_number_key unique (order_number);
