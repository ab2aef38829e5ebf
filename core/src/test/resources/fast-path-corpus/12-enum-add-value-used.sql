--liquibase formatted sql
-- fast path: held. A new enum value used in the transaction that added it: fails with 55P04.

--changeset kit:1
create type mood as enum ('happy', 'sad');
create table people (id int primary key, mood mood not null);
--rollback drop table people; drop type mood;

--changeset kit:2
alter type mood add value 'meh';
insert into people values (1, 'meh');
