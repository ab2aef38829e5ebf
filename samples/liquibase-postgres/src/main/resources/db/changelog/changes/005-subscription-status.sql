--liquibase formatted sql

--changeset billing:005-subscription-status
--comment: subscription status, derived from cancelled_at for existing rows
alter table subscriptions add column status varchar(20) not null default 'active';
alter table subscriptions add constraint subscriptions_status_check
    check (status in ('trial', 'active', 'past_due', 'cancelled'));
update subscriptions set status = 'cancelled' where cancelled_at is not null;
--rollback alter table subscriptions drop constraint subscriptions_status_check;
--rollback alter table subscriptions drop column status;
