alter table customers add column token text;
update customers set token = md5(random()::text);
