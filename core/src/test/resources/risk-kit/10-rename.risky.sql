--kit:expect rename
alter table accounts rename column name to full_name;
