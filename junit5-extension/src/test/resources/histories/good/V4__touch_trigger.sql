alter table orders add column updated_at timestamptz not null default now();
create function touch_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();  -- keep it fresh; a semicolon inside the body
    return new;
end;
$$;
create trigger orders_touch before update on orders for each row execute function touch_updated_at();
