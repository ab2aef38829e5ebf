--liquibase formatted sql

--changeset carol:3-orders
--comment: orders
create table orders (
    id bigserial primary key,
    customer_id bigint not null references customers (id),
    status text not null default 'new'
);
--rollback drop table orders;
