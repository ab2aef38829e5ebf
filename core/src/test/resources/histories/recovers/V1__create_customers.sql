create table customers (
    id bigint generated always as identity primary key,
    email varchar(100) not null unique,
    name text not null
);
