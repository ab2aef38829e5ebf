create table customers (
    id        bigint auto_increment primary key,
    email     varchar(200) not null unique,
    full_name varchar(200) not null
);
