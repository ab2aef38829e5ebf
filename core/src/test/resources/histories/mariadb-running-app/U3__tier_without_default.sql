alter table customers drop column tier;
