-- Everything inside one DO block: the statement text says only "do", the facts say what it did.
do $$
begin
    execute 'alter table accounts alter column score type bigint';
    execute format('alter table %I drop column %I', 'accounts', 'status');
    create index accounts_created_at_idx on accounts (created_at);
end
$$;
