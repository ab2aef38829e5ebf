drop index customers_tier_idx;
alter table customers drop column tier;
