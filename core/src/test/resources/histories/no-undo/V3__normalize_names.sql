update customers set name = name || '.';
commit;
alter table customers add column nickname text;
