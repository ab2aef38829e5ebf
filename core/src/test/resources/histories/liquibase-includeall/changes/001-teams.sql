--liquibase formatted sql

--changeset dana:001-teams
create table teams (id bigint primary key, name text not null);
--rollback drop table teams;
