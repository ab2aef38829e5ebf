create table customers (
    id         bigint generated always as identity primary key,
    email      text not null unique,
    first_name text not null,
    last_name  text not null,
    city       text,
    created_at timestamptz not null
);
create table products (
    id    bigint generated always as identity primary key,
    sku   text not null unique,
    name  text not null,
    price numeric(10, 2) not null check (price >= 0)
);
create table orders (
    id          bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    status      text not null check (status in ('new', 'paid', 'shipped')),
    created_at  timestamptz not null
);
create table order_items (
    order_id   bigint not null references orders (id),
    product_id bigint not null references products (id),
    quantity   integer not null,
    unit_price numeric(10, 2) not null
);
create table payments (
    id      bigint generated always as identity primary key,
    order_id bigint not null references orders (id),
    amount   numeric(10, 2) not null,
    paid_at  timestamptz not null
);
