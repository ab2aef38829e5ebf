-- Step 3 (contract): the application reads display_name only; drop the old column.
drop trigger customers_sync_display_name on customers;
drop function customers_sync_display_name();
alter table customers drop column full_name;
