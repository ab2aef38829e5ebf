alter table customers add column tier int not null default 0;
update customers set tier = id % 4;
create index customers_tier_idx on customers (tier);
alter table customers add constraint customers_tier_range check (tier between 0 and 3);
