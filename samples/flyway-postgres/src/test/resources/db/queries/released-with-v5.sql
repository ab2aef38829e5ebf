insert into customers (email, full_name) values (?, ?) returning id;
update customers set full_name = ? where id = ?;
select id, email, full_name from customers where id = ?;
