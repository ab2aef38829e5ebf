create trigger orders_skip_noop before update on orders
    for each row execute function suppress_redundant_updates_trigger();
