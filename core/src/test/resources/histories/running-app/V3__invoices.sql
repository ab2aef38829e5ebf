create table invoices (id bigint primary key, order_id bigint not null references orders (id));
