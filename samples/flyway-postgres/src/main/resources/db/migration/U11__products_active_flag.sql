drop index products_lower_name_idx;
alter table products drop column active;
