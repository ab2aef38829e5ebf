alter table orders drop column carrier;
alter table orders drop column shipped_at;
