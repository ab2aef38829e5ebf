--liquibase formatted sql

--changeset dana:001-teams
create table teams (id bigint primary key, name text not null);
--rollback drop table teams;

--changeset dana:001-teams-comment runAlways:true
comment on table teams is 'a team of members';
--rollback comment on table teams is null;
