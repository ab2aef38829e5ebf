--liquibase formatted sql
-- fast path: held. Takes a session-level advisory lock and keeps it: its session's end releases it.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2
select pg_advisory_lock(4242);
alter table accounts add column name text;
