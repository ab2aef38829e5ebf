alter table customers rename column full_name to display_name;
