set lock_timeout = '2s';
alter table accounts alter column nick set not null;
