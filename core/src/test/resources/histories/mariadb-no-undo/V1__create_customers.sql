create table customers (
    id bigint auto_increment primary key,
    name varchar(100) not null
);
create view customer_names as select name from customers;
