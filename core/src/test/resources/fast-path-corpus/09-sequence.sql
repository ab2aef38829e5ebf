--liquibase formatted sql
-- fast path: held. Rows from a sequence: the second up must make the same ids as the first.

--changeset kit:1
create table tickets (id serial primary key, code text not null);
--rollback drop table tickets;

--changeset kit:2
insert into tickets (code) select 'T' || g from generate_series(1, 5) g;
