alter table accounts drop constraint accounts_name_upper;
