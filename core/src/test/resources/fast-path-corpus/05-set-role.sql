--liquibase formatted sql
-- fast path: held. Switches to a role that owns what it creates, then back; Rehearsal's checks read as themselves.

--changeset kit:1
create table accounts (id int primary key, name text not null);
insert into accounts values (1, 'ann');
--rollback drop table accounts;

--changeset kit:2 splitStatements:false
do $$ begin create role kit_owner; exception when duplicate_object then null; end $$;
grant create, usage on schema public to kit_owner;
set role kit_owner;
create table owned_reports (id int primary key);
reset role;
