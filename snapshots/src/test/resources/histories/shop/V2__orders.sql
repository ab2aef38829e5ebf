create sequence order_numbers start with 1000 increment by 10;
create table orders (
    id bigint generated always as identity primary key,
    number bigint not null default nextval('order_numbers'),
    customer_id bigint not null references customers (id) on delete cascade,
    total numeric(10, 2) not null check (total >= 0),
    status text not null default 'new'
);
create index orders_customer_idx on orders (customer_id);
create unique index orders_number_idx on orders (number) where status <> 'void';
alter sequence order_numbers owned by orders.number;
