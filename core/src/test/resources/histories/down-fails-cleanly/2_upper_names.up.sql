-- a backfill: every name in capitals from now on; and a table of its own, which seeding fills after the up
create table audit (id serial primary key, note text not null);
update accounts set name = upper(name);
