drop trigger customers_sync_display_name on customers;
drop function customers_sync_display_name();
alter table customers drop column display_name;
