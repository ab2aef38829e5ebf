alter table orders drop column tag;
