alter table customers add column legacy_code text;
