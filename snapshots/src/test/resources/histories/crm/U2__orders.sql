alter table customers drop column favourite_order_id;
drop table order_lines;
drop table orders;
drop table products;
