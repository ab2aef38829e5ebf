--liquibase formatted sql
-- fast path: steps aside. CREATE INDEX CONCURRENTLY written as any other statement: a tool that runs the migration
-- in a transaction fails with 25001 (Liquibase, dbmate, Drizzle); Flyway sees it and runs it alone.

--changeset kit:1
create table accounts (id int primary key, email text);
--rollback drop table accounts;

--changeset kit:2
create index concurrently accounts_email on accounts (email);
