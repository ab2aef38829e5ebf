--liquibase formatted sql
-- fast path: held. Breaks a DEFERRABLE INITIALLY DEFERRED key: production's COMMIT fails with 23503.

--changeset kit:1
create table parents (id int primary key);
create table children (id int primary key,
    parent_id int not null constraint children_parent_fk references parents deferrable initially deferred);
insert into parents values (1), (2);
insert into children values (1, 1);
--rollback drop table children; drop table parents;

--changeset kit:2
delete from parents where id = 1;
