create table order_status_audit (
    id         bigint generated always as identity primary key,
    order_id   bigint      not null references orders (id) on delete cascade,
    old_status text,
    new_status text        not null,
    changed_at timestamptz not null default now()
);
create index order_status_audit_order_id_idx on order_status_audit (order_id);

create function audit_order_status() returns trigger
    language plpgsql as $$
begin
    if new.status is distinct from old.status then
        insert into order_status_audit (order_id, old_status, new_status) values (new.id, old.status, new.status);
    end if;
    return new;
end;
$$;

create trigger orders_audit_status
    after update of status on orders
    for each row execute function audit_order_status();
