-- version 4 was dropped before it shipped: golang-migrate only needs versions to increase
create table systems (name text primary key, value text not null);
