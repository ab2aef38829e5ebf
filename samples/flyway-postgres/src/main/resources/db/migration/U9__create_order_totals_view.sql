drop view order_totals;
