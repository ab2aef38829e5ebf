-- the released part: tables production already has, with the indexes and validated checks the safer cases build on
create table accounts (
    id bigint primary key,
    email text not null,
    handle text,
    name varchar(100),
    nick text,
    score integer not null default 0,
    constraint accounts_nick_not_null check (nick is not null)
);
create unique index accounts_handle_idx on accounts (handle);
create table orders (id bigint primary key, account_id bigint not null, total numeric(12,2) not null);
create index orders_account_id_idx on orders (account_id);
create table bookings (id bigint primary key, during tstzrange not null);
create table members (id bigint, email text not null);
create unique index members_id_idx on members (id);
create table guests (id bigint, email text not null, constraint guests_id_not_null check (id is not null));
create unique index guests_id_idx on guests (id);
