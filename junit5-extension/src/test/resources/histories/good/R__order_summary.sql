create or replace view order_summary as
select c.email, count(o.id) as orders, coalesce(sum(o.total), 0) as total
from customers c left join orders o on o.customer_id = c.id
group by c.email;
