alter table customers add column full_name text;
update customers set full_name = display_name;
alter table customers alter column full_name set not null;

create function customers_sync_display_name() returns trigger
    language plpgsql as $$
begin
    if new.display_name is null then
        new.display_name := new.full_name;
    end if;
    return new;
end;
$$;

create trigger customers_sync_display_name
    before insert or update on customers
    for each row execute function customers_sync_display_name();
