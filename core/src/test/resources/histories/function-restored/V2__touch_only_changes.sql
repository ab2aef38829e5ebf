create or replace function touch() returns trigger language plpgsql as $$
begin
    if new.body is distinct from old.body then
        new.updated_at := now();
    end if;
    return new;
end
$$;
