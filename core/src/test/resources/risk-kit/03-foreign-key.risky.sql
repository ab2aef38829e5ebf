--kit:expect constraint-not-valid
alter table orders add constraint orders_account_fk foreign key (account_id) references accounts (id);
