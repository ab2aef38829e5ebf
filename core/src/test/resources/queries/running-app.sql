-- what the running version of the application runs, as psql reads it
select id, email, full_name from customers where id = $1;
select * from orders where id = $1;
select id, status from orders where customer_id = $1 order by id;
insert into customers (email, full_name) values ($1, $2);
insert into orders (customer_id, total) values ($1, $2);
update orders set total = $1 where id = $2;
delete from orders where id = $1;
select count(*) from orders o join customers c on c.id = o.customer_id where c.email = ?;
SET application_name = 'shop';
this is not sql at all;
select no_such_column from customers;
