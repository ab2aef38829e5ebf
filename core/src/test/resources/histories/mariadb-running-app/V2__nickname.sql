alter table customers add column nickname varchar(40);
