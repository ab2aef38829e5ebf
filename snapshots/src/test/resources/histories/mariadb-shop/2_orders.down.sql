drop view customer_totals;
drop table orders;
