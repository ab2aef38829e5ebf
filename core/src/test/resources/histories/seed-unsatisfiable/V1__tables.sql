create table customers (
    id serial primary key,
    name text not null
);
-- no generated text has this hash: the seeder cannot fill the table, and the round trip must go on without it
create table vouchers (
    id serial primary key,
    code text not null check (md5(code) = 'ffffffffffffffffffffffffffffffff')
);
-- a trigger refuses a third of the rows with an error no CHECK declares: the seeder keeps the rows it accepts
create table tickets (
    id serial primary key,
    priority integer not null
);
create function tickets_refuse() returns trigger language plpgsql as $$
begin
    if new.priority % 3 = 0 then
        raise exception 'priority % is reserved', new.priority using errcode = 'P0001';
    end if;
    return new;
end $$;
create trigger tickets_refuse before insert on tickets for each row execute function tickets_refuse();
