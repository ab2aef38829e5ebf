create function orders_guard() returns trigger language plpgsql as $$
begin
    return new;
end;
$$;
create trigger orders_guard before insert or update on orders for each row execute function orders_guard();
