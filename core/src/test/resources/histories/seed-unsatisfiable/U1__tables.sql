drop table tickets;
drop function tickets_refuse();
drop table vouchers;
drop table customers;
