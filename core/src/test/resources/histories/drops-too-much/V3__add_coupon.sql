alter table orders add column coupon text;
