set lock_timeout = '2s';
create table orders (
    id bigserial primary key,
    customer_id bigint not null references customers (id),
    total numeric(12, 2) not null
);
create index orders_customer_idx on orders (customer_id);
