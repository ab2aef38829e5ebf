create function normalize_status() returns trigger language plpgsql as $$
begin
    new.status := lower(new.status);
    return new;
end
$$;
create trigger orders_normalize_status before insert or update on orders
    for each row execute function normalize_status();
create view customer_totals as
    select c.id, c.email, coalesce(sum(o.total), 0) as total
    from customers c left join orders o on o.customer_id = c.id
    group by c.id, c.email;
alter table orders add constraint orders_total_small check (total < 1000000) not valid;
