--liquibase formatted sql
-- fast path: held. A DO block that catches its own failure (a subtransaction): passes everywhere.

--changeset kit:1
create table accounts (id int primary key);
--rollback drop table accounts;

--changeset kit:2
do $$ begin
  insert into missing_table values (1);
exception when undefined_table then
  raise notice 'no missing_table yet';
end $$;
alter table accounts add column name text;
