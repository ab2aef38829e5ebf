set lock_timeout = '2s';
alter table accounts alter column name type varchar(200);
