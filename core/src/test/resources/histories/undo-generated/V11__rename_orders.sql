alter table orders rename to purchases;
