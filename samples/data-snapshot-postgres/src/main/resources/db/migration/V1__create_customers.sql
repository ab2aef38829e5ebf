create table customers (
    id bigint generated always as identity primary key,
    email text not null unique,
    full_name text not null,
    phone text,
    city text,
    created_at timestamptz not null default now()
);
