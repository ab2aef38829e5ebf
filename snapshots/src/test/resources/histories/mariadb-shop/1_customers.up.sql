create table customers (
    id bigint not null auto_increment primary key,
    email varchar(200) not null,
    name varchar(100) not null comment 'Full name',
    updated_at timestamp not null default current_timestamp on update current_timestamp,
    unique key customers_email (email)
) comment 'People who buy';
