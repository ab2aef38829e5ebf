alter table customers add column email text;
alter table vouchers add column note text;
