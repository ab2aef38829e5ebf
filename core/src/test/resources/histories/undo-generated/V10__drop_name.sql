alter table customers drop column name;
