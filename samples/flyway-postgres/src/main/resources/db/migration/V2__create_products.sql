create table products (
    id    bigint generated always as identity primary key,
    sku   text          not null unique,
    name  text          not null,
    price numeric(10, 2) not null check (price >= 0)
);
