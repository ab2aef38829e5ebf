--liquibase formatted sql

--changeset gail:notes
create table notes (id serial primary key, body text not null);
--rollback drop table notes;

--changeset gail:notes-index
create index notes_body_idx on notes (body);
--rollback drop index notes_body_idx;
