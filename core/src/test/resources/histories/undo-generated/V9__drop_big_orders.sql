drop view big_orders;
