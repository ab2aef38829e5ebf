-- a NOT NULL column without a default: the running version's INSERT does not write it
alter table orders add column channel text not null default 'web';
alter table orders alter column channel drop default;
