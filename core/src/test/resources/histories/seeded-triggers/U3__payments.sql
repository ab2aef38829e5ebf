drop table payments;
drop function log_payment();
