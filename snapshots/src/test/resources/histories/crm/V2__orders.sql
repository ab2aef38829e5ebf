create table products (
    id bigserial primary key,
    name text not null,
    price numeric(10, 2) not null
);
create table orders (
    id bigserial primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'new',
    placed_at timestamptz not null default now()
);
create table order_lines (
    order_id bigint not null references orders (id),
    product_id bigint not null references products (id),
    quantity int not null check (quantity > 0),
    primary key (order_id, product_id)
);
-- a cycle: a customer's favourite order is one of the orders, which reference customers
alter table customers add column favourite_order_id bigint references orders (id);
