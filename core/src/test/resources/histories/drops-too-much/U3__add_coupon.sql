alter table orders drop column coupon;
alter table orders alter column total drop default;
alter table customers drop constraint customers_email_key;
