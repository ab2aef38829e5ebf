do $$
begin
    execute format('create table snapshot_%s (id bigint)', to_char(clock_timestamp(), 'HH24MISSUS'));
end
$$;
