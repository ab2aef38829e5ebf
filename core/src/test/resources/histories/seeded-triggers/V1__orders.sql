-- every new order is logged, and the first one creates the archive its rows move to later
create table orders (
    id bigserial primary key,
    total numeric(12, 2) not null
);
create table order_events (
    order_id bigint not null,
    what text not null
);
create function log_order() returns trigger language plpgsql as $$
begin
    insert into order_events (order_id, what) values (new.id, 'created');
    if to_regclass('order_archive') is null then
        execute 'create table order_archive (id bigint primary key, total numeric(12, 2))';
    end if;
    return new;
end
$$;
create trigger orders_log after insert on orders for each row execute function log_order();
