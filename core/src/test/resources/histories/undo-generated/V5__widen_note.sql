alter table orders alter column note type varchar(200);
alter table orders alter column total drop default;
