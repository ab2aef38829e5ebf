set lock_timeout = '2s';
alter table orders add constraint orders_account_fk foreign key (account_id) references accounts (id) not valid;
