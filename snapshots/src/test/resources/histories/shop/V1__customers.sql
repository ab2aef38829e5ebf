create extension if not exists pgcrypto;
create type customer_tier as enum ('basic', 'gold');
create domain email_address as text check (value like '%@%');
create table customers (
    id bigserial primary key,
    email email_address not null unique,
    name text not null,
    tier customer_tier not null default 'basic',
    created_at timestamptz not null default now()
);
comment on table customers is 'People who buy';
comment on column customers.email is 'Login and contact address';
