alter table orders add column status text not null default 'new';
create index orders_status_idx on orders (status);
