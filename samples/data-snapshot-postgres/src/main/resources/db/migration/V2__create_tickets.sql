create table agents (
    id bigint generated always as identity primary key,
    email text not null unique,
    display_name text not null
);
create table tickets (
    id bigint generated always as identity primary key,
    customer_id bigint not null references customers (id),
    assignee_id bigint references agents (id),
    subject text not null,
    status text not null default 'open' check (status in ('open', 'pending', 'closed')),
    opened_at timestamptz not null default now()
);
create index tickets_customer_id_idx on tickets (customer_id);
