alter table customers alter column display_name drop not null;
