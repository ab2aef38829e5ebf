-- takes ids from orders_id_seq, which a rolled-back transaction does not give back
insert into orders (customer_id, note)
select id, 'welcome' from customers order by id;
