-- Step 2 (migrate): backfill existing rows, then require the new column.
update customers set display_name = full_name where display_name is null;
alter table customers alter column display_name set not null;
