--liquibase formatted sql
-- fast path: held. A partitioned table with a partition and a row routed into it.

--changeset kit:1
create table events (id int not null, at date not null) partition by range (at);
--rollback drop table events;

--changeset kit:2
create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
insert into events values (1, '2026-11-27');
