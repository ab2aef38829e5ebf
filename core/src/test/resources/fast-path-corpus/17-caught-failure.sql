--liquibase formatted sql
-- fast path: held. A statement fails and the tool carries on (failOnError:false); the next changeset then runs on
-- the tool's connection as production runs it.
-- psql has no failOnError: Liquibase's own run is the reference.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2 failOnError:false
insert into missing_table values (1);

--changeset kit:3
alter table accounts add column name text;
