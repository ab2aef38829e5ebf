--liquibase formatted sql
-- fast path: held. A new enum value alone: passes.

--changeset kit:1
create type mood as enum ('happy', 'sad');
--rollback drop type mood;

--changeset kit:2
alter type mood add value 'meh';
