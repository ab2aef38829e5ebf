--liquibase formatted sql

--changeset billing:007-invoices
--comment: invoices
create table invoices (
    id bigserial primary key,
    subscription_id bigint not null references subscriptions (id),
    amount_cents integer not null check (amount_cents >= 0),
    issued_at timestamptz not null default now(),
    paid_at timestamptz
);
create index invoices_subscription_id_idx on invoices (subscription_id);
--rollback drop table invoices;
