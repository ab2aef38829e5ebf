--liquibase formatted sql

--changeset billing:002-plans
--comment: plans customers subscribe to
create table plans (
    id serial primary key,
    code varchar(40) not null unique,
    monthly_price_cents integer not null check (monthly_price_cents >= 0),
    currency char(3) not null default 'EUR'
);
--rollback drop table plans;
