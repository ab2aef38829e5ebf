alter table customers add column segment text not null default 'retail';
update customers set segment = 'wholesale' where id in (select customer_id from orders group by customer_id having count(*) > 2);
