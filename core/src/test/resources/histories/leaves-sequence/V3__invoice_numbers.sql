create sequence invoice_number_seq start 1000;
alter table orders add column invoice_number bigint;
