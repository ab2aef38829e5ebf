--kit:expect no-lock-timeout
alter table accounts add column plan text;
