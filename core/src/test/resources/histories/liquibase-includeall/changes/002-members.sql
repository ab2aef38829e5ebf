--liquibase formatted sql

--changeset dana:002-members
create table members (id bigint primary key, team_id bigint not null references teams (id));
--rollback drop table members;

