create table events (
    id         bigint primary key,
    account    integer not null,
    kind       text not null,
    payload    jsonb,
    created_at timestamptz not null
);
