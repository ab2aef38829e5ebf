do $$
begin
    insert into public.settings (name, value) values ('orders_archived', 'done');
end
$$;
