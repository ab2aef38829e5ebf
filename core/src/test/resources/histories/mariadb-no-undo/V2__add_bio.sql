alter table customers add column bio text;
