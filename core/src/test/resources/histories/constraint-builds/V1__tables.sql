create table rooms (id integer primary key, during tstzrange not null);
create table accounts (id bigint, email text not null);
create table members (id bigint, email text not null);
create table customers (id bigint primary key);
create table orders (id bigint primary key, customer_id bigint, archived boolean not null default false);
create table invoices (id bigint primary key, customer_id bigint);
