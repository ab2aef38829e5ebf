-- the base of NewMigrationRisksTest#aKeptBaseIsCopiedByTheNextRun
create table accounts (id bigint primary key, email text);
