create view order_totals as
select o.id                                 as order_id,
       o.customer_id,
       o.status,
       coalesce(sum(i.quantity * i.unit_price), 0) as total
from orders o
left join order_items i on i.order_id = o.id
group by o.id, o.customer_id, o.status;
