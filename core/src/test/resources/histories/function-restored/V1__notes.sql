create table notes (
    id serial primary key,
    body text not null,
    updated_at timestamptz
);
create function touch() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end
$$;
create trigger notes_touch before update on notes for each row execute function touch();
