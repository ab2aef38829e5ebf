--kit:expect unique-under-exclusive
alter table accounts add constraint accounts_email_key unique (email);
