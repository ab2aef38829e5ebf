drop trigger orders_guard on orders;
drop function orders_guard();
