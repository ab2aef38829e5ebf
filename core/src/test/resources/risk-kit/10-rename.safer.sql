set lock_timeout = '2s';
alter table accounts add column full_name text;
