create table orders (
    id          bigint generated always as identity primary key,
    customer_id bigint      not null references customers (id),
    created_at  timestamptz not null default now()
);

create table order_items (
    order_id   bigint        not null references orders (id) on delete cascade,
    product_id bigint        not null references products (id),
    quantity   integer       not null check (quantity > 0),
    unit_price numeric(10, 2) not null,
    primary key (order_id, product_id)
);
