create table users (
    id bigserial primary key,
    email varchar(200) not null unique,
    full_name text,
    created_at timestamptz not null default now()
);
