update users set full_name = split_part(email, '@', 1) where full_name is null;
alter table users alter column full_name set not null;
