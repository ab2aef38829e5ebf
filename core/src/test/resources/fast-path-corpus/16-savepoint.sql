--liquibase formatted sql
-- fast path: held. The migration's own savepoints nest inside the held transaction's, and a commit releases them
-- as production's commit ends them.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2
savepoint before_name;
alter table accounts add column name text;
rollback to savepoint before_name;
alter table accounts add column full_name text;
