alter table customers rename column display_name to full_name;
