-- statuses as an enum, indexed
create type order_status as enum ('new', 'paid', 'shipped');
alter table orders add column status order_status not null default 'new';
create index orders_status_idx on orders (status);
comment on column orders.status is 'lifecycle of the order';
