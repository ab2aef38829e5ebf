create table customers (
    id bigserial primary key,
    email text not null unique,
    name text not null,
    phone text,
    street text,
    city text,
    zip text,
    notes text,
    avatar bytea,
    created_at timestamptz not null default now()
);
