--liquibase formatted sql
-- fast path: held. NOTIFY is delivered at commit; the migration passes.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2
notify accounts_changed, 'name added';
alter table accounts add column name text;
