-- only the trigger's function changes: the running version's UPDATE now fails in it
create or replace function orders_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        raise exception 'orders are frozen';
    end if;
    return new;
end;
$$;
