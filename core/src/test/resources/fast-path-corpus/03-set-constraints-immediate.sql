--liquibase formatted sql
-- fast path: held. The migration makes the deferred key immediate itself: fails at its statement.

--changeset kit:1
create table parents (id int primary key);
create table children (id int primary key,
    parent_id int not null constraint children_parent_fk references parents deferrable initially deferred);
--rollback drop table children; drop table parents;

--changeset kit:2
set constraints children_parent_fk immediate;
insert into children values (1, 9);
