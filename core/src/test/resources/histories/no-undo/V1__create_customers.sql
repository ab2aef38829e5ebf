create table customers (
    id bigserial primary key,
    name text not null,
    email text
);
create table orders (
    id bigserial primary key,
    customer_id bigint not null references customers (id),
    note text
);
