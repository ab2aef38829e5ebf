create table customers (
    id          bigint generated always as identity primary key,
    email       text         not null unique,
    full_name   varchar(200) not null,
    legacy_code text
);
create table orders (
    id          bigint generated always as identity primary key,
    customer_id bigint        not null references customers (id),
    total       numeric(10,2) not null,
    status      text          not null default 'new'
);
