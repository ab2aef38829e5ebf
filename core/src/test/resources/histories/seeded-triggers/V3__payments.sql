-- every payment is logged as an order event, and the first one creates the archive its rows move to later
create table payments (
    id bigserial primary key,
    order_id bigint not null,
    amount numeric(12, 2) not null
);
create function log_payment() returns trigger language plpgsql as $$
begin
    insert into order_events (order_id, what) values (new.order_id, 'paid');
    if to_regclass('payment_archive') is null then
        execute 'create table payment_archive (id bigint primary key, amount numeric(12, 2))';
    end if;
    return new;
end
$$;
create trigger payments_log after insert on payments for each row execute function log_payment();
