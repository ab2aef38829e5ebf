-- a typo on line 3
alter table orders add column shipped_at timestamptz;
alter tabel orders add column carrier text;
