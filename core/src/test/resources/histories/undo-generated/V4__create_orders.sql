create table orders (
    id bigserial primary key,
    customer_id bigint not null references customers (id),
    total numeric(12, 2) not null default 0,
    note varchar(50)
);
create function orders_touch() returns trigger language plpgsql as $$
begin
    new.note := coalesce(new.note, '');
    return new;
end
$$;
create trigger orders_touch before insert on orders for each row execute function orders_touch();
create view big_orders as select id, total from orders where total > 100;
