create or replace view customer_order_counts as
select c.id as customer_id, c.display_name, count(o.id) as orders
from customers c
left join orders o on o.customer_id = c.id
group by c.id, c.display_name;
