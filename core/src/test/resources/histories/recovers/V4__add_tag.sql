alter table orders add column tag text;
