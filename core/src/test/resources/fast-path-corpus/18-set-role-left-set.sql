--liquibase formatted sql
-- fast path: held. Leaves SET ROLE to a role that cannot write Liquibase's changelog table: production's Liquibase
-- fails recording the changeset (42501), and so must the rehearsal.
-- The failure is in the tool's own bookkeeping, which psql does not do: the tool's own run is the reference.
--kit:reference=tool

--changeset kit:1
create table accounts (id int primary key, name text not null);
--rollback drop table accounts;

--changeset kit:2 splitStatements:false
do $$ begin create role kit_reader; exception when duplicate_object then null; end $$;
set role kit_reader;
