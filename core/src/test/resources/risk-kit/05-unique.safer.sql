set lock_timeout = '2s';
alter table accounts add constraint accounts_handle_key unique using index accounts_handle_idx;
