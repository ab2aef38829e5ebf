create table customers (id bigint primary key, name text);
create index customers_name_idx on customers (name);
