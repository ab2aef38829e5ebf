create table customers (
    id         bigint generated always as identity primary key,
    email      text        not null,
    full_name  text        not null,
    created_at timestamptz not null default now(),
    constraint customers_email_key unique (email)
);
comment on table customers is 'People who place orders';
