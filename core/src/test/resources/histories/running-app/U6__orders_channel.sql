alter table orders drop column channel;
