create index customers_name_idx on customers (name);
