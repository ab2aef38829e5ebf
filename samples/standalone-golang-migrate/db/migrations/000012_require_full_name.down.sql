alter table users alter column full_name drop not null;
