alter table customers drop column nickname;
