alter table vouchers drop column note;
alter table customers drop column email;
