create table customers (
    id bigserial primary key,
    name text not null,
    email text
);
comment on table customers is 'People who order';
