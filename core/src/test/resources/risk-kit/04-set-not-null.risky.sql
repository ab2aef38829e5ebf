--kit:expect set-not-null
alter table accounts alter column name set not null;
