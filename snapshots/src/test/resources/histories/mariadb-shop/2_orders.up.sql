create table orders (
    id bigint not null auto_increment primary key,
    customer_id bigint not null,
    total decimal(10, 2) not null,
    constraint orders_total_positive check (total >= 0),
    constraint orders_customer_fk foreign key (customer_id) references customers (id) on delete cascade
);
create index orders_total_idx on orders (total);
create view customer_totals as
    select c.id, sum(o.total) as total from customers c join orders o on o.customer_id = c.id group by c.id;
