alter table customers drop column segment;
