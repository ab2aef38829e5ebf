drop trigger orders_touch on orders;
drop function touch_updated_at();
alter table orders drop column updated_at;
