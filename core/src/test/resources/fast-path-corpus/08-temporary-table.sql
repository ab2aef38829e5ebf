--liquibase formatted sql
-- fast path: held. A temporary table that outlives the statement, as a backfill's staging table.

--changeset kit:1
create table accounts (id int primary key, name text);
insert into accounts values (1, 'ann'), (2, 'bob');
--rollback drop table accounts;

--changeset kit:2
create temporary table staging as select id, upper(name) as name from accounts;
update accounts a set name = s.name from staging s where s.id = a.id;
