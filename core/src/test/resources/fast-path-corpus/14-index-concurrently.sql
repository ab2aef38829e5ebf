--liquibase formatted sql
-- fast path: steps aside. CREATE INDEX CONCURRENTLY cannot run in a transaction.

--changeset kit:1
create table accounts (id int primary key, email text);
--rollback drop table accounts;

--changeset kit:2 runInTransaction:false
create index concurrently accounts_email on accounts (email);
