alter table customers alter column full_name type varchar(60);
