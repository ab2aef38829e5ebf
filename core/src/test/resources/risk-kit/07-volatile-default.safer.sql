set lock_timeout = '2s';
alter table accounts add column plan text default 'free';
