create table accounts (id serial primary key, name text not null);
