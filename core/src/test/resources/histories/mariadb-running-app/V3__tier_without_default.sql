alter table customers add column tier varchar(10) not null;
