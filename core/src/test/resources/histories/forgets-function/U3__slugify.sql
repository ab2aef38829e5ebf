alter table customers drop column slug;
