alter table products add column active boolean not null default true;
create index products_lower_name_idx on products (lower(name)) where active;
