-- Rename customers.full_name to display_name in three steps (expand, migrate, contract),
-- so that the running application never sees a missing column.
-- Step 1 (expand): add the new column and keep it in sync with the old one.
alter table customers add column display_name text;

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
