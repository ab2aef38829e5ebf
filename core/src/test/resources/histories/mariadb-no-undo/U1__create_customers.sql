drop view customer_names;
drop table customers;
