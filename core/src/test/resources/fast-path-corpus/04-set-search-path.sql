--liquibase formatted sql
-- fast path: held. Sets the search path for its own statements; Rehearsal's checks must not be affected.

--changeset kit:1
create schema ledger;
create table accounts (id int primary key, name text not null);
insert into accounts values (1, 'ann');
--rollback drop table accounts; drop schema ledger;

--changeset kit:2
set search_path = ledger;
create table entries (id int primary key, amount numeric not null);
