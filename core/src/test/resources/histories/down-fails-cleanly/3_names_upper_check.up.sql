alter table accounts add constraint accounts_name_upper check (name = upper(name));
